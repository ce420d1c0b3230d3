import type { Migration } from '../../migrations/migration.ts';

/**
 * Critical devices, as SQLite's step 13 (../../migrations/013-critical-devices.ts): the sector
 * of a device and of each version, the owner contact its page showed (JSON, operator-only), and
 * the 'sector' audience of reports to a sector's contacts — here by replacing the CHECK.
 */
export const criticalDevices: Migration = {
  version: 13,
  name: 'critical devices: sector, owner contact, sector reports',
  sql: `
ALTER TABLE devices ADD COLUMN sector TEXT COLLATE "C", ADD COLUMN owner_contact TEXT;
ALTER TABLE device_versions ADD COLUMN sector TEXT COLLATE "C";
ALTER TABLE reports DROP CONSTRAINT reports_audience_check;
ALTER TABLE reports ADD CONSTRAINT reports_audience_check CHECK (audience IN ('isp', 'vendor', 'sector'));
`,
};
