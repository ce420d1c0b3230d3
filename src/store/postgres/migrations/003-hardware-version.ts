import type { Migration } from '../../migrations/migration.ts';

/** Devices remember their hardware revision, as SQLite's 003. */
export const hardwareVersion: Migration = {
  version: 3,
  name: 'devices: hardware revision',
  sql: 'ALTER TABLE devices ADD COLUMN hardware_version TEXT COLLATE "C";',
};
