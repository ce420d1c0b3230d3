import type { Migration } from '../../migrations/migration.ts';

/**
 * Finding history gains 'missed', as SQLite's 006. PostgreSQL alters the CHECK in place
 * (SQLite had to rebuild the table); the constraint has the default name PostgreSQL gave it.
 */
export const findingMisses: Migration = {
  version: 6,
  name: 'finding events: missed re-checks',
  sql: `
ALTER TABLE finding_events DROP CONSTRAINT finding_events_event_check;
ALTER TABLE finding_events ADD CONSTRAINT finding_events_event_check CHECK (event IN ('opened', 'closed', 'reopened', 'missed'));
`,
};
