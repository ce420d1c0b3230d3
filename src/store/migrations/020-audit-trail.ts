import type { Migration } from './migration.ts';

/**
 * The tamper-evident audit trail (docs/audit.md): the chained records and the checkpoints.
 * Triggers refuse UPDATE and DELETE on both: the chain is what proves nothing was changed,
 * the triggers only stop accidents (anyone who can drop a trigger can also edit the file).
 * No foreign key from checkpoints to records: a removed record must be found by the
 * verifier, not blocked by a constraint that a tamperer would simply turn off.
 */
export const auditTrail: Migration = {
  version: 20,
  name: 'tamper-evident audit trail',
  sql: `
CREATE TABLE audit_records (
  sequence       INTEGER PRIMARY KEY,
  previous_hash  TEXT NOT NULL,
  hash           TEXT NOT NULL,
  record         TEXT NOT NULL   -- canonical JSON, hashed byte for byte
);
CREATE TABLE audit_checkpoints (
  id          INTEGER PRIMARY KEY,
  sequence    INTEGER NOT NULL,
  hash        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  key_id      TEXT,
  signature   TEXT
);
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`,
};
