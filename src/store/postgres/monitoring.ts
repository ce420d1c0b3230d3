/**
 * The counts a metrics scrape reads, in PostgreSQL: two GROUP BYs and one MIN. The MIN is one
 * descent of outbox_due (status, next_attempt_at); the findings count reads findings_by_status
 * (status, kind) — on tens of millions of findings an index-only scan, cheap while the
 * visibility map is kept current by autovacuum.
 */
import type { MonitoringCounts, MonitoringStore } from '../roles/monitoring.ts';
import type { PostgresContext, Queryable } from './database.ts';
import { toRecord } from './rows.ts';

/** @example const counts = await postgresMonitoringStore(context).monitoringCounts(new Date().toISOString()) */
export function postgresMonitoringStore({ use }: PostgresContext): MonitoringStore {
  return { monitoringCounts: (now) => use('monitoringCounts', (db) => readCounts(db, now)) };
}

async function readCounts(db: Queryable, now: string): Promise<MonitoringCounts> {
  const rows = async <T>(sql: string): Promise<T[]> => (await db.query(sql)).rows.map((row) => toRecord<T>(row));
  const oldest = await db.query<{ at: string | null }>(`SELECT min(next_attempt_at) AS at FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1`, [
    now,
  ]);
  const oldestDueAt = oldest.rows[0]?.at;
  return {
    findings: await rows('SELECT kind, status, count(*) AS count FROM findings GROUP BY status, kind ORDER BY kind, status'),
    outbox: await rows('SELECT status, count(*) AS count FROM outbox GROUP BY status ORDER BY status'),
    ...(oldestDueAt ? { oldestDueAt } : {}),
  };
}
