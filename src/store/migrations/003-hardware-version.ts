import type { Migration } from './migration.ts';

/** Devices remember their hardware revision: NVD keys some vulnerabilities on it (h: CPE version). */
export const hardwareVersion: Migration = {
  version: 3,
  name: 'devices: hardware revision',
  sql: `ALTER TABLE devices ADD COLUMN hardware_version TEXT;`,
};
