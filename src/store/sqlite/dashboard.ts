/**
 * The dashboard's figures as SQL aggregates. Findings are read in id slices (one GROUP BY
 * per slice, merged here), so the caller can let other requests run between slices: node's
 * SQLite calls block, and a million findings take seconds to count. Small tables (reports,
 * darknet windows, ISPs) are grouped in one query each.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { DashboardAggregates, TrackedFindingRow } from '../roles/dashboard-figures.ts';
import type { FindingStatus } from '../row-types.ts';
import { changeMarkFromRow, changeMarkQuery } from '../row-mapping.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** Findings per slice: about 50–150 ms of work on a large store. */
export const AGGREGATE_SLICE_IDS = 10_000;

/**
 * One text made of index look-ups (maxima of append-only ids, the newest run's state, the
 * newest attribution time …): it changes when anything the figures depend on changes.
 * @example readChangeMark(db) // '1349|1349|2completed…|…'
 */
export function readChangeMark(db: DatabaseSync): string {
  return changeMarkFromRow(db.prepare(changeMarkQuery).get() as SqlRow);
}

/** Lowest and highest finding id (0, -1 when there is none). Each is one index look-up. */
export function readFindingIdExtent(db: DatabaseSync): { low: number; high: number } {
  const row = db.prepare('SELECT (SELECT min(id) FROM findings) AS low, (SELECT max(id) FROM findings) AS high').get() as {
    low: number | null;
    high: number | null;
  };
  return row.low === null || row.high === null ? { low: 0, high: -1 } : { low: row.low, high: row.high };
}

type CubeRow = {
  month: string;
  status: FindingStatus;
  kind: string;
  ispId: string | null;
  deviceType: string | null;
  vendor: string | null;
  releaseYear: number | null;
  sector: string | null;
  count: number;
};

/** Sums slices of findings into the figures that group them (month, status, kind, ISP, device). */
export interface FindingAccumulator {
  /** Count the findings with ids in [from, to]. */
  addSlice(db: DatabaseSync, from: number, to: number): void;
  /** Infected addresses per day for infected findings with ids in [from, to]. */
  addInfectedSlice(db: DatabaseSync, from: number, to: number): void;
  result(): Pick<DashboardAggregates, 'foundByMonth' | 'byIsp' | 'openByDevice' | 'infectedByDay'>;
}

/**
 * @example const sums = createFindingAccumulator(); sums.addSlice(db, 1, 10000); sums.result().foundByMonth
 */
export function createFindingAccumulator(): FindingAccumulator {
  const found = new Map<string, DashboardAggregates['foundByMonth'][number]>();
  const byIsp = new Map<string, DashboardAggregates['byIsp'][number]>();
  const byDevice = new Map<string, DashboardAggregates['openByDevice'][number]>();
  const infected = new Map<string, Set<string>>();
  const add = <T extends { count: number }>(map: Map<string, T>, key: string, fresh: () => T, count: number) => {
    const entry = map.get(key) ?? fresh();
    entry.count += count;
    map.set(key, entry);
  };
  /** NULL groups (no ISP, no device) become absent keys. */
  const defined = <T>(entry: Record<string, unknown>): T => toRecord<T>(entry as SqlRow);
  return {
    addSlice(db, from, to) {
      const rows = db
        .prepare(`SELECT substr(f.first_seen, 1, 7) AS month, f.status, f.kind, a.isp_id AS ispId, d.device_type AS deviceType,
          d.vendor, d.release_year AS releaseYear, d.sector, count(*) AS count
        FROM findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id LEFT JOIN devices d ON d.ip = f.ip
        WHERE f.id BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`)
        .all(from, to) as CubeRow[];
      for (const row of rows) {
        add(found, `${row.month}\u0000${row.kind}`, () => ({ month: row.month, kind: row.kind, count: 0 }), row.count);
        add(
          byIsp,
          `${row.status}\u0000${row.kind}\u0000${row.ispId ?? ''}`,
          () => defined<DashboardAggregates['byIsp'][number]>({ status: row.status, kind: row.kind, ispId: row.ispId, count: 0 }),
          row.count,
        );
        if (row.status !== 'open') continue;
        add(
          byDevice,
          JSON.stringify([row.kind, row.deviceType, row.vendor, row.releaseYear, row.sector]),
          () =>
            defined<DashboardAggregates['openByDevice'][number]>({
              kind: row.kind,
              deviceType: row.deviceType,
              vendor: row.vendor,
              releaseYear: row.releaseYear,
              sector: row.sector,
              count: 0,
            }),
          row.count,
        );
      }
    },
    addInfectedSlice(db, from, to) {
      // Days an infected address was seen: the darknet's list of days when the evidence has one
      // made of day strings only, else the day it was last seen.
      const rows = db
        .prepare(`SELECT f.ip, j.value AS day FROM findings f INDEXED BY findings_by_kind, json_each(f.evidence, '$.daysSeen') j
          WHERE f.kind = 'infected' AND f.id BETWEEN ? AND ? AND json_type(f.evidence, '$.daysSeen') = 'array'
            AND NOT EXISTS (SELECT 1 FROM json_each(f.evidence, '$.daysSeen') k WHERE k.type <> 'text')
        UNION ALL
        SELECT ip, substr(last_seen, 1, 10) FROM findings INDEXED BY findings_by_kind
          WHERE kind = 'infected' AND id BETWEEN ? AND ? AND (json_type(evidence, '$.daysSeen') IS NOT 'array'
            OR EXISTS (SELECT 1 FROM json_each(evidence, '$.daysSeen') k WHERE k.type <> 'text'))`)
        .all(from, to, from, to) as Array<{ ip: string; day: string }>;
      for (const { ip, day } of rows) {
        const addresses = infected.get(day) ?? new Set<string>();
        addresses.add(ip);
        infected.set(day, addresses);
      }
    },
    result() {
      const byMonthThenKind = (a: { month: string; kind: string }, b: { month: string; kind: string }) =>
        a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind);
      return {
        foundByMonth: [...found.values()].sort(byMonthThenKind),
        byIsp: [...byIsp.values()],
        openByDevice: [...byDevice.values()],
        infectedByDay: [...infected].map(([day, addresses]) => ({ day, hosts: addresses.size })).sort((a, b) => a.day.localeCompare(b.day)),
      };
    },
  };
}

const rows = <T>(db: DatabaseSync, sql: string): T[] => (db.prepare(sql).all() as SqlRow[]).map((row) => toRecord<T>(row));

/** For each darknet and day: the day window when stored, else that day's hour windows. */
const chosenDarknetWindows = `chosen AS (
  SELECT darknet, start, packets, sources, scanners, mirai_scanners, top_ports FROM darknet_windows WHERE period_seconds = 86400
  UNION ALL
  SELECT h.darknet, h.start, h.packets, h.sources, h.scanners, h.mirai_scanners, h.top_ports FROM darknet_windows h
    WHERE h.period_seconds = 3600 AND NOT EXISTS (SELECT 1 FROM darknet_windows d
      WHERE d.period_seconds = 86400 AND d.darknet = h.darknet AND d.start = substr(h.start, 1, 10) || 'T00:00:00.000Z'))`;

/**
 * The figures that do not group findings: remediation events, reports, darknet, ISPs, totals.
 * @example readSmallAggregates(db).reportsByMonth
 */
export function readSmallAggregates(db: DatabaseSync): Omit<DashboardAggregates, 'foundByMonth' | 'byIsp' | 'openByDevice' | 'infectedByDay'> {
  const count = (sql: string) => Number((db.prepare(sql).get() as { n: number | null }).n ?? 0);
  return {
    remediatedByMonth: rows(
      db,
      `SELECT substr(at, 1, 7) AS month, count(*) AS count
      FROM finding_events INDEXED BY finding_events_by_event WHERE event = 'closed' GROUP BY month ORDER BY month`,
    ),
    reportsByMonth: rows(
      db,
      `SELECT substr(created_at, 1, 7) AS month, count(*) AS reports, sum(finding_count) AS findingsNotified
      FROM reports WHERE audience = 'isp' GROUP BY month ORDER BY month`,
    ),
    isps: rows(db, 'SELECT id, name FROM isps ORDER BY id'),
    darknetByDay: rows(
      db,
      `WITH ${chosenDarknetWindows}
      SELECT substr(start, 1, 10) AS day, sum(packets) AS packets, sum(sources) AS sources, sum(scanners) AS scanners,
        sum(mirai_scanners) AS miraiScanners FROM chosen GROUP BY day ORDER BY day`,
    ),
    darknetTopPorts: rows(
      db,
      `WITH ${chosenDarknetWindows}
      SELECT CAST(json_extract(j.value, '$.port') AS INTEGER) AS port, sum(json_extract(j.value, '$.packets')) AS packets
      FROM chosen, json_each(chosen.top_ports) j GROUP BY port ORDER BY packets DESC, port LIMIT 20`,
    ),
    drdosByDay: rows(
      db,
      `SELECT substr(start, 1, 10) AS day, protocol, count(*) AS attacks, sum(packets) AS packets
      FROM darknet_attacks WHERE qualified = 1 GROUP BY day, protocol ORDER BY day, protocol`,
    ),
    totals: {
      findings: count('SELECT count(*) AS n FROM findings'),
      reports: count(`SELECT count(*) AS n FROM reports WHERE audience = 'isp'`),
      deliveredReports: count(`SELECT count(DISTINCT report_id) AS n FROM outbox WHERE status = 'delivered'`),
      feedback: count('SELECT count(*) AS n FROM isp_feedback'),
      pendingOptOuts: count(`SELECT count(*) AS n FROM opt_out_requests WHERE status = 'pending'`),
    },
  };
}

/** Shares repeated texts (ISP ids, report and run times) so a million rows do not hold a million copies. */
export function createInterner(): (text: string) => string {
  const shared = new Map<string, string>();
  return (text) => {
    const known = shared.get(text);
    if (known !== undefined) return known;
    // Bounded: when the texts are mostly distinct, sharing saves nothing and the map would grow.
    if (shared.size < 10_000) shared.set(text, text);
    return text;
  };
}

/**
 * Reported (finding, ISP) pairs whose finding id is in [from, to], walked in finding order
 * (the report_findings index, so no sort), counted by ISP, first-report day and closing day.
 * @example readTrackedSlice(db, 1, 10000, createInterner())
 */
export function readTrackedSlice(db: DatabaseSync, from: number, to: number, intern: (text: string) => string): TrackedFindingRow[] {
  const statement = db.prepare(`SELECT ispId, substr(startAt, 1, 10) AS startDay, substr(remediatedAt, 1, 10) AS remediatedDay, count(*) AS count FROM (
      SELECT r.isp_id AS ispId, min(r.created_at) AS startAt, CASE WHEN f.status = 'closed' THEN f.closed_at END AS remediatedAt
      FROM report_findings rf INDEXED BY report_findings_by_finding JOIN reports r ON r.id = rf.report_id JOIN findings f ON f.id = rf.finding_id
      WHERE rf.finding_id BETWEEN ? AND ? AND r.audience = 'isp' AND r.isp_id IS NOT NULL GROUP BY rf.finding_id, r.isp_id
    ) GROUP BY ispId, startDay, remediatedDay`);
  const tracked: TrackedFindingRow[] = [];
  for (const row of statement.iterate(from, to) as Iterable<{ ispId: string; startDay: string; remediatedDay: string | null; count: number }>) {
    const entry: TrackedFindingRow = { ispId: intern(row.ispId), startAt: intern(row.startDay), count: row.count };
    if (row.remediatedDay !== null) entry.remediatedAt = intern(row.remediatedDay);
    tracked.push(entry);
  }
  return tracked;
}
