import type { Migration } from '../../migrations/migration.ts';

/**
 * Indexes the dashboard's drill-down needs in PostgreSQL only (SQLite's twin step does
 * nothing: there every index ends with the rowid, the finding id, which is what these add).
 *
 * - findings (status, kind, id): a page filtered by status and kind walks one range of it
 *   backwards in id order and stops after the page (postgres/dashboard-findings.ts); the
 *   (status, kind) index of step 1 is not ordered by id within a key, so without this one the
 *   server walks the primary key and filters. On two million findings a page of a status and
 *   kind with no match took 0.1 ms with it and 0.5 s without. It also serves the byIsp
 *   figure's totals per status and kind (index-only).
 * - findings (first_seen) INCLUDE (id): the lowest and highest id of a first-seen month, the
 *   id range a drill-down by month walks, read index-only from the month's stretch. On ten
 *   million findings 0.1 s with it, 0.85 s without (the (first_seen, kind) index and the rows).
 *   first_seen never changes, so it costs an entry per new finding and per non-HOT update.
 *
 * Tried and left out, measured the same way: (kind, ip) WHERE status = 'open' for the
 * open-by-device figure — the planner rightly kept its parallel scan.
 */
export const dashboardIndexes: Migration = {
  version: 12,
  name: 'dashboard indexes for PostgreSQL',
  sql: `
CREATE INDEX findings_by_status_kind_id ON findings (status, kind, id);
CREATE INDEX findings_by_first_seen_id ON findings (first_seen) INCLUDE (id);
`,
};
