// SQLite-specific dashboard tests: query plans, the drill-down's work budget and the
// slice-by-slice counting. What every store answers is in conformance/dashboard-*.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../core/records.ts';
import type { DashboardFindingQuery } from '../roles/dashboard-findings.ts';
import { openStore } from '../open-store.ts';
import { AGGREGATE_SLICE_IDS } from './dashboard.ts';
import { DRILL_DOWN_ID_BUDGET, drillDownQuery } from './dashboard-findings.ts';

const finding = (ip: string, port: number, observedAt = '2026-01-05T00:00:00.000Z'): Finding => ({
  kind: 'weak-credential',
  ip,
  port,
  protocol: 'telnet',
  evidence: {},
  observedAt,
});

test('every drill-down query walks an index in id order: no table scan, no sort of the findings', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-dashboard-'));
  try {
    const file = join(directory, 'store.sqlite');
    await (await openStore(file)).close();
    const db = new DatabaseSync(file, { readOnly: true });
    const planOf = (query: DashboardFindingQuery, driver?: Parameters<typeof drillDownQuery>[1]) => {
      const { sql, values } = drillDownQuery(query, driver);
      return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values, 1, 2, 3) as Array<{ detail: string }>).map((step) => step.detail).join(' | ');
    };
    const filters: Array<Omit<DashboardFindingQuery, 'limit'>> = [
      {},
      { kind: 'infected' },
      { status: 'closed' },
      { kind: 'infected', status: 'open' },
      { isp: 'sakura' },
      { isp: 'sakura', status: 'open' },
      { isp: 'sakura', kind: 'infected' },
      { isp: 'sakura', kind: 'infected', status: 'closed' },
      { isp: 'unattributed' },
      { vendor: 'Korvan', status: 'open' },
      { month: '2026-01', kind: 'weak-credential' },
      { releaseYear: '2014' },
      { closedMonth: '2026-02', status: 'closed' },
      { deviceType: 'router', isp: 'sakura', kind: 'infected' },
    ];
    for (const filter of filters) {
      const plan = planOf({ ...filter, limit: 50 });
      assert.doesNotMatch(plan, /TEMP B-TREE/, `${JSON.stringify(filter)}: ${plan}`);
      assert.doesNotMatch(plan, /\bSCAN [fa]\b/, `${JSON.stringify(filter)}: ${plan}`);
    }
    // A rare vendor drives through its devices: a small set, then sorted.
    assert.match(
      planOf({ vendor: 'Korvan', limit: 50 }, { column: 'vendor', index: 'devices_by_vendor', value: 'Korvan' }),
      /SEARCH d USING INDEX devices_by_vendor/,
    );
    db.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a search whose rows need checks stops at its budget and continues from where it stopped', async () => {
  const store = await openStore(':memory:');
  const run = await store.startRun({ startedAt: '2026-01-05T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: ['credentials'] });
  // The one finding of a common vendor's 2009 device is the oldest; every newer one is on 2012 devices.
  const count = DRILL_DOWN_ID_BUDGET + 5_000;
  const ips = Array.from({ length: 5_000 }, (_, index) => `10.0.${index >> 8}.${index & 255}`);
  await store.recordDevices(
    run,
    ips.map((ip, index) => ({ ip, identity: { vendor: 'Common', deviceType: 'router', releaseYear: index === 0 ? 2009 : 2012, confidence: 1, evidence: [] } })),
  );
  await store.reconcileFindings(run, {
    found: Array.from({ length: count }, (_, index) => finding(ips[index % ips.length]!, 1000 + Math.floor(index / ips.length))),
    covered: [],
  });
  const first = await store.listDashboardFindings({ releaseYear: '2009', limit: 10 });
  assert.equal(first.partial, true, 'the first page stopped at the budget');
  assert.ok(first.next !== undefined && first.findings.every((row) => row.releaseYear === 2009));
  const pages = [first];
  while (pages.at(-1)!.next !== undefined && pages.length < 10)
    pages.push(await store.listDashboardFindings({ releaseYear: '2009', limit: 10, before: pages.at(-1)!.next }));
  const found = pages.flatMap((page) => page.findings.map((row) => row.ip));
  assert.deepEqual([...new Set(found)], ['10.0.0.0'], 'exactly the 2009 device’s findings, across pages');
  assert.equal(found.length, Math.ceil(count / ips.length));
  assert.equal(pages.at(-1)!.next, undefined);
  assert.ok(pages.length <= 3);
  // An unknown vendor is answered from the vendor index without walking anything.
  assert.deepEqual(await store.listDashboardFindings({ vendor: 'Nobody', limit: 10 }), { findings: [], partial: false });
  await store.close();
});

test('figures counted slice by slice equal one count over the whole table', async () => {
  const store = await openStore(':memory:');
  const run = await store.startRun({ startedAt: '2026-01-05T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: ['credentials'] });
  const count = AGGREGATE_SLICE_IDS * 2 + 123;
  await store.reconcileFindings(run, {
    found: Array.from({ length: count }, (_, index) =>
      finding(`10.1.${(index >> 8) & 255}.${index & 255}`, 23 + (index >> 16), index % 2 ? '2026-01-05T00:00:00.000Z' : '2026-02-05T00:00:00.000Z'),
    ),
    covered: [],
  });
  const aggregates = await store.dashboardAggregates();
  assert.deepEqual(aggregates.foundByMonth, [
    { month: '2026-01', kind: 'weak-credential', count: Math.floor(count / 2) },
    { month: '2026-02', kind: 'weak-credential', count: Math.ceil(count / 2) },
  ]);
  assert.deepEqual(aggregates.byIsp, [{ status: 'open', kind: 'weak-credential', count }]);
  assert.equal(aggregates.totals.findings, count);
  await store.close();
});
