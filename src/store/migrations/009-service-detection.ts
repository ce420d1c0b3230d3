import type { Migration } from './migration.ts';

/**
 * How each service's protocol was found — by what it volunteered, a probe, inside TLS, or not
 * at all — and the probes and connections that took: the survey reports what detection costs.
 */
export const serviceDetection: Migration = {
  version: 9,
  name: 'service detection record',
  sql: `ALTER TABLE services ADD COLUMN detection TEXT;`,
};
