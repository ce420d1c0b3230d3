// PostgreSQL-specific dashboard tests on a store filled at volume: the drill-down's plans
// (one index range in id order, never a scan or sort of the findings), its pages against a
// plain count of the rows, and the figures against plain GROUP BYs — also after findings are
// closed and re-attributed through the triggers the figures rely on. What every store answers
// is in test/store-conformance/dashboard-*.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { fillDashboardVolume, rareVendor } from '../../../test/support/postgres-volume.ts';
import type { DashboardFindingFilter, DashboardFindingQuery } from '../roles/dashboard-findings.ts';
import type { Store } from '../store.ts';
import { drillDownQuery, listDashboardFindingRows } from './dashboard-findings.ts';
import type { Queryable } from './database.ts';
import { openPostgresStore } from './postgres-store.ts';

const findings = 60_000;

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** Rows in a fixed order, for comparing groups whose order the role leaves open. */
const sorted = (rows: readonly object[]): string[] => rows.map((row) => JSON.stringify(row, Object.keys(row).sort())).sort();

describe('PostgreSQL dashboard at volume', { timeout: 300_000 }, () => {
  let server: PostgresServer | undefined;
  let store: Store | undefined;
  let client: pg.Client | undefined;
  before(async () => {
    server = await startPostgres();
    const url = await server.createDatabase();
    store = await openPostgresStore(url);
    await fillDashboardVolume(url, findings);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await store?.close();
    await server?.stop();
  });
  const ready = () => {
    if (!store || !client) throw new Error('the filled store did not open (see the before hook)');
    return { store, client };
  };
  const ids = async (sql: string, values: unknown[] = []) => (await ready().client.query<{ id: string }>(sql, values)).rows.map((row) => Number(row.id));

  test('every drill-down statement reads index ranges: no sequential scan of a large table, and a page the driver answers is never sorted', async () => {
    const { client } = ready();
    const filters: DashboardFindingFilter[] = [
      {},
      { kind: 'infected' },
      { status: 'closed' },
      { kind: 'infected', status: 'open' },
      { isp: 'isp-03' },
      { isp: 'isp-03', status: 'open' },
      { isp: 'isp-03', kind: 'infected' },
      { isp: 'isp-03', kind: 'infected', status: 'closed' },
      { isp: 'unattributed' },
      { vendor: rareVendor },
      { vendor: 'Vendor3', status: 'open' },
      { month: '2025-03', kind: 'weak-credential' },
      { releaseYear: '2014' },
      { closedMonth: '2025-04', status: 'closed' },
    ];
    const large = ['findings', 'finding_attributions', 'finding_events', 'devices'];
    for (const filter of filters) {
      const plans: PlanNode[] = [];
      // Every statement the page runs is explained first, on the same connection and snapshot of statistics.
      const explaining: Queryable = {
        query: async (sql: string, values?: unknown[]) => {
          const explained = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
          plans.push(explained.rows[0]!['QUERY PLAN'][0]!.Plan);
          return client.query(sql, values);
        },
      } as unknown as Queryable;
      await listDashboardFindingRows(explaining, { ...filter, limit: 50 });
      assert.ok(plans.length > 0);
      const nodes = plans.flatMap(nodesOf);
      const scanned = nodes.filter((node) => node['Node Type'] === 'Seq Scan' && large.includes(node['Relation Name'] ?? ''));
      assert.deepEqual(scanned, [], `${JSON.stringify(filter)} scans a large table`);
      if (!drillDownQuery({ ...filter, limit: 50 }).rowChecks && filter.vendor !== rareVendor) {
        assert.ok(!nodes.some((node) => node['Node Type'] === 'Sort'), `${JSON.stringify(filter)} sorts: ${JSON.stringify(plans)}`);
      }
    }
  });

  test('following the cursor visits exactly the matching findings, newest first, also when pages stop at the work budget', async () => {
    const { store } = ready();
    const walk = async (filter: DashboardFindingFilter) => {
      const seen: number[] = [];
      let partialPages = 0;
      let before: number | undefined;
      for (let pages = 0; pages < 1000; pages++) {
        const query: DashboardFindingQuery = { ...filter, limit: 500, ...(before !== undefined ? { before } : {}) };
        const page = await store.listDashboardFindings(query);
        seen.push(...page.findings.map((row) => row.id));
        if (page.partial) partialPages++;
        if (page.next === undefined) return { seen, partialPages };
        before = page.next;
      }
      throw new Error('the cursor never ended');
    };
    const byIspKind = await walk({ isp: 'isp-03', kind: 'infected' });
    assert.deepEqual(
      byIspKind.seen,
      await ids(`SELECT finding_id AS id FROM finding_attributions WHERE isp_id = 'isp-03' AND finding_kind = 'infected' ORDER BY id DESC`),
    );
    // A row check on a sparse combination (one finding in 120): the search stops at its budget and says so.
    const sparse = await walk({ releaseYear: '2014', kind: 'infected' });
    assert.deepEqual(
      sparse.seen,
      await ids(`SELECT f.id FROM findings f JOIN devices d ON d.ip = f.ip WHERE d.release_year = 2014 AND f.kind = 'infected' ORDER BY f.id DESC`),
    );
    assert.ok(sparse.seen.length > 0);
    assert.ok(sparse.partialPages > 0, 'a page stopped at the work budget');
    const unattributed = await walk({ isp: 'unattributed', month: '2025-05' });
    assert.deepEqual(
      unattributed.seen,
      await ids(`SELECT f.id FROM findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id
        WHERE a.isp_id IS NULL AND f.first_seen >= '2025-05' AND f.first_seen < '2025-06' ORDER BY f.id DESC`),
    );
  });

  test('the figures equal plain counts of the rows, before and after findings are closed and re-attributed', async () => {
    const { store, client } = ready();
    const plain = async () => {
      const rows = async (sql: string) =>
        (await client.query(sql)).rows.map((row) => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null)));
      const numbers = <T extends Record<string, unknown>>(list: T[]) =>
        list.map((row) =>
          Object.fromEntries(Object.entries(row).map(([key, value]) => [key, /^(count|hosts|releaseYear)$/.test(key) ? Number(value) : value])),
        );
      return {
        byIsp: numbers(
          await rows(`SELECT f.status, f.kind, a.isp_id AS "ispId", count(*) AS count
            FROM findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id GROUP BY 1, 2, 3`),
        ),
        foundByMonth: numbers(await rows(`SELECT substr(first_seen, 1, 7) AS month, kind, count(*) AS count FROM findings GROUP BY 1, 2`)),
        openByDevice: numbers(
          await rows(`SELECT f.kind, d.device_type AS "deviceType", d.vendor, d.release_year AS "releaseYear", count(*) AS count
            FROM findings f LEFT JOIN devices d ON d.ip = f.ip WHERE f.status = 'open' GROUP BY 1, 2, 3, 4`),
        ),
        infectedByDay: numbers(
          await rows(`SELECT day, count(DISTINCT ip) AS hosts FROM (
            SELECT ip, jsonb_array_elements_text((evidence::jsonb) -> 'daysSeen') AS day FROM findings
              WHERE kind = 'infected' AND jsonb_typeof(evidence::jsonb -> 'daysSeen') = 'array'
            UNION ALL SELECT ip, substr(last_seen, 1, 10) FROM findings
              WHERE kind = 'infected' AND jsonb_typeof(evidence::jsonb -> 'daysSeen') IS DISTINCT FROM 'array') AS seen GROUP BY day`),
        ),
      };
    };
    const check = async (step: string) => {
      const figures = await store.dashboardAggregates();
      const expected = await plain();
      for (const figure of ['byIsp', 'foundByMonth', 'openByDevice', 'infectedByDay'] as const) {
        assert.deepEqual(sorted(figures[figure]), sorted(expected[figure]), `${step}: ${figure}`);
      }
      assert.equal(figures.totals.findings, findings, step);
    };
    await check('as filled');
    // Through the triggers, as the roles' writes would go: status copies and per-ISP counts follow.
    await client.query(`UPDATE findings SET status = 'closed', closed_at = '2025-12-31T00:00:00.000Z' WHERE status = 'open' AND id % 7 = 0`);
    await client.query(`UPDATE finding_attributions SET isp_id = CASE WHEN finding_id % 3 = 0 THEN NULL ELSE 'isp-01' END WHERE finding_id % 11 = 0`);
    await client.query(`UPDATE findings SET evidence = '{"daysSeen":["2025-07-01"]}' WHERE kind = 'infected' AND id % 13 = 1`);
    await check('after closing and re-attributing');
  });
});
