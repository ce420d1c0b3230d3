/**
 * The dashboard's drill-down list: findings matching a figure's filters, newest first, in
 * pages found by keyset (id below the cursor) — no OFFSET, no count of everything.
 *
 * One index drives each query, chosen from the filters, so SQLite walks ids in order and
 * stops after a page: a rare vendor or device type → its devices (few rows, sorted); an ISP
 * → the attribution indexes (with the finding's status and kind copied there); kind and/or
 * status → the findings indexes; else the table itself. Filters the driver cannot answer
 * (month, release year, a common vendor …) are checked row by row; so that a rare
 * combination cannot turn one page into a walk over a million rows, such a search looks at
 * id windows of growing size and stops after a fixed budget of ids, returning what it found
 * with a cursor to continue (`partial`).
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { DashboardFindingPage, DashboardFindingQuery, DashboardFindingRow } from '../roles/dashboard-findings.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** Ids examined at most by one page request whose filters need row checks. */
export const DRILL_DOWN_ID_BUDGET = 30_000;
/** A vendor or device type with at most this many devices drives the query through its devices. */
export const RARE_DEVICE_LIMIT = 2_000;
const firstWindow = 2_000;

const columns = `f.id, f.kind, f.ip, f.port, f.protocol, f.status, f.first_seen AS firstSeen, f.last_seen AS lastSeen,
  f.closed_at AS closedAt, d.vendor, d.model, d.device_type AS deviceType, d.release_year AS releaseYear,
  a.isp_id AS ispId, i.name AS ispName`;

/** "2026-02" → ["2026-02", "2026-03"]: the bounds of a month as ISO text prefixes. */
function monthBounds(month: string): [string, string] {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const next = number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
  return [month, next];
}

/** The device column a query may be driven by, when its devices are few. */
export type DeviceDriver = { column: 'vendor' | 'device_type'; index: string; value: string };

/**
 * The page query for a filter: its SQL (id range and LIMIT as the last three parameters), the
 * filter values, and whether rows need checks the driving index cannot answer.
 * @example const { sql, values } = drillDownQuery({ kind: 'infected', limit: 50 }) // EXPLAIN it in tests
 */
export function drillDownQuery(query: DashboardFindingQuery, deviceDriver?: DeviceDriver): { sql: string; values: SQLInputValue[]; rowChecks: boolean } {
  const byIsp = !deviceDriver && query.isp !== undefined && query.isp !== 'unattributed';
  const driver: string[] = [];
  const driverValues: SQLInputValue[] = [];
  const checks: string[] = [];
  const checkValues: SQLInputValue[] = [];
  const drive = (condition: string, value: SQLInputValue) => {
    driver.push(condition);
    driverValues.push(value);
  };
  // A leading "+" keeps SQLite from picking another index for a row check (it would then sort).
  const check = (condition: string, ...values: SQLInputValue[]) => {
    checks.push(condition);
    checkValues.push(...values);
  };
  let from: string;
  let kindDone = false;
  let statusDone = false;
  if (deviceDriver) {
    from = `devices d INDEXED BY ${deviceDriver.index} CROSS JOIN findings f INDEXED BY findings_by_ip ON f.ip = d.ip LEFT JOIN finding_attributions a ON a.finding_id = f.id`;
    drive(`d.${deviceDriver.column} = ?`, deviceDriver.value);
  } else if (byIsp) {
    const index =
      query.status && query.kind
        ? 'finding_attributions_by_isp_status_kind'
        : query.status
          ? 'finding_attributions_by_isp_status'
          : query.kind
            ? 'finding_attributions_by_isp_kind'
            : 'finding_attributions_by_isp';
    from = `finding_attributions a INDEXED BY ${index} CROSS JOIN findings f ON f.id = a.finding_id LEFT JOIN devices d ON d.ip = f.ip`;
    drive('a.isp_id = ?', query.isp!);
    if (query.status) {
      drive('a.finding_status = ?', query.status);
      statusDone = true;
    }
    if (query.kind) {
      drive('a.finding_kind = ?', query.kind);
      kindDone = true;
    }
  } else {
    const index =
      query.status && query.kind
        ? 'INDEXED BY findings_by_status'
        : query.kind
          ? 'INDEXED BY findings_by_kind'
          : query.status
            ? 'INDEXED BY findings_by_status_id'
            : 'NOT INDEXED';
    from = `findings f ${index} LEFT JOIN finding_attributions a ON a.finding_id = f.id LEFT JOIN devices d ON d.ip = f.ip`;
    if (query.status) {
      drive('f.status = ?', query.status);
      statusDone = true;
    }
    if (query.kind) {
      drive('f.kind = ?', query.kind);
      kindDone = true;
    }
  }
  if (query.kind !== undefined && !kindDone) check('+f.kind = ?', query.kind);
  if (query.status !== undefined && !statusDone) check('+f.status = ?', query.status);
  if (query.isp === 'unattributed') check('a.isp_id IS NULL');
  else if (query.isp !== undefined && !byIsp) check('a.isp_id = ?', query.isp);
  const device = (column: 'vendor' | 'device_type', value: string) => {
    if (deviceDriver?.column === column) return;
    if (value === 'unidentified') check('d.ip IS NULL');
    else check(`d.${column} = ?`, value);
  };
  if (query.vendor !== undefined) device('vendor', query.vendor);
  if (query.deviceType !== undefined) device('device_type', query.deviceType);
  if (query.releaseYear !== undefined) {
    if (query.releaseYear === 'unknown') check('d.release_year IS NULL');
    else check('d.release_year = ?', Number(query.releaseYear));
  }
  if (query.month !== undefined) check('+f.first_seen >= ? AND +f.first_seen < ?', ...monthBounds(query.month));
  if (query.closedMonth !== undefined) check(`+f.status = 'closed' AND +f.closed_at >= ? AND +f.closed_at < ?`, ...monthBounds(query.closedMonth));
  const conditions = [...driver, ...checks].join(' AND ');
  const idColumn = byIsp ? 'a.finding_id' : 'f.id';
  const sql = `SELECT ${columns} FROM ${from} LEFT JOIN isps i ON i.id = a.isp_id
    WHERE ${conditions ? `${conditions} AND ` : ''}${idColumn} >= ? AND ${idColumn} < ?
    ORDER BY ${idColumn} DESC LIMIT ?`;
  // Driven by a few devices, the whole set is small: no id windows needed.
  return { sql, values: [...driverValues, ...checkValues], rowChecks: !deviceDriver && checks.length > 0 };
}

/** A vendor or device type whose devices are few enough to drive the query (undefined: not so). */
function rareDevices(db: DatabaseSync, query: DashboardFindingQuery): DeviceDriver | 'none' | undefined {
  const candidates: DeviceDriver[] = [];
  if (query.vendor !== undefined && query.vendor !== 'unidentified') candidates.push({ column: 'vendor', index: 'devices_by_vendor', value: query.vendor });
  if (query.deviceType !== undefined && query.deviceType !== 'unidentified')
    candidates.push({ column: 'device_type', index: 'devices_by_type', value: query.deviceType });
  let best: { driver: DeviceDriver; count: number } | undefined;
  for (const candidate of candidates) {
    const { count } = db
      .prepare(`SELECT count(*) AS count FROM (SELECT 1 FROM devices INDEXED BY ${candidate.index} WHERE ${candidate.column} = ? LIMIT ?)`)
      .get(candidate.value, RARE_DEVICE_LIMIT + 1) as { count: number };
    if (count === 0) return 'none';
    if (count <= RARE_DEVICE_LIMIT && (!best || count < best.count)) best = { driver: candidate, count };
  }
  return best?.driver;
}

type Bounds = { low: number | null; high: number | null };

/**
 * Remembers the id bounds of months (first seen, closed). They are range scans over a month of
 * an index, and they only change when findings or events are added, so the key carries the
 * newest id of the table they come from. Kept per store, at most 64 entries.
 */
export function createMonthBoundsCache(): (key: string, compute: () => Bounds) => Bounds {
  const known = new Map<string, Bounds>();
  return (key, compute) => {
    let bounds = known.get(key);
    if (bounds === undefined) {
      if (known.size >= 64) known.clear();
      bounds = compute();
      known.set(key, bounds);
    }
    return bounds;
  };
}

/** The ids a search may walk: below the cursor, and inside the ids of the first-seen or closing month when one is given. */
function idRange(db: DatabaseSync, query: DashboardFindingQuery, cachedBounds: ReturnType<typeof createMonthBoundsCache>): { low: number; high: number } {
  const extent = db.prepare('SELECT (SELECT min(id) FROM findings) AS low, (SELECT max(id) FROM findings) AS high').get() as Bounds;
  let low = extent.low ?? 1;
  let high = (extent.high ?? 0) + 1;
  if (query.month !== undefined) {
    // The month's stretch of the first-seen index holds its ids: a covering scan of that month only.
    const month = cachedBounds(
      `first:${query.month}:${extent.high}`,
      () =>
        db
          .prepare('SELECT min(id) AS low, max(id) AS high FROM findings INDEXED BY findings_by_first_seen WHERE first_seen >= ? AND first_seen < ?')
          .get(...monthBounds(query.month!)) as Bounds,
    );
    if (month.low === null || month.high === null) return { low: 0, high: 0 };
    low = Math.max(low, month.low);
    high = Math.min(high, month.high + 1);
  }
  if (query.closedMonth !== undefined) {
    // Findings closed in the month have a 'closed' event then: the event index holds their ids.
    const newestEvent = (db.prepare('SELECT max(id) AS id FROM finding_events').get() as { id: number | null }).id;
    const closed = cachedBounds(
      `closed:${query.closedMonth}:${newestEvent}`,
      () =>
        db
          .prepare(`SELECT min(finding_id) AS low, max(finding_id) AS high
      FROM finding_events INDEXED BY finding_events_by_event WHERE event = 'closed' AND at >= ? AND at < ?`)
          .get(...monthBounds(query.closedMonth!)) as Bounds,
    );
    if (closed.low === null || closed.high === null) return { low: 0, high: 0 };
    low = Math.max(low, closed.low);
    high = Math.min(high, closed.high + 1);
  }
  if (query.before !== undefined) high = Math.min(high, query.before);
  return { low, high };
}

/**
 * One page of findings matching the filters, newest first.
 * @example listDashboardFindingRows(db, { kind: 'weak-credential', status: 'open', limit: 50 }, createMonthBoundsCache())
 */
export function listDashboardFindingRows(db: DatabaseSync, query: DashboardFindingQuery, monthBoundsCache = createMonthBoundsCache()): DashboardFindingPage {
  const limit = Math.max(1, Math.min(Math.trunc(query.limit), 500));
  const devices = rareDevices(db, query);
  if (devices === 'none') return { findings: [], partial: false };
  const { low, high } = idRange(db, query, monthBoundsCache);
  if (high <= low) return { findings: [], partial: false };
  const { sql, values, rowChecks } = drillDownQuery(query, devices);
  const statement = db.prepare(sql);
  const fetch = (from: number, to: number, count: number) =>
    (statement.all(...values, from, to, count) as SqlRow[]).map((row) => toRecord<DashboardFindingRow>(row));

  if (!rowChecks) {
    // The driver answers every filter: one range scan, stopped after the page.
    const found = fetch(low, high, limit + 1);
    return { findings: found.slice(0, limit), next: found.length > limit ? found[limit - 1]!.id : undefined, partial: false };
  }
  const found: DashboardFindingRow[] = [];
  let top = high;
  let window = firstWindow;
  let examined = 0;
  while (top > low && found.length <= limit && examined < DRILL_DOWN_ID_BUDGET) {
    const bottom = Math.max(low, top - Math.min(window, DRILL_DOWN_ID_BUDGET - examined));
    found.push(...fetch(bottom, top, limit + 1 - found.length));
    examined += top - bottom;
    top = bottom;
    window *= 2;
  }
  if (found.length > limit) return { findings: found.slice(0, limit), next: found[limit - 1]!.id, partial: false };
  return top > low ? { findings: found, next: top, partial: true } : { findings: found, partial: false };
}
