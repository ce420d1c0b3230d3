import type { Migration } from '../../migrations/migration.ts';

/**
 * Indexes the dashboard needs in PostgreSQL only (SQLite's twin step does nothing: it gets the same effect from the rowid
 * every index ends with). Each serves one heavy read of postgres/dashboard*.ts, so that with
 * ten million findings the figures are index-only scans and a drill-down page walks one
 * index range in id order:
 * - findings (status, kind, id): drill-down pages filtered by status and kind (08's
 *   (status, kind) is not ordered by id within a key); also the per-status-and-kind totals
 *   the byIsp figure subtracts the attributed counts from (index-only).
 * - findings (first_seen) INCLUDE (id): a month's lowest and highest finding id, the id range
 *   a drill-down by first-seen month walks (index-only over that month).
 * - findings (kind, ip) WHERE status = 'open': the open-findings-by-device figure reads only
 *   open findings' kind and address (index-only) before joining their devices, not the wide
 *   rows with their evidence.
 */
export const dashboardIndexes: Migration = {
  version: 12,
  name: 'dashboard indexes for PostgreSQL',
  sql: `
CREATE INDEX findings_by_status_kind_id ON findings (status, kind, id);
CREATE INDEX findings_by_first_seen_id ON findings (first_seen) INCLUDE (id);
CREATE INDEX findings_open_by_kind_ip ON findings (kind, ip) WHERE status = 'open';
`,
};
