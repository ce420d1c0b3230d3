import type { Migration } from '../../migrations/migration.ts';

/** The twin of SQLite's step 14: system integrators, each finding's integrator, reports to integrators. */
export const integrators: Migration = {
  version: 14,
  name: 'system integrators, their attributions and reports',
  sql: `
CREATE TABLE integrators (
  id           TEXT COLLATE "C" PRIMARY KEY,
  name         TEXT NOT NULL,
  contacts     TEXT NOT NULL,
  ranges       TEXT NOT NULL,
  customer_ids TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);

ALTER TABLE reports ADD COLUMN integrator_id TEXT COLLATE "C";
CREATE INDEX reports_by_integrator ON reports (integrator_id, created_at);
ALTER TABLE reports DROP CONSTRAINT reports_audience_check;
ALTER TABLE reports ADD CONSTRAINT reports_audience_check CHECK (audience IN ('isp', 'vendor', 'sector', 'integrator'));

ALTER TABLE finding_attributions ADD COLUMN integrator_id TEXT COLLATE "C";
CREATE INDEX finding_attributions_by_integrator ON finding_attributions (integrator_id);
`,
};
