import type { Migration } from '../../migrations/migration.ts';

/**
 * The index the dashboard's drill-down needs in PostgreSQL only (SQLite's twin step does
 * nothing: there every index ends with the rowid, the finding id, which is what this adds).
 *
 * findings (status, kind, id): a drill-down page filtered by status and kind walks one range
 * of it backwards in id order and stops after the page (postgres/dashboard-findings.ts); the
 * (status, kind) index of step 1 is not ordered by id within a key, so without this one the
 * server walks the primary key and filters. Measured on two million findings: a page of a
 * status and kind with no match took 0.1 ms with it and 0.5 s without. It also serves the
 * per-status-and-kind totals of the byIsp figure (index-only).
 *
 * Tried and left out, measured the same way: (first_seen) INCLUDE (id) for a month's id range
 * (findings are written in time order, so a month's rows lie together and the (first_seen,
 * kind) index with a bitmap heap scan took 40 ms against 60 ms), and (kind, ip) WHERE status =
 * 'open' for the open-by-device figure (the planner rightly kept its parallel scan).
 */
export const dashboardIndexes: Migration = {
  version: 12,
  name: 'dashboard indexes for PostgreSQL',
  sql: `CREATE INDEX findings_by_status_kind_id ON findings (status, kind, id);`,
};
