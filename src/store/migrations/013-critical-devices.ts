import type { Migration } from './migration.ts';

/**
 * Critical devices (issue 15's handling path): a device's sector (set for deviceType
 * 'critical' only) in `devices` and `device_versions`; the owner's or installer's contact its
 * web page showed, in `devices` only (JSON; operator-only, read by its own store method so no
 * list or export carries it by accident); and reports to a sector's contacts (audience 'sector').
 *
 * SQLite cannot change a CHECK in place, so `reports` is rebuilt, and with it the two tables that
 * reference it (report_findings, outbox): with foreign keys on, the old parent can only be
 * dropped once nothing references it, and renaming the new tables into place rewrites the
 * references to the final names. Every id is kept. The twin step in PostgreSQL
 * (postgres/migrations/013-critical-devices.ts) replaces the constraint instead.
 */
export const criticalDevices: Migration = {
  version: 13,
  name: 'critical devices: sector, owner contact, sector reports',
  sql: `
ALTER TABLE devices ADD COLUMN sector TEXT;
ALTER TABLE devices ADD COLUMN owner_contact TEXT;   -- JSON OwnerContact, operator-only
ALTER TABLE device_versions ADD COLUMN sector TEXT;

CREATE TABLE reports_rebuilt (
  id              INTEGER PRIMARY KEY,
  isp_id          TEXT,              -- NULL for vendor and sector reports
  audience        TEXT NOT NULL CHECK (audience IN ('isp', 'vendor', 'sector')),
  created_at      TEXT NOT NULL,
  period_end      TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  finding_count   INTEGER NOT NULL,
  summary         TEXT NOT NULL      -- JSON: counts by kind, formats
);
INSERT INTO reports_rebuilt SELECT id, isp_id, audience, created_at, period_end, idempotency_key, finding_count, summary FROM reports;

CREATE TABLE report_findings_rebuilt (
  report_id  INTEGER NOT NULL REFERENCES reports_rebuilt (id),
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  PRIMARY KEY (report_id, finding_id)
);
INSERT INTO report_findings_rebuilt SELECT report_id, finding_id FROM report_findings;

CREATE TABLE outbox_rebuilt (
  id              INTEGER PRIMARY KEY,
  report_id       INTEGER NOT NULL REFERENCES reports_rebuilt (id),
  channel         TEXT NOT NULL CHECK (channel IN ('smtp', 'webhook', 'file')),
  destination     TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload         TEXT NOT NULL,     -- JSON OutgoingMessage (attachments base64)
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_attempt_at TEXT,
  last_error      TEXT,
  delivered_at    TEXT,
  detail          TEXT
);
INSERT INTO outbox_rebuilt SELECT id, report_id, channel, destination, idempotency_key, payload, status, attempts, next_attempt_at,
  last_attempt_at, last_error, delivered_at, detail FROM outbox;

DROP TABLE report_findings;
DROP TABLE outbox;
DROP TABLE reports;
ALTER TABLE reports_rebuilt RENAME TO reports;
ALTER TABLE report_findings_rebuilt RENAME TO report_findings;
ALTER TABLE outbox_rebuilt RENAME TO outbox;
CREATE INDEX reports_by_isp ON reports (isp_id, created_at);
CREATE INDEX report_findings_by_finding ON report_findings (finding_id);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_report ON outbox (report_id);
`,
};
