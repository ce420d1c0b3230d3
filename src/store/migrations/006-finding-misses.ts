import type { Migration } from './migration.ts';

/**
 * Finding history gains 'missed': a re-check that did not reproduce an open finding but did
 * not close it yet (closeAfterMisses). The history page shows them, and the first miss of
 * the closing streak dates the remediation. SQLite cannot alter a CHECK constraint, so the
 * table is rebuilt with its rows and indexes.
 */
export const findingMisses: Migration = {
  version: 6,
  name: 'finding events: missed re-checks',
  sql: `
CREATE TABLE finding_events_new (
  id         INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  run_id     INTEGER NOT NULL REFERENCES runs (id),
  event      TEXT NOT NULL CHECK (event IN ('opened', 'closed', 'reopened', 'missed')),
  at         TEXT NOT NULL
);
INSERT INTO finding_events_new (id, finding_id, run_id, event, at) SELECT id, finding_id, run_id, event, at FROM finding_events;
DROP TABLE finding_events;
ALTER TABLE finding_events_new RENAME TO finding_events;
CREATE INDEX finding_events_by_finding ON finding_events (finding_id);
CREATE INDEX finding_events_by_run ON finding_events (run_id);
`,
};
