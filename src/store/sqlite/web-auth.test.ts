import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../core/records.ts';
import { migrations } from '../migrations/index.ts';
import { openStore } from '../open-store.ts';
import { openDatabase } from './database.ts';
import { applyMigrations } from './migrate.ts';
import { ispFindingsStatement } from './isp-portal.ts';

const at = '2025-01-01T00:00:00.000Z';
const weak = (ip: string): Finding => ({ kind: 'weak-credential', ip, port: 23, protocol: 'telnet', evidence: {}, observedAt: at }) as Finding;

test('users, sessions and tokens round-trip; names are unique and roles carry an ISP only when ISP', async () => {
  const store = await openStore(':memory:');
  await store.upsertIsps([
    {
      id: 'isp-a',
      name: 'A',
      asns: [],
      prefixes: [],
      contacts: { portalUsers: [] },
      preferences: { format: 'csv', cadence: 'daily', language: 'en' },
      managesCustomerDevices: false,
    },
  ]);
  const alice = await store.createWebUser({ name: 'alice', role: 'isp', ispId: 'isp-a', passwordHash: '$scrypt$x', createdAt: at });
  await assert.rejects(store.createWebUser({ name: 'alice', role: 'operator', passwordHash: 'h', createdAt: at }), /UNIQUE/);
  await assert.rejects(store.createWebUser({ name: 'op', role: 'operator', ispId: 'isp-a', passwordHash: 'h', createdAt: at }), /CHECK/);
  await assert.rejects(store.createWebUser({ name: 'x', role: 'isp', passwordHash: 'h', createdAt: at }), /CHECK/);
  await assert.rejects(store.createWebUser({ name: 'y', role: 'isp', ispId: 'no-such-isp', passwordHash: 'h', createdAt: at }), /FOREIGN KEY/);

  await store.createWebSession({ idHash: 'h1', userId: alice, csrfToken: 'c1', createdAt: at, lastSeenAt: at });
  const session = await store.findWebSession('h1');
  assert.equal(session?.user.name, 'alice');
  assert.equal(session?.user.ispId, 'isp-a');
  assert.equal(session?.csrfToken, 'c1');
  assert.equal(await store.deleteExpiredWebSessions({ idleBefore: '2024-12-31T23:00:00.000Z', createdBefore: '2024-12-31T00:00:00.000Z' }), 0);
  assert.equal(await store.deleteExpiredWebSessions({ idleBefore: '2025-01-01T00:00:01.000Z', createdBefore: at }), 1);
  assert.equal(await store.findWebSession('h1'), undefined);

  const tokenId = await store.createApiToken({ userId: alice, tokenHash: 't1', label: 'ci', createdAt: at });
  assert.equal((await store.findApiToken('t1'))?.user.name, 'alice');
  assert.equal(await store.revokeApiToken(tokenId, at, { userId: alice + 1 }), false);
  assert.equal(await store.revokeApiToken(tokenId, at, { userId: alice }), true);
  assert.equal(await store.findApiToken('t1'), undefined);
  assert.equal((await store.listApiTokens())[0]?.revokedAt, at);
});

test('login failures are counted by name and address within a window; locks end and can be cleared', async () => {
  const store = await openStore(':memory:');
  for (const minute of [0, 5, 10])
    await store.recordLoginFailure({ name: 'alice', address: '192.0.2.1', at: `2025-01-01T00:${String(minute).padStart(2, '0')}:00.000Z` });
  assert.equal(await store.countLoginFailures({ name: 'alice' }, '2025-01-01T00:04:00.000Z'), 2);
  assert.equal(await store.countLoginFailures({ address: '192.0.2.1' }, at), 3);
  await store.lockLogin('name:alice', '2025-01-01T00:30:00.000Z');
  await store.lockLogin('name:alice', '2025-01-01T00:20:00.000Z'); // an earlier end never shortens a lock
  assert.equal(await store.loginLockedUntil(['name:alice', 'address:192.0.2.1'], '2025-01-01T00:25:00.000Z'), '2025-01-01T00:30:00.000Z');
  assert.equal(await store.loginLockedUntil(['name:alice'], '2025-01-01T00:31:00.000Z'), undefined);
  await store.clearLoginFailures('alice');
  assert.equal(await store.loginLockedUntil(['name:alice'], '2025-01-01T00:25:00.000Z'), undefined);
  assert.equal(await store.countLoginFailures({ name: 'alice' }, at), 0);
});

test('attribution rows follow their finding: kind, status and closing time are copied by triggers', async () => {
  const store = await openStore(':memory:');
  const run = await store.startRun({ startedAt: at, scope: [], exclude: [], ports: [23], checks: [] });
  await store.reconcileFindings(run, { found: [weak('192.0.2.1'), weak('192.0.2.2')], covered: [] });
  const [first, second] = (await store.listFindings()).map((row) => row.id);
  await store.recordAttributions([first!, second!].map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'isp-a' } })));
  assert.deepEqual(await store.countIspFindings('isp-a'), [{ kind: 'weak-credential', status: 'open', count: 2 }]);
  const closing = await store.startRun({ startedAt: '2025-01-08T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
  await store.reconcileFindings(closing, { found: [], covered: [{ ip: '192.0.2.2', port: 23, protocol: 'telnet', kind: 'weak-credential' }] });
  assert.deepEqual(await store.countIspFindings('isp-a'), [
    { kind: 'weak-credential', status: 'closed', count: 1 },
    { kind: 'weak-credential', status: 'open', count: 1 },
  ]);
  assert.deepEqual(
    (await store.listIspFindings({ ispId: 'isp-a', status: 'closed', limit: 10 })).map((row) => row.id),
    [second],
  );
  assert.equal((await store.recentlyClosedIspFindings('isp-a', 5))[0]?.closedAt, '2025-01-08T00:00:00.000Z');
  const reopening = await store.startRun({ startedAt: '2025-01-15T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
  await store.reconcileFindings(reopening, { found: [weak('192.0.2.2')], covered: [] });
  assert.deepEqual(await store.countIspFindings('isp-a'), [{ kind: 'weak-credential', status: 'open', count: 2 }]);
  assert.equal(await store.getIspFinding('isp-b', first!), undefined);
  assert.equal((await store.getIspFinding('isp-a', first!))?.ip, '192.0.2.1');
});

test('the per-ISP counts kept by triggers always equal a fresh count', async () => {
  const store = await openStore(':memory:');
  const run = await store.startRun({ startedAt: at, scope: [], exclude: [], ports: [23], checks: [] });
  const ips = Array.from({ length: 12 }, (_, index) => `192.0.2.${index + 1}`);
  await store.reconcileFindings(run, { found: ips.map(weak), covered: [] });
  const ids = (await store.listFindings()).map((row) => row.id);
  const attribute = (pick: (index: number) => string | undefined) =>
    store.recordAttributions(
      ids.map((findingId, index) => ({
        findingId,
        attribution: pick(index) ? { source: 'registry' as const, ispId: pick(index) } : { source: 'none' as const },
      })),
    );
  const counted = async (ispId: string) => (await store.countIspFindings(ispId)).map((row) => `${row.kind}/${row.status}=${row.count}`).join(' ');
  const fresh = async (ispId: string) => {
    const rows = await store.listIspFindings({ ispId, limit: 1000 });
    const tally = new Map<string, number>();
    for (const row of rows) tally.set(`${row.kind}/${row.status}`, (tally.get(`${row.kind}/${row.status}`) ?? 0) + 1);
    const byStatusThenKind = ([a]: [string, number], [b]: [string, number]) => {
      const [kindA = '', statusA = ''] = a.split('/');
      const [kindB = '', statusB = ''] = b.split('/');
      return statusA.localeCompare(statusB) || kindA.localeCompare(kindB);
    };
    return [...tally]
      .sort(byStatusThenKind)
      .map(([key, count]) => `${key}=${count}`)
      .join(' ');
  };
  const check = async (step: string) => {
    for (const ispId of ['isp-a', 'isp-b']) assert.equal(await counted(ispId), await fresh(ispId), `${step}: ${ispId}`);
  };
  await attribute((index) => (index < 8 ? 'isp-a' : 'isp-b'));
  await check('attributed');
  assert.equal(await counted('isp-a'), 'weak-credential/open=8');
  const closing = await store.startRun({ startedAt: '2025-01-08T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
  await store.reconcileFindings(closing, {
    found: [],
    covered: ips.slice(0, 3).map((ip) => ({ ip, port: 23, protocol: 'telnet', kind: 'weak-credential' as const })),
  });
  await check('three closed');
  await attribute((index) => (index % 3 === 0 ? 'isp-b' : index % 3 === 1 ? 'isp-a' : undefined));
  await check('re-attributed, some to nobody');
  const reopening = await store.startRun({ startedAt: '2025-01-15T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
  await store.reconcileFindings(reopening, { found: ips.slice(0, 2).map(weak), covered: [] });
  await check('reopened');
});

test('the migration copies the finding columns onto attributions made before it', () => {
  const db = openDatabase(':memory:');
  const before = migrations.findIndex((migration) => migration.name.startsWith('web users'));
  applyMigrations(db, migrations.slice(0, before), ':memory:');
  db.exec(`INSERT INTO runs (id, started_at, scope, exclude, ports, checks) VALUES (1, '${at}', '[]', '[]', '[]', '[]');
    INSERT INTO findings (id, kind, ip, port, protocol, evidence, status, first_seen, last_seen, first_run_id, last_run_id, closed_at)
      VALUES (7, 'infected', '192.0.2.9', 0, 'darknet', '{}', 'closed', '${at}', '${at}', 1, 1, '${at}');
    INSERT INTO finding_attributions (finding_id, isp_id, source, attributed_at) VALUES (7, 'isp-a', 'registry', '${at}');`);
  applyMigrations(db, migrations, ':memory:');
  assert.deepEqual(
    { ...db.prepare('SELECT finding_kind, finding_status, finding_closed_at FROM finding_attributions WHERE finding_id = 7').get() },
    { finding_kind: 'infected', finding_status: 'closed', finding_closed_at: at },
  );
  assert.deepEqual(
    { ...db.prepare('SELECT isp_id, kind, status, count FROM isp_finding_counts').get() },
    { isp_id: 'isp-a', kind: 'infected', status: 'closed', count: 1 },
  );
  db.close();
});

test('every page of the portal list is one index range, already in order (no scan, no sort)', () => {
  const db = openDatabase(':memory:');
  applyMigrations(db, migrations, ':memory:');
  const filters = [{}, { status: 'open' }, { kind: 'infected' }, { status: 'closed', kind: 'infected' }] as const;
  for (const filter of filters) {
    for (const beforeId of [undefined, 1000]) {
      const { sql, values } = ispFindingsStatement({ ispId: 'isp-a', limit: 50, ...filter, ...(beforeId ? { beforeId } : {}) });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as Array<{ detail: string }>).map((row) => row.detail);
      const where = JSON.stringify({ ...filter, beforeId });
      assert.match(plan[0]!, /^SEARCH a USING INDEX finding_attributions_by_isp\w* \(isp_id=\?/, where);
      if (beforeId) assert.match(plan[0]!, /rowid<\?/, where);
      assert.ok(!plan.some((step) => /^SCAN|TEMP B-TREE/.test(step)), `${where}: ${plan.join(' | ')}`);
    }
  }
  db.close();
});
