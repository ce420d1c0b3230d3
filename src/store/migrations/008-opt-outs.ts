import type { Migration } from './migration.ts';

/**
 * Opt-out requests from the public form, and the indexes the operator dashboard reads
 * through: with a million findings its figures must come from index scans (remediation
 * events by month) and its drill-down list must walk an index in id order (kind; status —
 * an index on one column is ordered by id within each value; vendor for rare vendors;
 * first-seen month and closing month to bound the ids), never sort the table.
 * `attributed_at` is indexed so the dashboard's change mark can see a new attribution with
 * one look-up instead of a scan.
 */
export const optOuts: Migration = {
  version: 8,
  name: 'opt-out requests; dashboard indexes',
  sql: `
CREATE TABLE opt_out_requests (
  id                INTEGER PRIMARY KEY,
  cidrs             TEXT NOT NULL,   -- JSON array of normalised IPv4 CIDRs
  contact           TEXT NOT NULL,
  reason            TEXT NOT NULL,
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_at      TEXT NOT NULL,
  requester_address TEXT NOT NULL,
  decided_at        TEXT,
  decided_by        TEXT
);
CREATE INDEX opt_out_requests_by_status ON opt_out_requests (status);

CREATE INDEX findings_by_kind ON findings (kind);
CREATE INDEX findings_by_status_id ON findings (status);
CREATE INDEX findings_by_first_seen ON findings (first_seen, kind);
CREATE INDEX finding_events_by_event ON finding_events (event, at, finding_id);
CREATE INDEX finding_attributions_by_time ON finding_attributions (attributed_at);
CREATE INDEX outbox_by_report ON outbox (report_id);
CREATE INDEX devices_by_vendor ON devices (vendor);
`,
};
