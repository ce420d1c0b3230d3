/**
 * Conformance of the critical-device handling path in the store: a critical device's sector is
 * kept with the device and each version and reaches notification; its owner contact is kept
 * with the device and read only by its own method; sector reports are a report audience.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Device, OwnerContact } from '../../src/core/records.ts';
import type { DashboardFindingStore } from '../../src/store/roles/dashboard-findings.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { openFindings, reportInput, runAt } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const contact: OwnerContact = {
  company: 'Hikari Solar Service <script>alert(1)</script>',
  phone: '03-1234-5678',
  email: 'support@hikari-solar.example',
  source: { protocol: 'http', port: 80 },
};

/** A solar monitor at `ip`, in `sector`, optionally with the contact its page showed. */
const monitor = (ip: string, firmwareVersion: string, ownerContact?: OwnerContact): Device => ({
  ip,
  identity: {
    vendor: 'Contec',
    model: 'SolarView Compact',
    deviceType: 'critical',
    sector: 'solar',
    firmwareVersion,
    confidence: 0.9,
    evidence: [{ ruleId: 'contec-solarview-body', protocol: 'http', port: 80, matched: 'SolarView Compact' }],
  },
  ...(ownerContact ? { ownerContact } : {}),
});

type CriticalStores = InventoryStore & RunStore & FindingStore & IspAttributionStore & ReportStore & DashboardFindingStore;

/**
 * Registers the critical-device tests.
 * @example describe('SQLite', () => criticalDeviceStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function criticalDeviceStoreConformance(open: OpenStore<CriticalStores>): void {
  describe('Critical devices', () => {
    test('the sector is kept with the device and each of its versions', () =>
      withStore(open, async (store) => {
        const first = await store.startRun(runAt('2026-01-01T00:00:00.000Z'));
        await store.recordDevices(first, [monitor('192.0.2.40', '6.00')]);
        const second = await store.startRun(runAt('2026-02-01T00:00:00.000Z'));
        await store.recordDevices(second, [monitor('192.0.2.40', '6.50')]);
        const [device] = await store.listDevices({ ip: '192.0.2.40' });
        assert.equal(device?.deviceType, 'critical');
        assert.equal(device?.sector, 'solar');
        assert.deepEqual(
          (await store.listDeviceVersions('192.0.2.40')).map((version) => [version.version, version.sector]),
          [
            [1, 'solar'],
            [2, 'solar'],
          ],
        );
      }));

    test('the owner contact is kept as text, replaced by a newer one, kept through sights without one, and read only by its own method', () =>
      withStore(open, async (store) => {
        const first = await store.startRun(runAt('2026-01-01T00:00:00.000Z'));
        await store.recordDevices(first, [monitor('192.0.2.41', '6.00', contact)]);
        assert.deepEqual(await store.deviceOwnerContact('192.0.2.41'), contact, 'stored exactly as extracted, markup and all, as text');
        const [device] = await store.listDevices({ ip: '192.0.2.41' });
        assert.equal(JSON.stringify(device).includes('Hikari'), false, 'device lists (and the exports built on them) do not carry it');

        const second = await store.startRun(runAt('2026-02-01T00:00:00.000Z'));
        await store.recordDevices(second, [monitor('192.0.2.41', '6.00')]);
        // A re-survey of only the finding's service sees no page: what was learned stays.
        assert.deepEqual(await store.deviceOwnerContact('192.0.2.41'), contact, 'a sight without a contact keeps the last one');
        const third = await store.startRun(runAt('2026-03-01T00:00:00.000Z'));
        const newer: OwnerContact = { company: 'Kita Solar Service', source: { protocol: 'https', port: 443 } };
        await store.recordDevices(third, [monitor('192.0.2.41', '6.00', newer)]);
        assert.deepEqual(await store.deviceOwnerContact('192.0.2.41'), newer, 'a newer contact replaces it');
        assert.equal(await store.deviceOwnerContact('192.0.2.99'), undefined, 'no device, no contact');
      }));

    test('notification sees the sector of a finding on a critical device', () =>
      withStore(open, async (store) => {
        const [findingId] = await openFindings(store, ['192.0.2.42', '192.0.2.43']);
        const runId = await store.startRun(runAt('2026-02-01T00:00:00.000Z'));
        await store.recordDevices(runId, [monitor('192.0.2.42', '6.00', contact)]);
        const findings = await store.listNotifiableFindings({ status: 'open' });
        const critical = findings.find((finding) => finding.id === findingId);
        assert.equal(critical?.deviceType, 'critical');
        assert.equal(critical?.sector, 'solar');
        assert.equal(findings.find((finding) => finding.ip === '192.0.2.43')?.sector, undefined);
        assert.equal(JSON.stringify(findings).includes('Hikari'), false, 'the owner contact never reaches notification');
        const history = await store.findingHistory(findingId!);
        assert.equal(history?.device?.sector, 'solar');
        assert.deepEqual(history?.device?.ownerContact, contact, "the operator's finding page shows it");
      }));

    test('a report to a sector has the sector audience', () =>
      withStore(open, async (store) => {
        const [findingId] = await openFindings(store, ['192.0.2.44']);
        const made = await store.createReport(
          reportInput(undefined, '2026-02-02T00:00:00.000Z', [findingId!], { audience: 'sector', idempotencyKey: 'sector/solar/x' }),
        );
        assert.equal(made.created, true);
        assert.deepEqual(
          (await store.listReports()).map((report) => report.audience),
          ['sector'],
        );
      }));
  });
}
