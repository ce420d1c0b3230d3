import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../store/open-store.ts';
import type { IspRecord } from '../store/roles/isp-attribution.ts';
import { attributeFindings } from './attribute-findings.ts';
import { buildIspReports } from './build-reports.ts';
import { loadMessageTemplates } from './messages/templates.ts';
import { decodeMessage } from './outbox.ts';

const isp = (id: string, language: 'ja' | 'en', contacts: Partial<IspRecord['contacts']>): IspRecord => ({
  id,
  name: `${id} Net`,
  asns: [],
  prefixes: [],
  contacts: { portalUsers: [], ...contacts },
  preferences: { format: 'csv', cadence: 'daily', language },
  managesCustomerDevices: false,
});

test('per-ISP reports: one report per ISP with its new findings, in its language, one outbox entry per channel; nothing twice', async () => {
  const store = await openStore(':memory:');
  try {
    await store.upsertIsps([
      isp('alpha', 'ja', { abuseEmail: 'abuse@alpha.example' }),
      isp('beta', 'en', { abuseEmail: 'abuse@beta.example', webhookUrl: 'http://127.0.0.1:9/hook' }),
      isp('gamma', 'en', {}),
    ]);
    const run = await store.startRun({ startedAt: '2026-03-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    const ips = ['192.0.2.1', '192.0.2.2', '192.0.2.130', '192.0.2.200', '192.0.2.250'];
    await store.reconcileFindings(run, {
      covered: [],
      found: ips.map((ip) => ({
        kind: 'weak-credential' as const,
        ip,
        port: 23,
        protocol: 'telnet',
        dictionaryEntryId: 'on-001',
        evidence: {},
        observedAt: '2026-03-01T00:01:00.000Z',
      })),
    });
    const owner = (ip: string) => (ip.endsWith('.1') || ip.endsWith('.2') ? 'alpha' : ip.endsWith('.130') ? 'beta' : ip.endsWith('.200') ? 'gamma' : undefined);
    const summary = await attributeFindings(store, (ip) =>
      owner(ip) ? { source: 'registry', ispId: owner(ip), asn: 64500 } : { source: 'none', unattributedReason: 'not routed' },
    );
    assert.deepEqual(summary.byIsp, { alpha: 2, beta: 1, gamma: 1 });
    assert.deepEqual(summary.unattributed, { 'not routed': 1 });
    assert.equal(
      (
        await attributeFindings(store, () => {
          throw new Error('only unattributed findings are looked up');
        })
      ).findings,
      0,
    );

    const templates = loadMessageTemplates();
    const now = '2026-03-02T00:00:00.000Z';
    const dry = await buildIspReports({ store, templates, from: 'notice@program.example', now, dryRun: true });
    assert.equal((await store.listReports()).length, 0, 'a dry run writes nothing');
    assert.deepEqual(
      dry.map((result) => [result.ispId, result.fresh]),
      [
        ['alpha', 2],
        ['beta', 1],
        ['gamma', 1],
      ],
    );

    const results = await buildIspReports({ store, templates, from: 'notice@program.example', now });
    assert.deepEqual(
      results.map((result) => [result.ispId, result.created ?? false, result.channels]),
      [
        ['alpha', true, ['smtp:abuse@alpha.example']],
        ['beta', true, ['smtp:abuse@beta.example', 'webhook:http://127.0.0.1:9/hook']],
        ['gamma', false, []],
      ],
    );
    assert.match(results[2]!.note!, /no contact/);
    const outbox = await store.listOutbox();
    assert.equal(outbox.length, 3);
    const alphaMail = decodeMessage(outbox[0]!.payload);
    assert.deepEqual(alphaMail.to, ['abuse@alpha.example']);
    assert.match(alphaMail.text, /[\u3040-\u30ff\u4e00-\u9fff]/, 'alpha asked for Japanese');
    const csv = alphaMail.attachments.find((attachment) => attachment.filename.endsWith('.csv'))!;
    const csvText = Buffer.from(csv.content).toString('utf8');
    assert.match(csvText, /192\.0\.2\.1/);
    assert.doesNotMatch(csvText, /192\.0\.2\.130/, "another ISP's finding never appears");

    const again = await buildIspReports({ store, templates, from: 'notice@program.example', now: '2026-03-03T00:00:00.000Z' });
    // gamma has no contact, so its finding is still waiting; the others were reported yesterday.
    assert.deepEqual(
      again.map((result) => [result.ispId, result.fresh, result.held]),
      [
        ['alpha', 0, 2],
        ['beta', 0, 1],
        ['gamma', 1, 0],
      ],
    );
    assert.equal((await store.listReports()).length, 2, 'nothing reported twice');
  } finally {
    await store.close();
  }
});
