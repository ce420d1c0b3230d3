/**
 * Checkpoints: "the chain up to record S ends in hash H", signed with the operator's Ed25519
 * key when one is configured. A signed checkpoint is what a tamperer who can rewrite the whole
 * database (and recompute every hash after a change) still cannot forge.
 */
import type { KeyObject } from 'node:crypto';
import { keyFingerprint, signBytes, signatureValid } from '../core/signing-keys.ts';
import type { AuditCheckpointRow, AuditRecordRow } from '../store/roles/audit-trail.ts';
import { canonicalJson } from './canonical-json.ts';

/** The bytes a checkpoint's signature covers: everything in it but the signature. */
function signedBytes(checkpoint: AuditCheckpointRow): Buffer {
  const { sequence, hash, createdAt, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ sequence, hash, createdAt, keyId }), 'utf8');
}

/**
 * A checkpoint for `last`, signed when `privateKey` is given, unsigned (no keyId, no signature) otherwise.
 * @example await store.recordAuditCheckpoint(makeCheckpoint(last, new Date().toISOString(), key))
 */
export function makeCheckpoint(last: AuditRecordRow, createdAt: string, privateKey?: KeyObject): AuditCheckpointRow {
  const unsigned: AuditCheckpointRow = { sequence: last.sequence, hash: last.hash, createdAt };
  if (!privateKey) return unsigned;
  const keyed = { ...unsigned, keyId: keyFingerprint(privateKey) };
  return { ...keyed, signature: signBytes(privateKey, signedBytes(keyed)) };
}

/** What a checkpoint's signature says about it, checked against one public key. */
export type CheckpointSignature = 'valid' | 'unsigned' | 'other-key' | 'invalid';

/**
 * @example checkpointSignature(checkpoint, readSigningKey('audit.key.pub', 'public')) // 'valid'
 */
export function checkpointSignature(checkpoint: AuditCheckpointRow, publicKey: KeyObject): CheckpointSignature {
  if (checkpoint.signature === undefined) return 'unsigned';
  if (checkpoint.keyId !== keyFingerprint(publicKey)) return 'other-key';
  return signatureValid(publicKey, signedBytes(checkpoint), checkpoint.signature) ? 'valid' : 'invalid';
}
