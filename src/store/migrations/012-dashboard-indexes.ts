import type { Migration } from './migration.ts';

/**
 * The twin of PostgreSQL's step 12 (postgres/migrations/012-dashboard-indexes.ts), so a version
 * number says the same thing in both stores. SQLite needs none of those indexes: each of its
 * indexes already ends with the rowid (the finding id), which is what they add in PostgreSQL.
 */
export const dashboardIndexes: Migration = {
  version: 12,
  name: 'dashboard indexes for PostgreSQL',
  sql: `SELECT 1;`,
};
