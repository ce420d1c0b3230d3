/**
 * Reflector findings on every page that shows findings: the dashboard (figures, drill-down,
 * the finding with its amplification), the ISP portal (list, kind filter, detail), the public
 * statistics and "check my connection" — with the kind's names from the one list of kinds,
 * and the device's own strings escaped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../core/records.ts';
import { findingKind } from '../core/finding-kinds.ts';
import { openStore } from '../store/open-store.ts';
import { buildApp } from './app.ts';
import { hashPassword } from './auth/password.ts';
import type { ServerDeps } from './route-types.ts';
import { createBrowser, logIn, testPassword, testScryptCost } from '../../test/support/server-fixture.ts';

/** What an SSDP reply said, as a hostile device could say it. */
const hostileServer = '<script>window.__xss=1</script> MiniUPnPd/1.6';

async function setUp() {
  const store = await openStore(':memory:');
  const at = '2026-02-01T00:00:00.000Z';
  await store.upsertIsps(
    [
      {
        id: 'sakura',
        name: 'Sakura Net',
        asns: [64496],
        prefixes: [],
        contacts: { portalUsers: [] },
        preferences: { format: 'csv', cadence: 'weekly', language: 'ja' },
        managesCustomerDevices: false,
      },
    ],
    { at },
  );
  const run = await store.startRun({ startedAt: at, scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
  const reflector: Finding = {
    kind: 'reflector',
    ip: '192.0.2.23',
    port: 1900,
    protocol: 'ssdp',
    evidence: { request: 'M-SEARCH ssdp:all', requestBytes: 94, replyBytes: 2860, replyPackets: 9, amplification: 30.43, facts: { server: hostileServer } },
    observedAt: at,
  };
  const weak: Finding = { kind: 'weak-credential', ip: '192.0.2.7', port: 23, protocol: 'telnet', evidence: {}, dictionaryEntryId: 'kv-001', observedAt: at };
  await store.reconcileFindings(run, { found: [reflector, weak], covered: [] });
  const rows = await store.listFindings();
  const id = (kind: string) => rows.find((row) => row.kind === kind)!.id;
  await store.recordAttributions(
    rows.map((row) => ({ findingId: row.id, attribution: { source: 'registry' as const, ispId: 'sakura', asn: 64496, prefix: '192.0.2.0/24' } })),
    { at },
  );
  await store.createReport({
    ispId: 'sakura',
    audience: 'isp',
    createdAt: '2026-02-02T00:00:00.000Z',
    periodEnd: '2026-02-02T00:00:00.000Z',
    idempotencyKey: 'sakura-1',
    findingIds: rows.map((row) => row.id),
    summary: {},
    outbox: [],
  });
  const passwordHash = await hashPassword(testPassword, testScryptCost);
  await store.createWebUser({ name: 'ops', role: 'operator', passwordHash, createdAt: at });
  await store.createWebUser({ name: 'alice@sakura', role: 'isp', ispId: 'sakura', passwordHash, createdAt: at });
  const deps: ServerDeps = {
    store,
    now: () => new Date('2026-03-01T00:00:00.000Z'),
    program: { name: 'Test Program', operator: 'Test Operator', contact: 'notice@program.example', scannerAddresses: ['192.0.2.250'] },
  };
  const app = buildApp({ deps, auth: { passwordCost: testScryptCost } });
  return { app, store, ids: { reflector: id('reflector'), weak: id('weak-credential') } };
}

const labels = findingKind('reflector')!;

test('dashboard: reflectors in the figures, the drill-down by kind, and the finding page with its amplification, escaped', async () => {
  const { app, store, ids } = await setUp();
  try {
    const operator = createBrowser(app);
    assert.equal((await logIn(operator, 'ops')).status, 303);
    const summary = (await operator.request({ url: '/api/v1/dashboard/summary' })).json() as { kinds: string[]; open: { byKind: Record<string, number> } };
    assert.ok(summary.kinds.includes('reflector'));
    assert.equal(summary.open.byKind.reflector, 1);
    const dashboard = (await operator.request({ url: '/dashboard?lang=en' })).text();
    assert.ok(dashboard.includes(labels.label.en), 'the kind has a column of its own, by its name');
    const list = await operator.request({ url: '/dashboard/findings?kind=reflector&lang=ja' });
    assert.equal(list.status, 200);
    const listed = list.text();
    assert.ok(listed.includes(`href="/dashboard/findings/${ids.reflector}"`));
    assert.ok(!listed.includes(`href="/dashboard/findings/${ids.weak}"`), 'the kind filter keeps only reflectors');
    assert.ok(listed.includes(labels.label.ja));
    const page = (await operator.request({ url: `/dashboard/findings/${ids.reflector}?lang=en` })).text();
    assert.ok(page.includes(labels.label.en));
    assert.match(page, /<th scope="row">amplification<\/th><td><code>30\.43<\/code>/);
    assert.ok(!page.includes('<script>window.__xss'), 'the device string is escaped');
    assert.ok(page.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'));
  } finally {
    await store.close();
  }
});

test('ISP portal: the reflector in the list, the kind filter, and the detail with its evidence', async () => {
  const { app, store, ids } = await setUp();
  try {
    const alice = createBrowser(app);
    assert.equal((await logIn(alice, 'alice@sakura')).status, 303);
    const filtered = (await alice.request({ url: '/portal/findings?kind=reflector&lang=en' })).text();
    assert.ok(filtered.includes(`/portal/findings/${ids.reflector}`));
    assert.ok(!filtered.includes(`/portal/findings/${ids.weak}"`), 'only the kind asked for');
    assert.ok(filtered.includes(`<option value="reflector" selected>${labels.shortLabel.en}</option>`), 'the filter offers the kind by its name');
    const all = (await alice.request({ url: '/portal/findings?lang=ja' })).text();
    assert.ok(all.includes(`/portal/findings/${ids.reflector}`) && all.includes(`/portal/findings/${ids.weak}`));
    assert.ok(all.includes(labels.shortLabel.ja));
    const detail = await alice.request({ url: `/portal/findings/${ids.reflector}?lang=en` });
    assert.equal(detail.status, 200);
    const text = detail.text();
    assert.match(text, /<th>amplification<\/th><td><code>30\.43<\/code>/);
    assert.ok(!text.includes('<script>window.__xss'));
    const api = await alice.request({ url: '/api/v1/findings?kind=reflector' });
    assert.equal(api.status, 200, api.text());
    const body = api.json() as { findings: Array<{ id: number; kind: string; evidence?: { amplification?: number } }> };
    assert.deepEqual(
      body.findings.map((finding) => [finding.id, finding.kind]),
      [[ids.reflector, 'reflector']],
    );
  } finally {
    await store.close();
  }
});

test('public statistics and "check my connection" show the kind by its names and its advice', async () => {
  const { app, store } = await setUp();
  try {
    const statistics = (await app.request({ url: '/statistics?lang=en' })).text();
    assert.ok(statistics.includes(labels.label.en));
    const check = (await app.request({ url: '/check?lang=ja', remoteAddress: '192.0.2.23' })).text();
    assert.match(check, /<li data-kind="reflector"><strong>DDoS反射攻撃の踏み台<\/strong>/);
    assert.ok(check.includes(labels.advice.ja), 'the advice of the kind');
    assert.ok(!check.includes('30.43') && !check.includes('MiniUPnPd'), 'the public page shows no evidence');
    const english = (await app.request({ url: '/check?lang=en', remoteAddress: '192.0.2.23' })).text();
    assert.ok(english.includes(labels.advice.en), 'the English advice, which has nothing to escape');
  } finally {
    await store.close();
  }
});
