/**
 * The dashboard's drill-down list in PostgreSQL: findings matching a figure's filters, newest
 * first, in keyset pages (id below the cursor) — no OFFSET, no count of everything. The same
 * search as the SQLite store's (sqlite/dashboard-findings.ts), so pages, cursors and `partial`
 * come out the same:
 *
 * One index range drives each query, chosen by the filters, and is walked in id order so the
 * server stops after a page: a rare vendor or device type → its devices (devices_by_vendor,
 * devices_by_type; few rows, sorted); an ISP → finding_attributions_by_isp_status_kind,
 * _by_isp_status, _by_isp_kind (each ending in finding_id) or _by_isp; kind and/or status →
 * findings_by_status_kind_id (status, kind, id; migration 012), findings_by_kind (kind, id),
 * findings_by_status_id (status, id); else the primary key. Filters the driver cannot answer
 * (month, release year, a common vendor …) are checked row by row, inside id windows of growing
 * size with a fixed budget of ids, so a rare combination cannot turn one page into a walk over
 * ten million rows: such a search returns what it found with a cursor to continue (`partial`).
 */
import type { DashboardFindingPage, DashboardFindingQuery, DashboardFindingRow } from '../roles/dashboard-findings.ts';
import type { Queryable } from './database.ts';
import { type PgRow, toRecord } from './rows.ts';

/** Ids examined at most by one page request whose filters need row checks (as in SQLite). */
export const DRILL_DOWN_ID_BUDGET = 30_000;
/** A vendor or device type with at most this many devices drives the query through its devices. */
export const RARE_DEVICE_LIMIT = 2_000;
const firstWindow = 2_000;

const columns = `f.id, f.kind, f.ip, f.port, f.protocol, f.status, f.first_seen AS "firstSeen", f.last_seen AS "lastSeen",
  f.closed_at AS "closedAt", d.vendor, d.model, d.device_type AS "deviceType", d.release_year AS "releaseYear",
  a.isp_id AS "ispId", i.name AS "ispName"`;

/** "2026-02" → ["2026-02", "2026-03"]: the bounds of a month as ISO text prefixes. */
function monthBounds(month: string): [string, string] {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const next = number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
  return [month, next];
}

/** The device column a query may be driven by, when its devices are few. */
export type DeviceDriver = { column: 'vendor' | 'device_type'; value: string };

type Value = string | number;

/**
 * The page query for a filter: its SQL (id range and LIMIT are the last three parameters,
 * after `values`), the filter values, and whether rows need checks the driving index cannot answer.
 * @example const { sql, values } = drillDownQuery({ kind: 'infected', limit: 50 }) // EXPLAIN it in tests
 */
export function drillDownQuery(query: DashboardFindingQuery, deviceDriver?: DeviceDriver): { sql: string; values: Value[]; rowChecks: boolean } {
  const byIsp = !deviceDriver && query.isp !== undefined && query.isp !== 'unattributed';
  const driver: string[] = [];
  const checks: string[] = [];
  const values: Value[] = [];
  const placeholder = (value: Value) => {
    values.push(value);
    return `$${values.length}`;
  };
  const drive = (condition: (value: string) => string, value: Value) => driver.push(condition(placeholder(value)));
  let from: string;
  let kindDone = false;
  let statusDone = false;
  if (deviceDriver) {
    from = 'devices d JOIN findings f ON f.ip = d.ip LEFT JOIN finding_attributions a ON a.finding_id = f.id';
    drive((value) => `d.${deviceDriver.column} = ${value}`, deviceDriver.value);
  } else if (byIsp) {
    from = 'finding_attributions a JOIN findings f ON f.id = a.finding_id LEFT JOIN devices d ON d.ip = f.ip';
    drive((value) => `a.isp_id = ${value}`, query.isp!);
    if (query.status) {
      drive((value) => `a.finding_status = ${value}`, query.status);
      statusDone = true;
    }
    if (query.kind) {
      drive((value) => `a.finding_kind = ${value}`, query.kind);
      kindDone = true;
    }
  } else {
    from = 'findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id LEFT JOIN devices d ON d.ip = f.ip';
    if (query.status) {
      drive((value) => `f.status = ${value}`, query.status);
      statusDone = true;
    }
    if (query.kind) {
      drive((value) => `f.kind = ${value}`, query.kind);
      kindDone = true;
    }
  }
  // Row checks come after the driver's conditions, so the placeholders follow the same order as `values`.
  const check = (condition: string) => checks.push(condition);
  if (query.kind !== undefined && !kindDone) check(`f.kind = ${placeholder(query.kind)}`);
  if (query.status !== undefined && !statusDone) check(`f.status = ${placeholder(query.status)}`);
  if (query.isp === 'unattributed') check('a.isp_id IS NULL');
  else if (query.isp !== undefined && !byIsp) check(`a.isp_id = ${placeholder(query.isp)}`);
  const device = (column: 'vendor' | 'device_type', value: string) => {
    if (deviceDriver?.column === column) return;
    if (value === 'unidentified') check('d.ip IS NULL');
    else check(`d.${column} = ${placeholder(value)}`);
  };
  if (query.vendor !== undefined) device('vendor', query.vendor);
  if (query.deviceType !== undefined) device('device_type', query.deviceType);
  if (query.releaseYear !== undefined) {
    if (query.releaseYear === 'unknown') check('d.release_year IS NULL');
    else check(`d.release_year = ${placeholder(Number(query.releaseYear))}`);
  }
  if (query.month !== undefined) {
    const [start, end] = monthBounds(query.month);
    check(`f.first_seen >= ${placeholder(start)} AND f.first_seen < ${placeholder(end)}`);
  }
  if (query.closedMonth !== undefined) {
    const [start, end] = monthBounds(query.closedMonth);
    check(`f.status = 'closed' AND f.closed_at >= ${placeholder(start)} AND f.closed_at < ${placeholder(end)}`);
  }
  const conditions = [...driver, ...checks].join(' AND ');
  const idColumn = byIsp ? 'a.finding_id' : 'f.id';
  const next = values.length;
  const sql = `SELECT ${columns} FROM ${from} LEFT JOIN isps i ON i.id = a.isp_id
    WHERE ${conditions ? `${conditions} AND ` : ''}${idColumn} >= $${next + 1} AND ${idColumn} < $${next + 2}
    ORDER BY ${idColumn} DESC LIMIT $${next + 3}`;
  // Driven by a few devices, the whole set is small: no id windows needed.
  return { sql, values, rowChecks: !deviceDriver && checks.length > 0 };
}

/** A vendor or device type whose devices are few enough to drive the query ('none': no such device at all). */
async function rareDevices(db: Queryable, query: DashboardFindingQuery): Promise<DeviceDriver | 'none' | undefined> {
  const candidates: DeviceDriver[] = [];
  if (query.vendor !== undefined && query.vendor !== 'unidentified') candidates.push({ column: 'vendor', value: query.vendor });
  if (query.deviceType !== undefined && query.deviceType !== 'unidentified') candidates.push({ column: 'device_type', value: query.deviceType });
  let best: { driver: DeviceDriver; count: number } | undefined;
  for (const candidate of candidates) {
    // devices_by_vendor / devices_by_type, stopped after one more than the limit.
    const { rows } = await db.query<{ count: number }>(`SELECT count(*) AS count FROM (SELECT 1 FROM devices WHERE ${candidate.column} = $1 LIMIT $2) AS few`, [
      candidate.value,
      RARE_DEVICE_LIMIT + 1,
    ]);
    const count = Number(rows[0]!.count);
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
export function createMonthBoundsCache(): (key: string, compute: () => Promise<Bounds>) => Promise<Bounds> {
  const known = new Map<string, Bounds>();
  return async (key, compute) => {
    let bounds = known.get(key);
    if (bounds === undefined) {
      bounds = await compute();
      if (known.size >= 64) known.clear();
      known.set(key, bounds);
    }
    return bounds;
  };
}

const bounds = async (db: Queryable, sql: string, values: Value[]): Promise<Bounds> => {
  const row = (await db.query<Bounds>(sql, values)).rows[0];
  return { low: row?.low ?? null, high: row?.high ?? null };
};

/** The ids a search may walk: below the cursor, and inside the ids of the first-seen or closing month when one is given. */
async function idRange(
  db: Queryable,
  query: DashboardFindingQuery,
  cachedBounds: ReturnType<typeof createMonthBoundsCache>,
): Promise<{ low: number; high: number }> {
  // Both ends of the primary key.
  const extent = await bounds(db, 'SELECT (SELECT min(id) FROM findings) AS low, (SELECT max(id) FROM findings) AS high', []);
  let low = extent.low ?? 1;
  let high = (extent.high ?? 0) + 1;
  if (query.month !== undefined) {
    // findings_by_first_seen_id (first_seen) INCLUDE (id), migration 012: the month's stretch,
    // index-only. OFFSET 0 keeps PostgreSQL from turning min/max into a walk of the primary key
    // filtered by month, which reads every finding outside the month first (1 s against 40 ms
    // on two million findings).
    const month = await cachedBounds(`first:${query.month}:${extent.high}`, () =>
      bounds(
        db,
        'SELECT min(id) AS low, max(id) AS high FROM (SELECT id FROM findings WHERE first_seen >= $1 AND first_seen < $2 OFFSET 0) AS month',
        monthBounds(query.month!),
      ),
    );
    if (month.low === null || month.high === null) return { low: 0, high: 0 };
    low = Math.max(low, month.low);
    high = Math.min(high, month.high + 1);
  }
  if (query.closedMonth !== undefined) {
    // Findings closed in the month have a 'closed' event then: finding_events_by_event (event, at,
    // finding_id), index-only over the month (OFFSET 0: as above, not a walk of another index).
    const newestEvent = (await db.query<{ id: number | null }>('SELECT max(id) AS id FROM finding_events')).rows[0]?.id ?? null;
    const closed = await cachedBounds(`closed:${query.closedMonth}:${newestEvent}`, () =>
      bounds(
        db,
        `SELECT min(finding_id) AS low, max(finding_id) AS high
        FROM (SELECT finding_id FROM finding_events WHERE event = 'closed' AND at >= $1 AND at < $2 OFFSET 0) AS closed`,
        monthBounds(query.closedMonth!),
      ),
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
 * @example await listDashboardFindingRows(pool, { kind: 'weak-credential', status: 'open', limit: 50 }, createMonthBoundsCache())
 */
export async function listDashboardFindingRows(
  db: Queryable,
  query: DashboardFindingQuery,
  monthBoundsCache = createMonthBoundsCache(),
): Promise<DashboardFindingPage> {
  const limit = Math.max(1, Math.min(Math.trunc(query.limit), 500));
  const devices = await rareDevices(db, query);
  if (devices === 'none') return { findings: [], partial: false };
  const { low, high } = await idRange(db, query, monthBoundsCache);
  if (high <= low) return { findings: [], partial: false };
  const { sql, values, rowChecks } = drillDownQuery(query, devices);
  const fetch = async (from: number, to: number, count: number) =>
    (await db.query(sql, [...values, from, to, count])).rows.map((row) => toRecord<DashboardFindingRow>(row as PgRow));

  if (!rowChecks) {
    // The driver answers every filter: one range scan, stopped after the page.
    const found = await fetch(low, high, limit + 1);
    return { findings: found.slice(0, limit), next: found.length > limit ? found[limit - 1]!.id : undefined, partial: false };
  }
  const found: DashboardFindingRow[] = [];
  let top = high;
  let window = firstWindow;
  let examined = 0;
  while (top > low && found.length <= limit && examined < DRILL_DOWN_ID_BUDGET) {
    const bottom = Math.max(low, top - Math.min(window, DRILL_DOWN_ID_BUDGET - examined));
    found.push(...(await fetch(bottom, top, limit + 1 - found.length)));
    examined += top - bottom;
    top = bottom;
    window *= 2;
  }
  if (found.length > limit) return { findings: found.slice(0, limit), next: found[limit - 1]!.id, partial: false };
  return top > low ? { findings: found, next: top, partial: true } : { findings: found, partial: false };
}
