import type { Migration } from './migration.ts';

/**
 * Other stakeholders (issue 15): system integrators in the registry, each finding's
 * integrator beside its ISP, and reports to integrators (audience 'integrator').
 *
 * SQLite cannot alter a CHECK constraint, and rebuilding `reports` would break the foreign keys
 * of report_findings and outbox inside the migration's transaction (foreign_keys cannot be
 * switched off there). So the constraint's text is widened in sqlite_schema, the documented
 * way for changes that leave the stored rows valid (sqlite.org/lang_altertable.html, "other
 * kinds of table schema changes"): every existing row satisfies the wider CHECK. The ALTER
 * TABLE after it makes SQLite read the schema again, so this connection sees the new text.
 */
export const integrators: Migration = {
  version: 14,
  name: 'system integrators, their attributions and reports',
  sql: `
CREATE TABLE integrators (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  contacts     TEXT NOT NULL,   -- JSON: email, language
  ranges       TEXT NOT NULL,   -- JSON array of CIDRs it manages
  customer_ids TEXT NOT NULL,   -- JSON array of customer ids at ISPs
  updated_at   TEXT NOT NULL
);

ALTER TABLE reports ADD COLUMN integrator_id TEXT;
CREATE INDEX reports_by_integrator ON reports (integrator_id, created_at);

PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (audience IN (''isp'', ''vendor'', ''sector''))', 'CHECK (audience IN (''isp'', ''vendor'', ''sector'', ''integrator''))')
  WHERE type = 'table' AND name = 'reports';
PRAGMA writable_schema = OFF;

ALTER TABLE finding_attributions ADD COLUMN integrator_id TEXT;
CREATE INDEX finding_attributions_by_integrator ON finding_attributions (integrator_id);
`,
};
