import type { Migration } from './migration.ts';

/** Reserved for issue 16 (another branch): a stand-in so that 017 follows a contiguous list. */
export const reservedIssue16: Migration = { version: 16, name: 'reserved for issue 16 (another branch)', sql: 'SELECT 1;' };
