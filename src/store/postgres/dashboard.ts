/**
 * The dashboard's figures as PostgreSQL aggregates. Unlike SQLite's (sliced by id so that the
 * blocking calls give the event loop back), each figure is one statement: the server does the
 * work while node waits on a socket. The caller reads them in one snapshot
 * (dashboard-methods.ts), so the figures agree with each other. Every heavy statement names the index it is meant to run on; with ten
 * million findings they are index-only scans or one pass over a partial index, and the caller
 * caches the result until `dashboardChangeMark()` moves.
 */
import type { DashboardAggregates, TrackedFindingRow } from '../roles/dashboard-figures.ts';
import type { FindingStatus } from '../row-types.ts';
import { changeMarkFromRow, changeMarkQuery } from '../row-mapping.ts';
import type { Queryable } from './database.ts';
import { type PgRow, toRecord } from './rows.ts';

/**
 * One text made of index look-ups (maxima of append-only ids, the newest run's state, the
 * newest attribution time …): it changes when anything the figures depend on changes. A
 * replaced darknet window or attack is deleted and inserted again (darknet.ts), so it too
 * moves a maximum id.
 * @example await readChangeMark(pool) // '1349|1349|2completed…|…'
 */
export async function readChangeMark(db: Queryable): Promise<string> {
  const { rows } = await db.query(changeMarkQuery);
  return changeMarkFromRow(rows[0] as PgRow);
}

const all = async <T>(db: Queryable, sql: string): Promise<T[]> => (await db.query(sql)).rows.map((row) => toRecord<T>(row as PgRow));

/** Text order as JavaScript compares (the SQLite store sorts these figures in JavaScript too). */
const byText = (a: string, b: string) => a.localeCompare(b);

/**
 * Findings by first-seen month and kind.
 * Index: findings_by_first_seen (first_seen, kind), index-only.
 */
async function foundByMonth(db: Queryable): Promise<DashboardAggregates['foundByMonth']> {
  const rows = await all<DashboardAggregates['foundByMonth'][number]>(
    db,
    'SELECT substr(first_seen, 1, 7) AS month, kind, count(*) AS count FROM findings GROUP BY 1, 2',
  );
  return rows.sort((a, b) => byText(a.month, b.month) || byText(a.kind, b.kind));
}

/**
 * Every finding by status, kind and ISP. The attributed part is the trigger-kept
 * isp_finding_counts (a few rows per ISP); the rest (no attribution, or no ISP named) is what
 * those leave of the per-status-and-kind totals, counted on findings_by_status (status, kind),
 * index-only — no join of ten million findings with their attributions.
 */
async function byIsp(db: Queryable): Promise<DashboardAggregates['byIsp']> {
  const totals = await all<{ status: FindingStatus; kind: string; count: number }>(
    db,
    'SELECT status, kind, count(*) AS count FROM findings GROUP BY status, kind',
  );
  const attributed = await all<{ status: FindingStatus; kind: string; ispId: string; count: number }>(
    db,
    'SELECT status, kind, isp_id AS "ispId", count FROM isp_finding_counts WHERE count > 0',
  );
  const unattributed = new Map(totals.map((row) => [`${row.status}\u0000${row.kind}`, { ...row }]));
  for (const row of attributed) {
    const total = unattributed.get(`${row.status}\u0000${row.kind}`);
    if (total) total.count -= row.count;
  }
  return [...attributed, ...[...unattributed.values()].filter((row) => row.count > 0)];
}

/**
 * Open findings by kind and the identity of their device: one parallel pass over the findings
 * hash-joined with devices (one row per address). No index helps: most findings are open, and
 * every one needs its device (a partial index of open findings was tried; the planner rightly
 * preferred the scan).
 */
function openByDevice(db: Queryable): Promise<DashboardAggregates['openByDevice']> {
  return all(
    db,
    `SELECT f.kind, d.device_type AS "deviceType", d.vendor, d.release_year AS "releaseYear", d.sector, count(*) AS count
    FROM findings f LEFT JOIN devices d ON d.ip = f.ip WHERE f.status = 'open' GROUP BY 1, 2, 3, 4, 5`,
  );
}

/**
 * Distinct infected addresses per day: the darknet's list of days when the evidence has one
 * made of day strings only, else the day it was last seen. Index: findings_by_kind (kind, id)
 * for the infected findings only.
 */
async function infectedByDay(db: Queryable): Promise<DashboardAggregates['infectedByDay']> {
  const rows = await all<{ day: string; hosts: number }>(
    db,
    `WITH infected AS (
      SELECT ip, last_seen, evidence::jsonb -> 'daysSeen' AS days FROM findings WHERE kind = 'infected'
    ), judged AS (
      SELECT ip, last_seen, days,
        coalesce(jsonb_typeof(days) = 'array' AND NOT jsonb_path_exists(days, '$[*] ? (@.type() != "string")'), false) AS listed
      FROM infected
    )
    SELECT day, count(DISTINCT ip) AS hosts FROM (
      SELECT ip, jsonb_array_elements_text(days) AS day FROM judged WHERE listed
      UNION ALL
      SELECT ip, substr(last_seen, 1, 10) FROM judged WHERE NOT listed
    ) AS seen GROUP BY day`,
  );
  return rows.sort((a, b) => byText(a.day, b.day));
}

/** For each darknet and day: the day window when stored, else that day's hour windows. */
const chosenDarknetWindows = `chosen AS (
  SELECT darknet, start, packets, sources, scanners, mirai_scanners, top_ports FROM darknet_windows WHERE period_seconds = 86400
  UNION ALL
  SELECT h.darknet, h.start, h.packets, h.sources, h.scanners, h.mirai_scanners, h.top_ports FROM darknet_windows h
    WHERE h.period_seconds = 3600 AND NOT EXISTS (SELECT 1 FROM darknet_windows d
      WHERE d.period_seconds = 86400 AND d.darknet = h.darknet AND d.start = substr(h.start, 1, 10) || 'T00:00:00.000Z'))`;

/**
 * The figures that do not group findings: remediation events, reports, darknet, ISPs, totals.
 * @example (await readSmallAggregates(pool)).reportsByMonth
 */
async function readSmallAggregates(db: Queryable): Promise<Omit<DashboardAggregates, 'foundByMonth' | 'byIsp' | 'openByDevice' | 'infectedByDay'>> {
  const count = async (sql: string) => Number((await db.query<{ n: number | null }>(sql)).rows[0]?.n ?? 0);
  return {
    // finding_events_by_event (event, at, finding_id): the 'closed' range, index-only.
    remediatedByMonth: await all(db, `SELECT substr(at, 1, 7) AS month, count(*) AS count FROM finding_events WHERE event = 'closed' GROUP BY 1 ORDER BY 1`),
    reportsByMonth: await all(
      db,
      `SELECT substr(created_at, 1, 7) AS month, count(*) AS reports, sum(finding_count) AS "findingsNotified"
      FROM reports WHERE audience = 'isp' GROUP BY 1 ORDER BY 1`,
    ),
    isps: await all(db, 'SELECT id, name FROM isps ORDER BY id'),
    darknetByDay: await all(
      db,
      `WITH ${chosenDarknetWindows}
      SELECT substr(start, 1, 10) AS day, sum(packets) AS packets, sum(sources) AS sources, sum(scanners) AS scanners,
        sum(mirai_scanners) AS "miraiScanners" FROM chosen GROUP BY 1 ORDER BY 1`,
    ),
    darknetTopPorts: await all(
      db,
      `WITH ${chosenDarknetWindows}
      SELECT (entry ->> 'port')::int AS port, sum((entry ->> 'packets')::bigint) AS packets
      FROM chosen, jsonb_array_elements(chosen.top_ports::jsonb) AS entry GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
    ),
    drdosByDay: await all(
      db,
      `SELECT substr(start, 1, 10) AS day, protocol, count(*) AS attacks, sum(packets) AS packets
      FROM darknet_attacks WHERE qualified = 1 GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    totals: {
      // The primary key, index-only (PostgreSQL counts rows; no trigger-kept total is worth its write cost here).
      findings: await count('SELECT count(*) AS n FROM findings'),
      reports: await count(`SELECT count(*) AS n FROM reports WHERE audience = 'isp'`),
      deliveredReports: await count(`SELECT count(DISTINCT report_id) AS n FROM outbox WHERE status = 'delivered'`),
      feedback: await count('SELECT count(*) AS n FROM isp_feedback'),
      pendingOptOuts: await count(`SELECT count(*) AS n FROM opt_out_requests WHERE status = 'pending'`),
    },
  };
}

/**
 * Every figure, each from one statement (run one after the other on one connection).
 * @example (await readDashboardAggregates(pool)).foundByMonth
 */
export async function readDashboardAggregates(db: Queryable): Promise<DashboardAggregates> {
  return {
    foundByMonth: await foundByMonth(db),
    byIsp: await byIsp(db),
    openByDevice: await openByDevice(db),
    infectedByDay: await infectedByDay(db),
    ...(await readSmallAggregates(db)),
  };
}

/**
 * Reported (finding, ISP) pairs counted by ISP, first-report day and closing day. Indexes:
 * report_findings_by_finding (finding_id) joined in finding order with the findings' primary
 * key; ISP reports are few, hashed.
 * @example await readTrackedFindings(pool)
 */
export async function readTrackedFindings(db: Queryable): Promise<TrackedFindingRow[]> {
  const { rows } = await db.query<{ ispId: string; startDay: string; remediatedDay: string | null; count: number }>(
    `SELECT "ispId", substr("startAt", 1, 10) AS "startDay", substr("remediatedAt", 1, 10) AS "remediatedDay", count(*) AS count FROM (
      SELECT r.isp_id AS "ispId", min(r.created_at) AS "startAt", CASE WHEN f.status = 'closed' THEN f.closed_at END AS "remediatedAt"
      FROM report_findings rf JOIN reports r ON r.id = rf.report_id JOIN findings f ON f.id = rf.finding_id
      WHERE r.audience = 'isp' AND r.isp_id IS NOT NULL GROUP BY rf.finding_id, r.isp_id, f.status, f.closed_at
    ) AS pairs GROUP BY 1, 2, 3`,
  );
  return rows.map((row) => ({
    ispId: row.ispId,
    startAt: row.startDay,
    count: Number(row.count),
    ...(row.remediatedDay !== null ? { remediatedAt: row.remediatedDay } : {}),
  }));
}
