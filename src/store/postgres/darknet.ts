/**
 * Darknet windows in PostgreSQL. A window is replaced whole, as in SQLite, by the merge of
 * what was stored and what came in: the ingest hands its merge (darknet/merge-windows.ts) to
 * the write, so a window and its judged sources always come from one merge and the store never
 * decides how counts combine.
 *
 * Several sensors may write into one store at once. Each write takes a transaction-scoped
 * advisory lock per window and attack key, in one sorted order (so two writers never deadlock),
 * before it reads (with `merge`), deletes and inserts: a second writer of the same window waits
 * for the first to commit, then merges its part into what the first wrote (or, without
 * `merge`, replaces it) — never a lost part, never a failure on the unique key half-way.
 * Windows and their sources are written with one multi-row insert each (unnest of column
 * arrays), whatever the number of windows.
 */
import type { DarknetSourceRecord, DarknetWindow } from '../../core/records.ts';
import type { DarknetInputRow, DarknetSourceFilter, DarknetStore, DarknetWindowFilter, DarknetWindowKey, DarknetWindowMerge } from '../roles/darknet.ts';
import type { DarknetSourceRow } from '../row-types.ts';
import { attackLockKey, readDarknetAttacks, writeDarknetAttacks } from './darknet-attacks.ts';
import { numberedConditions, type PgRow, toRecord } from './rows.ts';
import { runStartedAt } from './runs.ts';
import type { PostgresContext, Queryable } from './database.ts';

const windowColumns = `id, darknet, darknet_size AS "darknetSize", start, period_seconds AS "periodSeconds",
  first_packet_at AS "firstPacketAt", last_packet_at AS "lastPacketAt", packets, sources, scanners,
  mirai_scanners AS "miraiScanners", research_sources AS "researchSources", backscatter_sources AS "backscatterSources",
  class_totals AS "classTotals", top_ports AS "topPorts"`;

const sourceColumns = `s.ip, s.verdict, s.family, s.tool, s.packets, s.distinct_destinations AS "distinctDestinations",
  s.top_ports AS "topPorts", s.hits, s.first_seen AS "firstSeen", s.last_seen AS "lastSeen", s.reason`;

type DarknetInput = Omit<DarknetInputRow, 'runId'>;

/** @example await postgresDarknetStore(context).listDarknetWindows({ periodSeconds: 86400 }) */
export function postgresDarknetStore({ location, use, transaction }: PostgresContext): DarknetStore {
  return {
    recordDarknetWindows: (runId, windows, inputs = [], attacks, merge) =>
      transaction('recordDarknetWindows', async (client) => {
        await runStartedAt(client, location, runId);
        const windowKeys = [...new Set(windows.map(windowLockKey))];
        await lockKeys(client, [...windowKeys, ...(attacks ? [...attacks.remove, ...attacks.add].map(attackLockKey) : [])]);
        // Read under the locks: no other writer can change these windows before this transaction ends.
        const final = merge ? await mergedWithStored(client, windows, merge) : latestPerKey(windows);
        await writeDarknetInputs(client, runId, inputs);
        await writeDarknetWindows(client, runId, final);
        if (attacks) await writeDarknetAttacks(client, runId, attacks);
      }),
    listDarknetAttacks: (filter) => use('listDarknetAttacks', (db) => readDarknetAttacks(db, filter)),
    getDarknetInput: (fingerprint) => use('getDarknetInput', (db) => readDarknetInput(db, fingerprint)),
    getDarknetWindow: (key) => use('getDarknetWindow', (db) => readDarknetWindow(db, key)),
    listDarknetWindows: (filter) => use('listDarknetWindows', (db) => readDarknetWindows(db, filter)),
    listDarknetSources: (filter) => use('listDarknetSources', (db) => readDarknetSources(db, filter)),
  };
}

const windowLockKey = (key: DarknetWindowKey): string => `window\u001f${key.darknet}\u001f${key.start}\u001f${key.periodSeconds}`;

/** Of two windows with one key in a batch the later wins, as when they are written one after the other. */
function latestPerKey(windows: readonly DarknetWindow[]): DarknetWindow[] {
  const byKey = new Map<string, DarknetWindow>();
  for (const window of windows) byKey.set(windowLockKey(window), window);
  return [...byKey.values()];
}

/**
 * Each window merged with the stored one of its key (and with earlier windows of the same key
 * in the batch, in order), as when they are written one after the other. Call with the keys' locks held.
 */
async function mergedWithStored(client: Queryable, windows: readonly DarknetWindow[], merge: DarknetWindowMerge): Promise<DarknetWindow[]> {
  const { rows } = await client.query(
    `SELECT ${windowColumns} FROM darknet_windows
      JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS k(key_darknet, key_start, key_period)
        ON darknet = key_darknet AND start = key_start AND period_seconds = key_period`,
    [windows.map((window) => window.darknet), windows.map((window) => window.start), windows.map((window) => window.periodSeconds)],
  );
  const byKey = new Map((await withJudged(client, rows)).map((window) => [windowLockKey(window), window]));
  for (const incoming of windows) {
    const key = windowLockKey(incoming);
    const known = byKey.get(key);
    byKey.set(key, known ? merge(known, incoming) : incoming);
  }
  return [...new Set(windows.map(windowLockKey))].map((key) => byKey.get(key)!);
}

/**
 * Takes a transaction-scoped advisory lock for each key, in ascending hash order: every writer
 * locks in the same order, so two writers of overlapping keys wait for each other, never
 * deadlock. The outer aggregate reads the sorted subquery in order, so the locks are taken in
 * that order. A hash collision only makes two unrelated writes wait for each other.
 */
async function lockKeys(client: Queryable, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await client.query(
    `SELECT count(pg_advisory_xact_lock(hash)) FROM (SELECT DISTINCT hashtextextended(key, 0) AS hash FROM unnest($1::text[]) AS key ORDER BY hash) AS sorted`,
    [keys],
  );
}

/** A capture file read again replaces its row (INSERT OR REPLACE in SQLite). */
async function writeDarknetInputs(client: Queryable, runId: number, inputs: readonly DarknetInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const latest = [...new Map(inputs.map((input) => [input.fingerprint, input])).values()];
  await client.query(
    `INSERT INTO darknet_inputs (fingerprint, name, bytes, packets, run_id, read_at)
    SELECT fingerprint, name, bytes, packets, $1, read_at FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[])
      AS input(fingerprint, name, bytes, packets, read_at)
    ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name, bytes = excluded.bytes, packets = excluded.packets,
      run_id = excluded.run_id, read_at = excluded.read_at`,
    [
      runId,
      latest.map((input) => input.fingerprint),
      latest.map((input) => input.name),
      latest.map((input) => input.bytes),
      latest.map((input) => input.packets),
      latest.map((input) => input.readAt),
    ],
  );
}

/**
 * Replace windows whole (call inside a transaction, with the keys' locks held): the stored
 * windows under the same keys go, with their sources, then the new windows and their sources
 * are inserted. A replaced window gets a new id, so the dashboard's change mark moves.
 */
async function writeDarknetWindows(client: Queryable, runId: number, windows: readonly DarknetWindow[]): Promise<void> {
  if (windows.length === 0) return;
  const column = <T>(pick: (window: DarknetWindow) => T): T[] => windows.map(pick);
  const keys = [column((window) => window.darknet), column((window) => window.start), column((window) => window.periodSeconds)];
  await client.query(
    `DELETE FROM darknet_sources s USING darknet_windows w, unnest($1::text[], $2::text[], $3::int[]) AS k(darknet, start, period_seconds)
    WHERE s.window_id = w.id AND w.darknet = k.darknet AND w.start = k.start AND w.period_seconds = k.period_seconds`,
    keys,
  );
  await client.query(
    `DELETE FROM darknet_windows w USING unnest($1::text[], $2::text[], $3::int[]) AS k(darknet, start, period_seconds)
    WHERE w.darknet = k.darknet AND w.start = k.start AND w.period_seconds = k.period_seconds`,
    keys,
  );
  const inserted = await client.query<{ id: number; darknet: string; start: string; period_seconds: number }>(
    `INSERT INTO darknet_windows (run_id, darknet, start, period_seconds, darknet_size, first_packet_at, last_packet_at, packets, sources,
      scanners, mirai_scanners, research_sources, backscatter_sources, class_totals, top_ports)
    SELECT $1, darknet, start, period_seconds, darknet_size, first_packet_at, last_packet_at, packets, sources, scanners, mirai_scanners,
      research_sources, backscatter_sources, class_totals, top_ports
    FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[],
      $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::text[])
      AS w(darknet, start, period_seconds, darknet_size, first_packet_at, last_packet_at, packets, sources, scanners, mirai_scanners,
        research_sources, backscatter_sources, class_totals, top_ports)
    RETURNING id, darknet, start, period_seconds`,
    [
      runId,
      ...keys,
      column((window) => window.darknetSize),
      column((window) => window.firstPacketAt),
      column((window) => window.lastPacketAt),
      column((window) => window.packets),
      column((window) => window.sources),
      column((window) => window.scanners),
      column((window) => window.miraiScanners),
      column((window) => window.researchSources),
      column((window) => window.backscatterSources),
      column((window) => JSON.stringify(window.classTotals)),
      column((window) => JSON.stringify(window.topPorts)),
    ],
  );
  const idOf = new Map<string, number>();
  for (const row of inserted.rows) idOf.set(windowLockKey({ darknet: row.darknet, start: row.start, periodSeconds: row.period_seconds }), row.id);
  const sources: Array<{ windowId: number; source: DarknetSourceRecord }> = windows.flatMap((window) =>
    window.judged.map((source) => ({ windowId: idOf.get(windowLockKey(window))!, source })),
  );
  if (sources.length === 0) return;
  const field = <T>(pick: (source: DarknetSourceRecord) => T): T[] => sources.map((entry) => pick(entry.source));
  await client.query(
    `INSERT INTO darknet_sources (window_id, ip, verdict, family, tool, packets, distinct_destinations, top_ports, hits, first_seen, last_seen, reason)
    SELECT window_id, ip, verdict, family, tool, packets, distinct_destinations, top_ports, hits, first_seen, last_seen, reason
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::text[], $10::text[],
      $11::text[], $12::text[])
      AS s(window_id, ip, verdict, family, tool, packets, distinct_destinations, top_ports, hits, first_seen, last_seen, reason)`,
    [
      sources.map((entry) => entry.windowId),
      field((source) => source.ip),
      field((source) => source.verdict),
      field((source) => source.family ?? null),
      field((source) => source.tool ?? null),
      field((source) => source.packets),
      field((source) => source.distinctDestinations),
      field((source) => JSON.stringify(source.topPorts)),
      field((source) => JSON.stringify(source.hits)),
      field((source) => source.firstSeen),
      field((source) => source.lastSeen),
      field((source) => source.reason),
    ],
  );
}

type WindowRow = DarknetWindow & { id: number };

/** Windows with their judged sources (most packets first): one query for the windows, one for all their sources. */
async function withJudged(db: Queryable, rows: readonly Record<string, unknown>[]): Promise<DarknetWindow[]> {
  if (rows.length === 0) return [];
  const windows = rows.map((row) => toRecord<WindowRow>(row as PgRow, ['classTotals', 'topPorts']));
  const { rows: sources } = await db.query(
    `SELECT s.window_id AS "windowId", ${sourceColumns} FROM darknet_sources s WHERE s.window_id = ANY($1::bigint[])
    ORDER BY s.window_id, s.packets DESC, s.ip`,
    [windows.map((window) => window.id)],
  );
  const judged = new Map<number, DarknetSourceRecord[]>();
  for (const row of sources) {
    const { windowId, ...source } = toRecord<DarknetSourceRecord & { windowId: number }>(row as PgRow, ['topPorts', 'hits']);
    const list = judged.get(Number(windowId)) ?? [];
    list.push(source);
    judged.set(Number(windowId), list);
  }
  return windows.map(({ id, ...window }) => ({ ...window, judged: judged.get(Number(id)) ?? [] }));
}

/**
 * Windows by darknet, period and time (start within [from, to)), oldest first.
 * @example await readDarknetWindows(pool, { periodSeconds: 86400 })
 */
async function readDarknetWindows(db: Queryable, filter: DarknetWindowFilter = {}): Promise<DarknetWindow[]> {
  const conditions = numberedConditions();
  conditions.add('darknet =', filter.darknet);
  conditions.add('period_seconds =', filter.periodSeconds);
  conditions.add('start >=', filter.from);
  conditions.add('start <', filter.to);
  const { rows } = await db.query(
    `SELECT ${windowColumns} FROM darknet_windows ${conditions.where()} ORDER BY start, period_seconds, darknet`,
    conditions.values,
  );
  return withJudged(db, rows);
}

/** @example await readDarknetWindow(pool, { darknet: '127.200.0.0/16', start: '2026-01-01T00:00:00.000Z', periodSeconds: 86400 }) */
async function readDarknetWindow(db: Queryable, key: DarknetWindowKey): Promise<DarknetWindow | undefined> {
  const { rows } = await db.query(`SELECT ${windowColumns} FROM darknet_windows WHERE darknet = $1 AND start = $2 AND period_seconds = $3`, [
    key.darknet,
    key.start,
    key.periodSeconds,
  ]);
  return (await withJudged(db, rows))[0];
}

/**
 * Judged sources with their window, newest window first.
 * @example await readDarknetSources(pool, { ip: '192.0.2.7' })
 */
async function readDarknetSources(db: Queryable, filter: DarknetSourceFilter = {}): Promise<DarknetSourceRow[]> {
  const conditions = numberedConditions();
  conditions.add('s.ip =', filter.ip);
  conditions.add('s.verdict =', filter.verdict);
  conditions.add('w.period_seconds =', filter.periodSeconds);
  const { rows } = await db.query(
    `SELECT ${sourceColumns}, w.darknet, w.start AS "windowStart", w.period_seconds AS "periodSeconds"
    FROM darknet_sources s JOIN darknet_windows w ON w.id = s.window_id
    ${conditions.where()} ORDER BY w.start DESC, s.packets DESC, s.ip`,
    conditions.values,
  );
  return rows.map((row) => toRecord<DarknetSourceRow>(row as PgRow, ['topPorts', 'hits']));
}

/** @example (await readDarknetInput(pool, fingerprint))?.runId */
async function readDarknetInput(db: Queryable, fingerprint: string): Promise<DarknetInputRow | undefined> {
  const { rows } = await db.query(
    `SELECT fingerprint, name, bytes, packets, run_id AS "runId", read_at AS "readAt" FROM darknet_inputs WHERE fingerprint = $1`,
    [fingerprint],
  );
  return rows[0] ? toRecord<DarknetInputRow>(rows[0] as PgRow) : undefined;
}
