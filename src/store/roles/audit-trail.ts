/**
 * The tamper-evident audit trail (docs/audit.md): an append-only chain of records, each
 * carrying the hash of the one before, and checkpoints (signed or not) that vouch for the
 * chain up to a record. The store keeps the rows; what a record says, how it is hashed and
 * how the chain is checked is decided in src/audit/ — the store hands the chain's last record
 * to a pure `link` function under its write lock, as `updateVulnerabilities` does.
 */

/** One stored record of the chain. */
export interface AuditRecordRow {
  /** 1, 2, 3 … with no gaps: a missing number is a removed record. */
  sequence: number;
  /** The hash of record sequence − 1 (64 zeros for the first). */
  previousHash: string;
  /** SHA-256 (hex) of previousHash followed by `record`. */
  hash: string;
  /** The record as canonical JSON text (it names its own sequence), stored byte for byte. */
  record: string;
}

/** A statement that the chain up to `sequence` ended in `hash`, signed when a key is configured. */
export interface AuditCheckpointRow {
  sequence: number;
  hash: string;
  createdAt: string;
  /** Fingerprint of the signing key (SHA-256 of its public key); absent when unsigned. */
  keyId?: string;
  /** Ed25519 signature (base64) of the checkpoint's canonical form; absent when unsigned. */
  signature?: string;
}

/** Builds the rows to append from the chain's last record (undefined for an empty chain). Pure and synchronous. */
export type AuditLink = (last: AuditRecordRow | undefined) => readonly AuditRecordRow[];

/**
 * Appending to and reading the audit trail. Rows are never updated or deleted: both stores
 * refuse it with database triggers (migration 20), so only deliberate tampering changes them —
 * and the chain shows that.
 * @example
 * await store.appendAuditRecords((last) => linkRecords(last, events, now))
 * const page = await store.listAuditRecords({ afterSequence: 0, limit: 1000 })
 */
export interface AuditTrailStore {
  /**
   * Under the store's write lock (so concurrent writers chain one after another): read the
   * last record, call `link`, append what it returns in one transaction. Returns the rows written.
   */
  appendAuditRecords(link: AuditLink): Promise<AuditRecordRow[]>;
  /** Records with sequence > afterSequence, in sequence order, at most `limit`. */
  listAuditRecords(page: { afterSequence: number; limit: number }): Promise<AuditRecordRow[]>;
  /** The record with the highest sequence, or undefined for an empty trail. */
  lastAuditRecord(): Promise<AuditRecordRow | undefined>;
  recordAuditCheckpoint(checkpoint: AuditCheckpointRow): Promise<void>;
  /** Every checkpoint in the order written. */
  listAuditCheckpoints(): Promise<AuditCheckpointRow[]>;
}
