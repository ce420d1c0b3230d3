import type { Migration } from './migration.ts';

/**
 * The web server's accounts and the ISP portal's indexes.
 *
 * Accounts: users (operators, or ISP staff bound to one ISP), browser sessions and API
 * tokens — both stored only as SHA-256 of the secret, so a copy of the database logs nobody
 * in — and failed logins with the locks they caused.
 *
 * Portal: an ISP with hundreds of thousands of findings must page through them and count
 * them by kind and status without reading them all. Kind, status and closing time live in
 * `findings`, the ISP in `finding_attributions`, and no index can span two tables, so the
 * three columns are copied onto the attribution row by triggers (kind never changes;
 * status and closed_at are copied on every change). Every portal query is then one range
 * of one index; `finding_id` is the rowid, so each index is also ordered by it. Counts per
 * ISP, kind and status are kept in a small table by triggers as well.
 */
export const webAuth: Migration = {
  version: 7,
  name: 'web users, sessions, API tokens, login failures; ISP portal indexes',
  sql: `
CREATE TABLE web_users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('operator', 'isp')),
  isp_id        TEXT REFERENCES isps (id),
  password_hash TEXT NOT NULL,     -- self-describing scrypt string: parameters, salt, hash
  created_at    TEXT NOT NULL,
  CHECK ((role = 'isp') = (isp_id IS NOT NULL))
);

CREATE TABLE web_sessions (
  id_hash      TEXT PRIMARY KEY,   -- SHA-256 (hex) of the cookie value; the value itself is never stored
  user_id      INTEGER NOT NULL REFERENCES web_users (id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
CREATE INDEX web_sessions_by_last_seen ON web_sessions (last_seen_at);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES web_users (id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,  -- SHA-256 (hex) of the token
  label        TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at   TEXT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE login_failures (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL,           -- as typed: unknown names are counted like known ones
  address TEXT NOT NULL,
  at      TEXT NOT NULL
);
CREATE INDEX login_failures_by_name ON login_failures (name, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

CREATE TABLE login_locks (
  subject      TEXT PRIMARY KEY,   -- 'name:' or 'address:' followed by the value
  locked_until TEXT NOT NULL
);

ALTER TABLE finding_attributions ADD COLUMN finding_kind TEXT;
ALTER TABLE finding_attributions ADD COLUMN finding_status TEXT;
ALTER TABLE finding_attributions ADD COLUMN finding_closed_at TEXT;
UPDATE finding_attributions SET (finding_kind, finding_status, finding_closed_at) =
  (SELECT kind, status, closed_at FROM findings WHERE findings.id = finding_attributions.finding_id);

CREATE TRIGGER finding_attributions_copy_finding AFTER INSERT ON finding_attributions
BEGIN
  UPDATE finding_attributions SET (finding_kind, finding_status, finding_closed_at) =
    (SELECT kind, status, closed_at FROM findings WHERE findings.id = NEW.finding_id)
  WHERE finding_id = NEW.finding_id;
END;

CREATE TRIGGER findings_copy_status_to_attribution AFTER UPDATE OF status, closed_at ON findings
WHEN OLD.status IS NOT NEW.status OR OLD.closed_at IS NOT NEW.closed_at
BEGIN
  UPDATE finding_attributions SET finding_status = NEW.status, finding_closed_at = NEW.closed_at WHERE finding_id = NEW.id;
END;

CREATE INDEX finding_attributions_by_isp_status_kind ON finding_attributions (isp_id, finding_status, finding_kind);
CREATE INDEX finding_attributions_by_isp_status ON finding_attributions (isp_id, finding_status);
CREATE INDEX finding_attributions_by_isp_kind ON finding_attributions (isp_id, finding_kind);
CREATE INDEX finding_attributions_by_isp_closed ON finding_attributions (isp_id, finding_status, finding_closed_at);

-- Findings per ISP, kind and status, kept by triggers: the portal's overview reads a few rows
-- instead of counting an ISP's hundreds of thousands of findings on every visit.
CREATE TABLE isp_finding_counts (
  isp_id TEXT NOT NULL,
  kind   TEXT NOT NULL,
  status TEXT NOT NULL,
  count  INTEGER NOT NULL,
  PRIMARY KEY (isp_id, kind, status)
) WITHOUT ROWID;
INSERT INTO isp_finding_counts (isp_id, kind, status, count)
  SELECT isp_id, finding_kind, finding_status, count(*) FROM finding_attributions
  WHERE isp_id IS NOT NULL AND finding_kind IS NOT NULL GROUP BY isp_id, finding_kind, finding_status;

CREATE TRIGGER finding_attributions_count_insert AFTER INSERT ON finding_attributions
WHEN NEW.isp_id IS NOT NULL AND NEW.finding_kind IS NOT NULL
BEGIN
  INSERT INTO isp_finding_counts (isp_id, kind, status, count) VALUES (NEW.isp_id, NEW.finding_kind, NEW.finding_status, 1)
    ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER finding_attributions_count_update AFTER UPDATE OF isp_id, finding_kind, finding_status ON finding_attributions
WHEN OLD.isp_id IS NOT NEW.isp_id OR OLD.finding_kind IS NOT NEW.finding_kind OR OLD.finding_status IS NOT NEW.finding_status
BEGIN
  UPDATE isp_finding_counts SET count = count - 1
    WHERE isp_id = OLD.isp_id AND kind = OLD.finding_kind AND status = OLD.finding_status;
  INSERT INTO isp_finding_counts (isp_id, kind, status, count)
    SELECT NEW.isp_id, NEW.finding_kind, NEW.finding_status, 1 WHERE NEW.isp_id IS NOT NULL AND NEW.finding_kind IS NOT NULL
    ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER finding_attributions_count_delete AFTER DELETE ON finding_attributions
BEGIN
  UPDATE isp_finding_counts SET count = count - 1
    WHERE isp_id = OLD.isp_id AND kind = OLD.finding_kind AND status = OLD.finding_status;
END;
`,
};
