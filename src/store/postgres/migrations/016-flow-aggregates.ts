import type { Migration } from '../../migrations/migration.ts';

/** Hourly flow aggregates, as SQLite's 016 (see there). */
export const flowAggregates: Migration = {
  version: 16,
  name: 'flow aggregates',
  sql: `
CREATE TABLE flow_aggregates (
  hour_ms             BIGINT NOT NULL,
  source_network      TEXT COLLATE "C" NOT NULL,
  destination_address TEXT COLLATE "C" NOT NULL,
  destination_port    INTEGER NOT NULL,
  protocol            INTEGER NOT NULL,
  flows               BIGINT NOT NULL,
  packets             BIGINT NOT NULL,
  bytes               BIGINT NOT NULL,
  first_ms            BIGINT NOT NULL,
  last_ms             BIGINT NOT NULL,
  PRIMARY KEY (hour_ms, source_network, destination_address, destination_port, protocol)
);
`,
};
