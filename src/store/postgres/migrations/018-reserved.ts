import type { Migration } from '../../migrations/migration.ts';

/** Version 18 belongs to another branch (issue 16); this stand-in keeps the numbers contiguous until the merge replaces it. */
export const reservedFor18: Migration = { version: 18, name: 'reserved for issue 16 (another branch)', sql: 'SELECT 1;' };
