/**
 * The hash chain: record n is stored with hash(n) = SHA-256(hash(n − 1) ‖ canonical JSON of
 * record n), hash(0) being 64 zeros. The record names its own sequence, so a record moved to
 * another place in the chain no longer fits there.
 */
import { createHash } from 'node:crypto';
import type { AuditRecordRow } from '../store/roles/audit-trail.ts';
import { canonicalJson, type JsonValue } from './canonical-json.ts';
import type { AuditEvent, AuditRecord } from './events.ts';

/** The previous hash of the first record. */
export const genesisHash = '0'.repeat(64);

/**
 * @example recordHash(genesisHash, '{"kind":"run-started",…}') // 'e3b0…' (64 hex digits)
 */
export function recordHash(previousHash: string, recordText: string): string {
  // The previous hash is always 64 hex digits, so plain concatenation is unambiguous.
  return createHash('sha256').update(previousHash).update(recordText).digest('hex');
}

/**
 * The rows that append `events` after `last` (undefined for an empty chain), all recorded at
 * `recordedAt`. Pure: the store calls it under its write lock.
 * @example store.appendAuditRecords((last) => linkRecords(last, events, new Date().toISOString()))
 */
export function linkRecords(last: AuditRecordRow | undefined, events: readonly AuditEvent[], recordedAt: string): AuditRecordRow[] {
  let sequence = last?.sequence ?? 0;
  let previousHash = last?.hash ?? genesisHash;
  return events.map((event) => {
    sequence += 1;
    const record: AuditRecord = { ...event, sequence, recordedAt };
    const text = canonicalJson(record as unknown as JsonValue);
    const row: AuditRecordRow = { sequence, previousHash, hash: recordHash(previousHash, text), record: text };
    previousHash = row.hash;
    return row;
  });
}
