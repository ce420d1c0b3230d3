import type { Migration } from '../../migrations/migration.ts';

/**
 * Devices keep their history, as SQLite's 010: `devices` gains components and its current
 * version number and may lose its vendor (altered in place — SQLite had to rebuild), and
 * `device_versions` holds every version seen at an address; existing devices become version 1.
 */
export const deviceHistory: Migration = {
  version: 10,
  name: 'device versions; software components; devices without a known vendor',
  sql: `
ALTER TABLE devices ALTER COLUMN vendor DROP NOT NULL;
ALTER TABLE devices ADD COLUMN components TEXT COLLATE "C" NOT NULL DEFAULT '[]';
ALTER TABLE devices ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE device_versions (
  ip               TEXT COLLATE "C" NOT NULL,
  version          INTEGER NOT NULL,
  vendor           TEXT COLLATE "C",
  model            TEXT COLLATE "C",
  device_type      TEXT COLLATE "C" NOT NULL,
  firmware_version TEXT COLLATE "C",
  hardware_version TEXT COLLATE "C",
  release_year     INTEGER,
  cpe              TEXT COLLATE "C",
  confidence       DOUBLE PRECISION NOT NULL,
  evidence         TEXT COLLATE "C" NOT NULL,
  components       TEXT COLLATE "C" NOT NULL DEFAULT '[]',
  first_seen       TEXT COLLATE "C" NOT NULL,
  last_seen        TEXT COLLATE "C" NOT NULL,
  first_run_id     BIGINT NOT NULL REFERENCES runs (id),
  last_run_id      BIGINT NOT NULL REFERENCES runs (id),
  PRIMARY KEY (ip, version)
);
INSERT INTO device_versions (ip, version, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
                             components, first_seen, last_seen, first_run_id, last_run_id)
  SELECT ip, 1, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
         components, first_seen, last_seen, first_run_id, last_run_id FROM devices;
`,
};
