import type { Migration } from './migration.ts';

/**
 * What the flow collector keeps for the C&C detector (src/cnc/contact-recorder.ts): known
 * bots' contacts per hour and endpoint with their start times, a sketch of each endpoint's
 * other sources per hour, and a sketch of the hour's other sources. Rows are appended per
 * flush (readers merge them) and pruned by hour with the flow aggregates' retention.
 */
export const cncContacts: Migration = {
  version: 19,
  name: 'C&C contacts kept by the flow collector',
  sql: `
CREATE TABLE cnc_bot_contacts (
  hour_ms              INTEGER NOT NULL,
  bot_address          TEXT NOT NULL,
  destination_address  TEXT NOT NULL,
  destination_port     INTEGER NOT NULL,
  protocol             INTEGER NOT NULL,
  flows                INTEGER NOT NULL,
  packets              INTEGER NOT NULL,
  bytes                INTEGER NOT NULL,
  first_ms             INTEGER NOT NULL,
  last_ms              INTEGER NOT NULL,
  contact_starts       TEXT NOT NULL  -- milliseconds after hour_ms, comma-separated
);
CREATE INDEX cnc_bot_contacts_by_hour ON cnc_bot_contacts (hour_ms);
CREATE INDEX cnc_bot_contacts_by_endpoint ON cnc_bot_contacts (destination_address, destination_port, protocol, hour_ms);
CREATE TABLE cnc_endpoint_other_sources (
  hour_ms               INTEGER NOT NULL,
  destination_address   TEXT NOT NULL,
  destination_port      INTEGER NOT NULL,
  protocol              INTEGER NOT NULL,
  other_sources_sketch  TEXT NOT NULL,
  first_ms              INTEGER NOT NULL,
  last_ms               INTEGER NOT NULL
);
CREATE INDEX cnc_endpoint_other_sources_by_hour ON cnc_endpoint_other_sources (hour_ms);
CREATE INDEX cnc_endpoint_other_sources_by_endpoint ON cnc_endpoint_other_sources (destination_address, destination_port, protocol, hour_ms);
CREATE TABLE cnc_population (
  hour_ms               INTEGER NOT NULL,
  other_sources_sketch  TEXT NOT NULL
);
CREATE INDEX cnc_population_by_hour ON cnc_population (hour_ms);
`,
};
