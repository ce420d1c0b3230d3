import type { Migration } from './migration.ts';

/**
 * DRDoS attacks seen from the darknet (src/darknet/drdos/): one row per attack on one darknet
 * address by one reflection protocol. Pieces at a capture's edges are kept with their
 * reflector state (even below the thresholds, `qualified` 0) so that the rest of the attack,
 * read later, merges into them; the merged attack replaces them under the natural key.
 */
export const darknetAttacks: Migration = {
  version: 11,
  name: 'darknet DRDoS attacks',
  sql: `
CREATE TABLE darknet_attacks (
  id               INTEGER PRIMARY KEY,
  run_id           INTEGER NOT NULL REFERENCES runs (id),
  darknet          TEXT NOT NULL,
  victim           TEXT NOT NULL,
  protocol         TEXT NOT NULL,
  port             INTEGER NOT NULL,
  start            TEXT NOT NULL,
  end_at           TEXT NOT NULL,
  packets          INTEGER NOT NULL,
  bytes            INTEGER NOT NULL,
  reflectors       INTEGER NOT NULL,
  qualified        INTEGER NOT NULL CHECK (qualified IN (0, 1)),
  at_input_start   INTEGER NOT NULL CHECK (at_input_start IN (0, 1)),
  at_input_end     INTEGER NOT NULL CHECK (at_input_end IN (0, 1)),
  evicted          INTEGER NOT NULL CHECK (evicted IN (0, 1)),
  reflector_sketch TEXT,             -- "e:" sorted addresses or "h:" base64 HyperLogLog registers
  UNIQUE (darknet, victim, protocol, start)
);
CREATE INDEX darknet_attacks_by_start ON darknet_attacks (start);
`,
};
