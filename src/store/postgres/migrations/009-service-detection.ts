import type { Migration } from '../../migrations/migration.ts';

/** How each service's protocol was found, as SQLite's 009 (JSON text). */
export const serviceDetection: Migration = {
  version: 9,
  name: 'service detection record',
  sql: 'ALTER TABLE services ADD COLUMN detection TEXT COLLATE "C";',
};
