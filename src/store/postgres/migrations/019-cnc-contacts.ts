import type { Migration } from '../../migrations/migration.ts';

/** What the flow collector keeps for the C&C detector, as SQLite's 019 (see there). */
export const cncContacts: Migration = {
  version: 19,
  name: 'C&C contacts kept by the flow collector',
  sql: `
CREATE TABLE cnc_bot_contacts (
  hour_ms              BIGINT NOT NULL,
  bot_address          TEXT COLLATE "C" NOT NULL,
  destination_address  TEXT COLLATE "C" NOT NULL,
  destination_port     INTEGER NOT NULL,
  protocol             INTEGER NOT NULL,
  flows                BIGINT NOT NULL,
  packets              BIGINT NOT NULL,
  bytes                BIGINT NOT NULL,
  first_ms             BIGINT NOT NULL,
  last_ms              BIGINT NOT NULL,
  contact_starts       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX cnc_bot_contacts_by_hour ON cnc_bot_contacts (hour_ms);
CREATE INDEX cnc_bot_contacts_by_endpoint ON cnc_bot_contacts (destination_address, destination_port, protocol, hour_ms);
CREATE TABLE cnc_endpoint_other_sources (
  hour_ms               BIGINT NOT NULL,
  destination_address   TEXT COLLATE "C" NOT NULL,
  destination_port      INTEGER NOT NULL,
  protocol              INTEGER NOT NULL,
  other_sources_sketch  TEXT COLLATE "C" NOT NULL,
  first_ms              BIGINT NOT NULL,
  last_ms               BIGINT NOT NULL
);
CREATE INDEX cnc_endpoint_other_sources_by_hour ON cnc_endpoint_other_sources (hour_ms);
CREATE INDEX cnc_endpoint_other_sources_by_endpoint ON cnc_endpoint_other_sources (destination_address, destination_port, protocol, hour_ms);
CREATE TABLE cnc_population (
  hour_ms               BIGINT NOT NULL,
  other_sources_sketch  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX cnc_population_by_hour ON cnc_population (hour_ms);
`,
};
