import type { Migration } from './migration.ts';

/**
 * C&C candidates found from flows, with the operator's decision (only approved ones are
 * exported for blocking), and the known-bad feed entries (Feodo Tracker, URLhaus) the detector
 * matches. A feed entry without a port has port -1, so (feed, value, port) stays a key.
 */
export const cncCandidates: Migration = {
  version: 17,
  name: 'C&C candidates and feed entries',
  sql: `
CREATE TABLE cnc_candidates (
  id                 INTEGER PRIMARY KEY,
  endpoint_kind      TEXT NOT NULL CHECK (endpoint_kind IN ('ip', 'domain')),
  endpoint           TEXT NOT NULL,
  port               INTEGER NOT NULL,
  protocol           INTEGER NOT NULL,
  bots_contacting    INTEGER NOT NULL,
  benign_contacting  INTEGER NOT NULL,
  fan_in             INTEGER NOT NULL,
  beaconing          TEXT,           -- JSON: { periodSeconds, regularity, beaconingBots }
  first_seen         TEXT NOT NULL,
  last_seen          TEXT NOT NULL,
  feeds_matched      TEXT NOT NULL,  -- JSON: feed names
  confidence         REAL NOT NULL,
  evidence           TEXT NOT NULL,
  status             TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  detected_at        TEXT NOT NULL,
  decided_at         TEXT,
  decided_by         TEXT,
  UNIQUE (endpoint, port, protocol)
);
CREATE INDEX cnc_candidates_by_status ON cnc_candidates (status, confidence);
CREATE TABLE cnc_feed_entries (
  feed         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('ip', 'domain')),
  value        TEXT NOT NULL,
  port         INTEGER NOT NULL,
  label        TEXT,
  first_seen   TEXT,
  imported_at  TEXT NOT NULL,
  PRIMARY KEY (feed, value, port)
);
`,
};
