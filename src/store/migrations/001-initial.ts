import type { Migration } from './migration.ts';

/**
 * The first schema. Timestamps are ISO-8601 text (what records carry); structured
 * values (scope lists, grab results, evidence) are JSON text. Natural keys carry
 * UNIQUE constraints because re-running a survey must update rows, not add them.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema: runs, services, devices, findings, finding events, credential attempts',
  sql: `
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
  seed          TEXT,              -- JSON, so a numeric seed comes back as a number
  scope         TEXT NOT NULL,     -- JSON array of CIDRs
  exclude       TEXT NOT NULL,     -- JSON array of CIDRs
  ports         TEXT NOT NULL,     -- JSON array of numbers
  checks        TEXT NOT NULL,     -- JSON array of check names
  plan_file     TEXT,
  plan_sha256   TEXT,
  plan_operator TEXT,
  counts        TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE services (
  id           INTEGER PRIMARY KEY,
  ip           TEXT NOT NULL,
  port         INTEGER NOT NULL,
  protocol     TEXT NOT NULL,
  status       TEXT NOT NULL,
  result       TEXT NOT NULL,      -- JSON grab result
  error        TEXT,
  duration_ms  INTEGER NOT NULL,
  first_seen   TEXT NOT NULL,
  last_seen    TEXT NOT NULL,
  first_run_id INTEGER NOT NULL REFERENCES runs (id),
  last_run_id  INTEGER NOT NULL REFERENCES runs (id),
  UNIQUE (ip, port, protocol)
);

CREATE TABLE devices (
  ip               TEXT PRIMARY KEY,
  vendor           TEXT NOT NULL,
  model            TEXT,
  device_type      TEXT NOT NULL,
  firmware_version TEXT,
  release_year     INTEGER,
  cpe              TEXT,
  confidence       REAL NOT NULL,
  evidence         TEXT NOT NULL,  -- JSON array of matched rules
  first_seen       TEXT NOT NULL,
  last_seen        TEXT NOT NULL,
  first_run_id     INTEGER NOT NULL REFERENCES runs (id),
  last_run_id      INTEGER NOT NULL REFERENCES runs (id)
);
CREATE INDEX devices_by_type ON devices (device_type);

CREATE TABLE findings (
  id                  INTEGER PRIMARY KEY,
  kind                TEXT NOT NULL,
  ip                  TEXT NOT NULL,
  port                INTEGER NOT NULL,
  protocol            TEXT NOT NULL,
  dictionary_entry_id TEXT,        -- never the password itself
  evidence            TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  first_seen          TEXT NOT NULL,
  last_seen           TEXT NOT NULL,
  first_run_id        INTEGER NOT NULL REFERENCES runs (id),
  last_run_id         INTEGER NOT NULL REFERENCES runs (id),
  closed_at           TEXT,
  closed_run_id       INTEGER REFERENCES runs (id),
  UNIQUE (kind, ip, port, protocol)
);
CREATE INDEX findings_by_status ON findings (status, kind);
CREATE INDEX findings_by_ip ON findings (ip);
CREATE INDEX findings_by_last_run ON findings (last_run_id);
CREATE INDEX findings_by_closed_run ON findings (closed_run_id);

-- Each state change of a finding, so remediation can be measured ("closed after N days").
CREATE TABLE finding_events (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  run_id     INTEGER NOT NULL REFERENCES runs (id),
  event      TEXT NOT NULL CHECK (event IN ('opened', 'closed', 'reopened')),
  at         TEXT NOT NULL
);
CREATE INDEX finding_events_by_finding ON finding_events (finding_id);
CREATE INDEX finding_events_by_run ON finding_events (run_id);

-- Append-only audit log of login attempts; the run links each one to its survey plan.
CREATE TABLE credential_attempts (
  id                  INTEGER PRIMARY KEY,
  run_id              INTEGER NOT NULL REFERENCES runs (id),
  ip                  TEXT NOT NULL,
  port                INTEGER NOT NULL,
  protocol            TEXT NOT NULL,
  dictionary_entry_id TEXT NOT NULL,
  username            TEXT NOT NULL,
  outcome             TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'no-prompt', 'error')),
  detail              TEXT,
  attempted_at        TEXT NOT NULL
);
CREATE INDEX credential_attempts_by_run ON credential_attempts (run_id);
`,
};
