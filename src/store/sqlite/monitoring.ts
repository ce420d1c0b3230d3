/** The counts a metrics scrape reads, in SQLite: two GROUP BYs and one MIN. */
import type { DatabaseSync } from 'node:sqlite';
import type { MonitoringCounts, MonitoringStore } from '../roles/monitoring.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** @example const counts = await sqliteMonitoringStore(context).monitoringCounts(new Date().toISOString()) */
export function sqliteMonitoringStore({ db, use }: SqliteContext): MonitoringStore {
  return { monitoringCounts: (now) => use('monitoringCounts', () => readCounts(db, now)) };
}

function readCounts(db: DatabaseSync, now: string): MonitoringCounts {
  const rows = <T>(sql: string): T[] => (db.prepare(sql).all() as SqlRow[]).map((row) => toRecord<T>(row));
  const oldest = db.prepare(`SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?`).get(now) as {
    at: string | null;
  };
  return {
    findings: rows('SELECT kind, status, count(*) AS count FROM findings GROUP BY status, kind ORDER BY kind, status'),
    outbox: rows('SELECT status, count(*) AS count FROM outbox GROUP BY status ORDER BY status'),
    ...(oldest.at ? { oldestDueAt: oldest.at } : {}),
  };
}
