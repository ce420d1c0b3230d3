import type { Migration } from './migration.ts';

/**
 * Hourly flow aggregates (issue 16): one row per hour × source /24 (/48) × destination ×
 * destination port × protocol, summed as flows arrive, pruned after the retention by hour.
 */
export const flowAggregates: Migration = {
  version: 16,
  name: 'flow aggregates',
  sql: `
CREATE TABLE flow_aggregates (
  hour_ms             INTEGER NOT NULL,
  source_network      TEXT NOT NULL,
  destination_address TEXT NOT NULL,
  destination_port    INTEGER NOT NULL,
  protocol            INTEGER NOT NULL,
  flows               INTEGER NOT NULL,
  packets             INTEGER NOT NULL,
  bytes               INTEGER NOT NULL,
  first_ms            INTEGER NOT NULL,
  last_ms             INTEGER NOT NULL,
  PRIMARY KEY (hour_ms, source_network, destination_address, destination_port, protocol)
);
`,
};
