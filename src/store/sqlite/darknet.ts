/**
 * Darknet windows in SQLite. A window is replaced whole (the ingest merges a window read twice
 * before it writes), so a window and its judged sources always come from the same merge.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { DarknetWindow } from '../../core/records.ts';
import type { DarknetInputRow, DarknetSourceFilter, DarknetStore, DarknetWindowFilter, DarknetWindowKey, DarknetWindowMerge } from '../roles/darknet.ts';
import type { DarknetSourceRow } from '../row-types.ts';
import { readDarknetAttacks, writeDarknetAttacks } from './darknet-attacks.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';
import { runStartedAt } from './runs.ts';

const windowColumns = `id, darknet, darknet_size AS darknetSize, start, period_seconds AS periodSeconds,
  first_packet_at AS firstPacketAt, last_packet_at AS lastPacketAt, packets, sources, scanners,
  mirai_scanners AS miraiScanners, research_sources AS researchSources, backscatter_sources AS backscatterSources,
  class_totals AS classTotals, top_ports AS topPorts`;

const sourceColumns = `s.ip, s.verdict, s.family, s.tool, s.packets, s.distinct_destinations AS distinctDestinations,
  s.top_ports AS topPorts, s.hits, s.first_seen AS firstSeen, s.last_seen AS lastSeen, s.reason`;

/** @example await sqliteDarknetStore(context).listDarknetWindows({ periodSeconds: 86400 }) */
export function sqliteDarknetStore({ db, file, use }: SqliteContext): DarknetStore {
  return {
    recordDarknetWindows: (runId, windows, inputs = [], attacks, merge) =>
      use('recordDarknetWindows', () =>
        inTransaction(db, () => {
          runStartedAt(db, file, runId);
          writeDarknetWindows(db, runId, windows, inputs, merge);
          if (attacks) writeDarknetAttacks(db, runId, attacks);
        }),
      ),
    listDarknetAttacks: (filter) => use('listDarknetAttacks', () => readDarknetAttacks(db, filter)),
    getDarknetInput: (fingerprint) => use('getDarknetInput', () => readDarknetInput(db, fingerprint)),
    getDarknetWindow: (key) => use('getDarknetWindow', () => readDarknetWindow(db, key)),
    listDarknetWindows: (filter) => use('listDarknetWindows', () => readDarknetWindows(db, filter)),
    listDarknetSources: (filter) => use('listDarknetSources', () => readDarknetSources(db, filter)),
  };
}

/**
 * Insert or replace windows (call inside a transaction), each merged with the stored one first when `merge` is given.
 * @example inTransaction(db, () => writeDarknetWindows(db, runId, [window]))
 */
function writeDarknetWindows(
  db: DatabaseSync,
  runId: number,
  windows: readonly DarknetWindow[],
  inputs: readonly Omit<DarknetInputRow, 'runId'>[] = [],
  merge?: DarknetWindowMerge,
): void {
  const insertInput = db.prepare('INSERT OR REPLACE INTO darknet_inputs (fingerprint, name, bytes, packets, run_id, read_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const input of inputs) insertInput.run(input.fingerprint, input.name, input.bytes, input.packets, runId, input.readAt);
  const remove = db.prepare('DELETE FROM darknet_windows WHERE darknet = ? AND start = ? AND period_seconds = ?');
  const insertWindow = db.prepare(`INSERT INTO darknet_windows (run_id, darknet, darknet_size, start, period_seconds, first_packet_at,
    last_packet_at, packets, sources, scanners, mirai_scanners, research_sources, backscatter_sources, class_totals, top_ports)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertSource = db.prepare(`INSERT INTO darknet_sources (window_id, ip, verdict, family, tool, packets, distinct_destinations,
    top_ports, hits, first_seen, last_seen, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const incoming of windows) {
    // BEGIN IMMEDIATE holds the write lock: the stored window cannot change between this read and the write.
    const stored = merge ? readDarknetWindow(db, incoming) : undefined;
    const window = stored && merge ? merge(stored, incoming) : incoming;
    remove.run(window.darknet, window.start, window.periodSeconds);
    const { lastInsertRowid } = insertWindow.run(
      runId,
      window.darknet,
      window.darknetSize,
      window.start,
      window.periodSeconds,
      window.firstPacketAt,
      window.lastPacketAt,
      window.packets,
      window.sources,
      window.scanners,
      window.miraiScanners,
      window.researchSources,
      window.backscatterSources,
      JSON.stringify(window.classTotals),
      JSON.stringify(window.topPorts),
    );
    for (const source of window.judged) {
      insertSource.run(
        lastInsertRowid,
        source.ip,
        source.verdict,
        source.family ?? null,
        source.tool ?? null,
        source.packets,
        source.distinctDestinations,
        JSON.stringify(source.topPorts),
        JSON.stringify(source.hits),
        source.firstSeen,
        source.lastSeen,
        source.reason,
      );
    }
  }
}

function judgedOf(db: DatabaseSync, windowId: number): DarknetWindow['judged'] {
  const rows = db.prepare(`SELECT ${sourceColumns} FROM darknet_sources s WHERE s.window_id = ? ORDER BY s.packets DESC, s.ip`).all(windowId) as SqlRow[];
  return rows.map((row) => toRecord(row, ['topPorts', 'hits']));
}

function toWindow(db: DatabaseSync, row: SqlRow): DarknetWindow {
  const { id, ...window } = toRecord<DarknetWindow & { id: number }>(row, ['classTotals', 'topPorts']);
  return { ...window, judged: judgedOf(db, id) };
}

/**
 * Windows by darknet, period and time (start within [from, to)), oldest first.
 * @example readDarknetWindows(db, { periodSeconds: 86400 })
 */
function readDarknetWindows(db: DatabaseSync, filter: DarknetWindowFilter = {}): DarknetWindow[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.darknet !== undefined) {
    where.push('darknet = ?');
    values.push(filter.darknet);
  }
  if (filter.periodSeconds !== undefined) {
    where.push('period_seconds = ?');
    values.push(filter.periodSeconds);
  }
  if (filter.from !== undefined) {
    where.push('start >= ?');
    values.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('start < ?');
    values.push(filter.to);
  }
  const sql = `SELECT ${windowColumns} FROM darknet_windows ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start, period_seconds, darknet`;
  return (db.prepare(sql).all(...values) as SqlRow[]).map((row) => toWindow(db, row));
}

/** @example readDarknetWindow(db, { darknet: '127.200.0.0/16', start: '2026-01-01T00:00:00.000Z', periodSeconds: 86400 }) */
function readDarknetWindow(db: DatabaseSync, key: DarknetWindowKey): DarknetWindow | undefined {
  const row = db
    .prepare(`SELECT ${windowColumns} FROM darknet_windows WHERE darknet = ? AND start = ? AND period_seconds = ?`)
    .get(key.darknet, key.start, key.periodSeconds) as SqlRow | undefined;
  return row ? toWindow(db, row) : undefined;
}

/**
 * Judged sources with their window, newest window first.
 * @example readDarknetSources(db, { ip: '192.0.2.7' })
 */
function readDarknetSources(db: DatabaseSync, filter: DarknetSourceFilter = {}): DarknetSourceRow[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.ip !== undefined) {
    where.push('s.ip = ?');
    values.push(filter.ip);
  }
  if (filter.verdict !== undefined) {
    where.push('s.verdict = ?');
    values.push(filter.verdict);
  }
  if (filter.periodSeconds !== undefined) {
    where.push('w.period_seconds = ?');
    values.push(filter.periodSeconds);
  }
  const sql = `SELECT ${sourceColumns}, w.darknet, w.start AS windowStart, w.period_seconds AS periodSeconds
    FROM darknet_sources s JOIN darknet_windows w ON w.id = s.window_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY w.start DESC, s.packets DESC, s.ip`;
  return (db.prepare(sql).all(...values) as SqlRow[]).map((row) => toRecord(row, ['topPorts', 'hits']));
}

/** @example readDarknetInput(db, fingerprint)?.runId */
function readDarknetInput(db: DatabaseSync, fingerprint: string): DarknetInputRow | undefined {
  const row = db
    .prepare('SELECT fingerprint, name, bytes, packets, run_id AS runId, read_at AS readAt FROM darknet_inputs WHERE fingerprint = ?')
    .get(fingerprint) as SqlRow | undefined;
  return row ? toRecord<DarknetInputRow>(row) : undefined;
}
