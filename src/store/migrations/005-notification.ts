import type { Migration } from './migration.ts';

/**
 * Closing the loop: the ISP registry, each finding's attribution, per-ISP reports with the
 * findings they carried, the delivery outbox, ISP feedback, and the miss counter that lets a
 * finding be called remediated only after K consecutive checks fail to reproduce it.
 */
export const notification: Migration = {
  version: 5,
  name: 'ISP registry, attributions, reports, outbox, feedback, remediation misses',
  sql: `
CREATE TABLE isps (
  id                       TEXT PRIMARY KEY,
  name                     TEXT NOT NULL,
  asns                     TEXT NOT NULL,   -- JSON array of numbers
  prefixes                 TEXT NOT NULL,   -- JSON array of CIDRs beyond the ASNs
  contacts                 TEXT NOT NULL,   -- JSON: abuseEmail, webhookUrl, portalUsers
  preferences              TEXT NOT NULL,   -- JSON: format, cadence, language
  manages_customer_devices INTEGER NOT NULL DEFAULT 0,
  updated_at               TEXT NOT NULL
);

CREATE TABLE finding_attributions (
  finding_id          INTEGER PRIMARY KEY REFERENCES findings (id),
  prefix              TEXT,
  asn                 INTEGER,
  as_name             TEXT,
  country             TEXT,
  isp_id              TEXT,
  source              TEXT NOT NULL,
  abuse_email         TEXT,
  unattributed_reason TEXT,
  attributed_at       TEXT NOT NULL
);
CREATE INDEX finding_attributions_by_isp ON finding_attributions (isp_id);

CREATE TABLE reports (
  id              INTEGER PRIMARY KEY,
  isp_id          TEXT,              -- NULL for vendor reports
  audience        TEXT NOT NULL CHECK (audience IN ('isp', 'vendor')),
  created_at      TEXT NOT NULL,
  period_end      TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  finding_count   INTEGER NOT NULL,
  summary         TEXT NOT NULL      -- JSON: counts by kind, formats
);
CREATE INDEX reports_by_isp ON reports (isp_id, created_at);

CREATE TABLE report_findings (
  report_id  INTEGER NOT NULL REFERENCES reports (id),
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  PRIMARY KEY (report_id, finding_id)
);
CREATE INDEX report_findings_by_finding ON report_findings (finding_id);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  report_id       INTEGER NOT NULL REFERENCES reports (id),
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
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE isp_feedback (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  isp_id     TEXT NOT NULL,
  action     TEXT NOT NULL CHECK (action IN ('handled', 'subscriber-contacted', 'device-replaced', 'false-positive')),
  note       TEXT,
  author     TEXT,
  at         TEXT NOT NULL
);
CREATE INDEX isp_feedback_by_finding ON isp_feedback (finding_id);

ALTER TABLE findings ADD COLUMN misses INTEGER NOT NULL DEFAULT 0;
`,
};
