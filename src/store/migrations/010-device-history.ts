import type { Migration } from './migration.ts';

/**
 * Devices keep their history. `devices` stays one row per address — the current version,
 * which every join and listDevices() read — and gains the software components and the
 * current version's number; its vendor may now be NULL (a device known only by the software
 * it runs, e.g. dropbear 2014.63). SQLite cannot drop a NOT NULL constraint in place, so the
 * table is rebuilt with the same name, columns and indexes.
 *
 * `device_versions` holds every version of the device at an address: a change of vendor,
 * model, firmware, hardware revision or component set starts a new one (what counts as a
 * change is `sameDeviceVersion` in core/device-version.ts); the same identity seen again only
 * moves its last sight. Existing devices become their version 1.
 */
export const deviceHistory: Migration = {
  version: 10,
  name: 'device versions; software components; devices without a known vendor',
  sql: `
CREATE TABLE devices_rebuilt (
  ip               TEXT PRIMARY KEY,
  vendor           TEXT,
  model            TEXT,
  device_type      TEXT NOT NULL,
  firmware_version TEXT,
  hardware_version TEXT,
  release_year     INTEGER,
  cpe              TEXT,
  confidence       REAL NOT NULL,
  evidence         TEXT NOT NULL,                -- JSON array of matched rules
  components       TEXT NOT NULL DEFAULT '[]',   -- JSON array of software components
  version          INTEGER NOT NULL DEFAULT 1,   -- the current version (device_versions.version)
  first_seen       TEXT NOT NULL,
  last_seen        TEXT NOT NULL,
  first_run_id     INTEGER NOT NULL REFERENCES runs (id),
  last_run_id      INTEGER NOT NULL REFERENCES runs (id)
);
INSERT INTO devices_rebuilt (ip, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
                             first_seen, last_seen, first_run_id, last_run_id)
  SELECT ip, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
         first_seen, last_seen, first_run_id, last_run_id FROM devices;
DROP TABLE devices;
ALTER TABLE devices_rebuilt RENAME TO devices;
CREATE INDEX devices_by_type ON devices (device_type);
CREATE INDEX devices_by_vendor ON devices (vendor);

CREATE TABLE device_versions (
  ip               TEXT NOT NULL,
  version          INTEGER NOT NULL,             -- 1, 2, … in the order they were seen at the address
  vendor           TEXT,
  model            TEXT,
  device_type      TEXT NOT NULL,
  firmware_version TEXT,
  hardware_version TEXT,
  release_year     INTEGER,
  cpe              TEXT,
  confidence       REAL NOT NULL,
  evidence         TEXT NOT NULL,
  components       TEXT NOT NULL DEFAULT '[]',
  first_seen       TEXT NOT NULL,
  last_seen        TEXT NOT NULL,
  first_run_id     INTEGER NOT NULL REFERENCES runs (id),
  last_run_id      INTEGER NOT NULL REFERENCES runs (id),
  PRIMARY KEY (ip, version)
);
INSERT INTO device_versions (ip, version, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
                             components, first_seen, last_seen, first_run_id, last_run_id)
  SELECT ip, 1, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
         components, first_seen, last_seen, first_run_id, last_run_id FROM devices;
`,
};
