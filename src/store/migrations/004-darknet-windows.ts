import type { Migration } from './migration.ts';

/**
 * Darknet observations: one row per darknet window (hour or day) with its totals, and the
 * sources each window judged to be scanners or research scanners. Raw packets are never
 * stored; a window read twice (split captures, a restarted live capture) is merged by the
 * ingest and replaced here, so the natural key stays unique.
 */
export const darknetWindows: Migration = {
  version: 4,
  name: 'darknet windows and judged sources',
  sql: `
CREATE TABLE darknet_windows (
  id                  INTEGER PRIMARY KEY,
  run_id              INTEGER NOT NULL REFERENCES runs (id),
  darknet             TEXT NOT NULL,
  darknet_size        INTEGER NOT NULL,
  start               TEXT NOT NULL,
  period_seconds      INTEGER NOT NULL,
  first_packet_at     TEXT NOT NULL,
  last_packet_at      TEXT NOT NULL,
  packets             INTEGER NOT NULL,
  sources             INTEGER NOT NULL,
  scanners            INTEGER NOT NULL,
  mirai_scanners      INTEGER NOT NULL,
  research_sources    INTEGER NOT NULL,
  backscatter_sources INTEGER NOT NULL,
  class_totals        TEXT NOT NULL,   -- JSON: packets per packet class
  top_ports           TEXT NOT NULL,   -- JSON: [{ port, packets }], most first
  UNIQUE (darknet, start, period_seconds)
);

CREATE TABLE darknet_sources (
  window_id             INTEGER NOT NULL REFERENCES darknet_windows (id) ON DELETE CASCADE,
  ip                    TEXT NOT NULL,
  verdict               TEXT NOT NULL CHECK (verdict IN ('scanner', 'research')),
  family                TEXT,
  tool                  TEXT,
  packets               INTEGER NOT NULL,
  distinct_destinations INTEGER NOT NULL,
  top_ports             TEXT NOT NULL,  -- JSON: [{ port, count }]
  hits                  TEXT NOT NULL,  -- JSON: packets per class
  first_seen            TEXT NOT NULL,
  last_seen             TEXT NOT NULL,
  reason                TEXT NOT NULL,
  PRIMARY KEY (window_id, ip)
);
CREATE INDEX darknet_sources_by_ip ON darknet_sources (ip);

-- Capture files already read, by content fingerprint, so reading one twice never counts it twice.
CREATE TABLE darknet_inputs (
  fingerprint TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  bytes       INTEGER NOT NULL,
  packets     INTEGER NOT NULL,
  run_id      INTEGER NOT NULL REFERENCES runs (id),
  read_at     TEXT NOT NULL
);
`,
};
