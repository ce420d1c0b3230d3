import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open-store.ts';
import { writeVendorReports } from './vendor-reports.ts';

test('vendor reports: one per vendor, by model and firmware, no addresses; written once and recorded', async () => {
  const store = await openStore(':memory:');
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-vendor-'));
  try {
    const run = await store.startRun({ startedAt: '2026-03-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    const device = (ip: string, vendor: string, model: string) => ({
      ip,
      identity: { vendor, model, deviceType: 'router' as const, firmwareVersion: '1.0', confidence: 0.9, evidence: [] },
    });
    await store.recordDevices(run, [device('192.0.2.1', 'Korvan', 'KR-1'), device('192.0.2.2', 'Korvan', 'KR-1'), device('192.0.2.3', 'Velmora', 'VM-9')]);
    await store.reconcileFindings(run, {
      covered: [],
      found: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'].map((ip) => ({
        kind: 'weak-credential' as const,
        ip,
        port: 23,
        protocol: 'telnet',
        dictionaryEntryId: 'on-001',
        evidence: {},
        observedAt: '2026-03-01T00:01:00.000Z',
      })),
    });
    const now = '2026-03-02T00:00:00.000Z';
    const results = await writeVendorReports({ store, directory, now });
    assert.deepEqual(
      results.map((result) => [result.vendor, result.devices, result.models, result.created]),
      [
        ['Korvan', 2, 1, true],
        ['Velmora', 1, 1, true],
      ],
      'the unidentified device (192.0.2.4) goes to no vendor',
    );
    const csv = readdirSync(directory)
      .filter((file) => file.endsWith('.csv'))
      .map((file) => readFileSync(join(directory, file), 'utf8'));
    assert.equal(csv.length, 2);
    for (const text of csv) assert.doesNotMatch(text, /192\.0\.2\./, 'no addresses in a vendor report');
    assert.match(csv.find((text) => text.includes('KR-1'))!, /KR-1/);
    const again = await writeVendorReports({ store, directory, now });
    assert.deepEqual(
      again.map((result) => result.created),
      [false, false],
      'the same findings make no second report',
    );
    const recorded = (await store.listReports()).filter((report) => report.audience === 'vendor');
    assert.equal(recorded.length, 2);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
