/**
 * Verifying the audit trail: walks the records in sequence order once (any number of them, a
 * page at a time) and stops at the first that does not fit, saying why. Checks, for each
 * record: it is the next number (else records are missing), it names its own place (else it
 * was moved), its content matches its hash (else it was altered), its previous hash is the
 * hash of the record before it (else an earlier record was rewritten, hash and all); at each
 * checkpoint, that the record has the hash the checkpoint states, and with a public key that
 * the checkpoint is signed by it. A checkpoint beyond the last record means the tail was removed.
 */
import type { KeyObject } from 'node:crypto';
import { keyFingerprint } from '../core/signing-keys.ts';
import type { AuditCheckpointRow, AuditRecordRow } from '../store/roles/audit-trail.ts';
import { genesisHash, recordHash } from './chain.ts';
import { checkpointSignature } from './checkpoint.ts';

/** Why a record does not fit the chain. */
export type ChainBreakReason =
  | 'missing'
  | 'reordered'
  | 'altered'
  | 'chain-broken'
  | 'checkpoint-mismatch'
  | 'bad-checkpoint-signature'
  | 'unsigned-checkpoint';

/** The first record that does not fit, and why. */
export interface ChainBreak {
  sequence: number;
  reason: ChainBreakReason;
  explanation: string;
}

export interface ChainVerification {
  records: number;
  /** The last record's sequence and hash (0 and 64 zeros for an empty trail). */
  lastSequence: number;
  lastHash: string;
  checkpoints: number;
  /** Checkpoints written without a key (no keyId, no signature). */
  unsignedCheckpoints: number;
  /** Checkpoints whose signature was checked and holds (0 when no public key was given). */
  signedCheckpoints: number;
  /** The last record a valid signed checkpoint vouches for (0 for none). */
  signedUpTo: number;
  /** Fingerprint of the public key the signatures were checked with. */
  keyId?: string;
  broken?: ChainBreak;
}

export interface VerifyOptions {
  /** Check every checkpoint's signature with this key; without it signatures are not checked. */
  publicKey?: KeyObject;
}

function embeddedSequence(recordText: string): number | undefined {
  try {
    const parsed = JSON.parse(recordText) as { sequence?: unknown };
    return typeof parsed.sequence === 'number' ? parsed.sequence : undefined;
  } catch {
    return undefined;
  }
}

/** The first thing wrong with `row` as the record after (`previousSequence`, `previousHash`), if any. */
function recordBreak(row: AuditRecordRow, previousSequence: number, previousHash: string): ChainBreak | undefined {
  const expected = previousSequence + 1;
  if (row.sequence > expected) {
    const range = row.sequence - 1 === expected ? `record ${expected} is` : `records ${expected} to ${row.sequence - 1} are`;
    return { sequence: expected, reason: 'missing', explanation: `${range} missing: the trail goes from ${previousSequence} to ${row.sequence}` };
  }
  const named = embeddedSequence(row.record);
  if (named !== row.sequence) {
    return {
      sequence: row.sequence,
      reason: 'reordered',
      explanation: `the record stored as ${row.sequence} is ${named === undefined ? 'not a record of the chain' : `record ${named}`}: records were moved (or removed and renumbered)`,
    };
  }
  if (recordHash(row.previousHash, row.record) !== row.hash) {
    return { sequence: row.sequence, reason: 'altered', explanation: `record ${row.sequence} was altered: its content does not match its hash` };
  }
  if (row.previousHash !== previousHash) {
    return {
      sequence: row.sequence,
      reason: 'chain-broken',
      explanation: `record ${row.sequence} does not follow record ${previousSequence}: an earlier record was rewritten with a new hash, or records were inserted`,
    };
  }
  return undefined;
}

function checkpointBreak(checkpoint: AuditCheckpointRow, row: AuditRecordRow, publicKey: KeyObject | undefined): ChainBreak | undefined {
  if (checkpoint.hash !== row.hash) {
    return {
      sequence: row.sequence,
      reason: 'checkpoint-mismatch',
      explanation: `the checkpoint of ${checkpoint.createdAt} says record ${row.sequence} ends the chain in ${checkpoint.hash.slice(0, 16)}…, it ends in ${row.hash.slice(0, 16)}…: the records up to it were rewritten`,
    };
  }
  if (!publicKey) return undefined;
  const signature = checkpointSignature(checkpoint, publicKey);
  if (signature === 'valid') return undefined;
  const why = {
    unsigned: 'is not signed',
    'other-key': `is signed by key ${checkpoint.keyId?.slice(0, 16)}…, not by the given key ${keyFingerprint(publicKey).slice(0, 16)}…`,
    invalid: 'has a signature that does not verify: it was forged or altered',
  }[signature];
  return {
    sequence: row.sequence,
    reason: signature === 'unsigned' ? 'unsigned-checkpoint' : 'bad-checkpoint-signature',
    explanation: `the checkpoint of ${checkpoint.createdAt} at record ${row.sequence} ${why}`,
  };
}

/**
 * @example
 * const result = await verifyChain(storeRecords(store), await store.listAuditCheckpoints(), { publicKey })
 * if (result.broken) console.log(`first broken record: ${result.broken.sequence} (${result.broken.reason})`)
 */
export async function verifyChain(
  records: AsyncIterable<AuditRecordRow>,
  checkpoints: readonly AuditCheckpointRow[],
  options: VerifyOptions = {},
): Promise<ChainVerification> {
  const bySequence = Map.groupBy(checkpoints, (checkpoint) => checkpoint.sequence);
  const result: ChainVerification = {
    records: 0,
    lastSequence: 0,
    lastHash: genesisHash,
    checkpoints: checkpoints.length,
    unsignedCheckpoints: checkpoints.filter((checkpoint) => checkpoint.signature === undefined).length,
    signedCheckpoints: 0,
    signedUpTo: 0,
    ...(options.publicKey ? { keyId: keyFingerprint(options.publicKey) } : {}),
  };
  // Read to the end even after a break: an export writes every record as it passes here.
  let broken: ChainBreak | undefined;
  for await (const row of records) {
    if (broken) continue;
    broken = recordBreak(row, result.lastSequence, result.lastHash);
    for (const checkpoint of broken ? [] : (bySequence.get(row.sequence) ?? [])) {
      broken ??= checkpointBreak(checkpoint, row, options.publicKey);
      if (!broken && options.publicKey) {
        result.signedCheckpoints += 1;
        result.signedUpTo = row.sequence;
      }
    }
    if (broken) continue;
    result.records += 1;
    result.lastSequence = row.sequence;
    result.lastHash = row.hash;
  }
  if (broken) return { ...result, broken };
  const beyond = checkpoints.filter((checkpoint) => checkpoint.sequence > result.lastSequence).sort((a, b) => a.sequence - b.sequence)[0];
  if (beyond) {
    return {
      ...result,
      broken: {
        sequence: result.lastSequence + 1,
        reason: 'missing',
        explanation: `the trail ends at record ${result.lastSequence}, but a checkpoint of ${beyond.createdAt} vouches for records up to ${beyond.sequence}: the last records were removed`,
      },
    };
  }
  return result;
}

/**
 * The store's records a page at a time, for verifyChain and the export.
 * @example for await (const row of pagedRecords((page) => store.listAuditRecords(page))) …
 */
export async function* pagedRecords(
  list: (page: { afterSequence: number; limit: number }) => Promise<AuditRecordRow[]>,
  pageSize = 5000,
): AsyncGenerator<AuditRecordRow> {
  let afterSequence = 0;
  for (;;) {
    const page = await list({ afterSequence, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
    afterSequence = page.at(-1)!.sequence;
  }
}
