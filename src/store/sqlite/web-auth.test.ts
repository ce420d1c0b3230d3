// SQLite-specific web-account tests: constraint messages, the migration that copies finding
// columns onto attributions, and the portal's query plans. What every store does with web
// accounts and the portal's reads is in conformance/web-accounts.ts and conformance/isp-portal.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrations } from '../migrations/index.ts';
import { openStore } from '../open-store.ts';
import { openDatabase } from './database.ts';
import { applyMigrations } from './migrate.ts';
import { ispFindingsStatement } from './isp-portal.ts';

const at = '2025-01-01T00:00:00.000Z';

test('SQLite names the constraint a refused user breaks', async () => {
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
  await store.createWebUser({ name: 'alice', role: 'isp', ispId: 'isp-a', passwordHash: '$scrypt$x', createdAt: at });
  await assert.rejects(store.createWebUser({ name: 'alice', role: 'operator', passwordHash: 'h', createdAt: at }), /UNIQUE/);
  await assert.rejects(store.createWebUser({ name: 'op', role: 'operator', ispId: 'isp-a', passwordHash: 'h', createdAt: at }), /CHECK/);
  await assert.rejects(store.createWebUser({ name: 'x', role: 'isp', passwordHash: 'h', createdAt: at }), /CHECK/);
  await assert.rejects(store.createWebUser({ name: 'y', role: 'isp', ispId: 'no-such-isp', passwordHash: 'h', createdAt: at }), /FOREIGN KEY/);
  await store.close();
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
