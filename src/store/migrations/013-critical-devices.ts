import type { Migration } from './migration.ts';

/**
 * Critical devices (issue 15's handling path): a device's sector (set for deviceType
 * 'critical' only) in `devices` and `device_versions`; the owner's or installer's contact its
 * web page showed, in `devices` only (JSON; operator-only, read by its own store method so no
 * list or export carries it by accident); and reports to a sector's contacts (audience 'sector').
 *
 * SQLite cannot alter a CHECK constraint, so the audience CHECK's text is widened in
 * sqlite_schema, as step 14 does after it (every existing row satisfies the wider CHECK; the
 * ALTER TABLEs after it make SQLite read the schema again). The twin step in PostgreSQL
 * (postgres/migrations/013-critical-devices.ts) replaces the constraint.
 */
export const criticalDevices: Migration = {
  version: 13,
  name: 'critical devices: sector, owner contact, sector reports',
  sql: `
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (audience IN (''isp'', ''vendor''))', 'CHECK (audience IN (''isp'', ''vendor'', ''sector''))')
  WHERE type = 'table' AND name = 'reports';
PRAGMA writable_schema = OFF;

ALTER TABLE devices ADD COLUMN sector TEXT;
ALTER TABLE devices ADD COLUMN owner_contact TEXT;   -- JSON OwnerContact, operator-only
ALTER TABLE device_versions ADD COLUMN sector TEXT;
`,
};
