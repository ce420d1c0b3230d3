import type { Migration } from '../../migrations/migration.ts';

/** Reserved for issue 16 (another branch), as SQLite's 016. */
export const reservedIssue16: Migration = { version: 16, name: 'reserved for issue 16 (another branch)', sql: 'SELECT 1;' };
