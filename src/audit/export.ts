/**
 * Writing an audit export for a regulator: the whole trail verified in the same pass that
 * writes it, so the manifest states what the export proves (records, last hash, checkpoints,
 * which key signed them) and the SHA-256 of each file. `opennotice audit verify --file DIR`
 * checks it offline, without the database.
 */
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { keyFingerprint, publicKeyPem } from '../core/signing-keys.ts';
import type { AuditCheckpointRow, AuditRecordRow } from '../store/roles/audit-trail.ts';
import { checkpointLine, exportFileNames, recordLine } from './export-files.ts';
import { type ChainVerification, verifyChain } from './verify-chain.ts';

export interface AuditExportSource {
  records: AsyncIterable<AuditRecordRow>;
  checkpoints: readonly AuditCheckpointRow[];
  /** The key the checkpoints are signed with (either half); its public half is exported. */
  key?: KeyObject;
  /** Where the trail came from (the store's location), for the manifest. */
  location: string;
  exportedAt: string;
}

function readme(verification: ChainVerification, source: AuditExportSource): string {
  const verdict = verification.broken
    ? `BROKEN at record ${verification.broken.sequence} (${verification.broken.reason}): ${verification.broken.explanation}`
    : `intact: ${verification.records} records`;
  return `opennotice audit trail export
exported ${source.exportedAt} from ${source.location}
verified when exported: ${verdict}

records.jsonl      one record a line: sequence, previousHash, hash, record. hash is
                   SHA-256(previousHash + canonical JSON of record), in lower-case hex;
                   the first record's previousHash is 64 zeros. Canonical JSON: keys sorted,
                   no whitespace. The record names its own sequence.
checkpoints.jsonl  "the chain up to record sequence ends in hash", with the fingerprint of the
                   signing key (keyId, SHA-256 of the public key's DER) and an Ed25519
                   signature (base64) of the canonical JSON of {createdAt, hash, keyId, sequence};
                   unsigned checkpoints have neither.
public-key.pem     the public key the signed checkpoints verify with, when one was known.
                   Compare its fingerprint with the one the operator published: a key found
                   beside the data proves nothing by itself.
manifest.json      counts, last hash, key fingerprint and the SHA-256 of each file.

Verify:  opennotice audit verify --file THIS_DIRECTORY [--public-key KEY.pub]
What it does not prove: see docs/audit.md ("What the trail does not prove").
`;
}

/**
 * @example const verification = await writeAuditExport('audit-2026-12', { records, checkpoints, key, location, exportedAt })
 */
export async function writeAuditExport(directory: string, source: AuditExportSource): Promise<ChainVerification> {
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new OpenNoticeError('USAGE', `cannot create ${directory}: ${(error as Error).message}`, { file: directory }, { cause: error });
  }
  const recordsFile = join(directory, exportFileNames.records);
  const recordsHash = createHash('sha256');
  const descriptor = openSync(recordsFile, 'w');
  let verification: ChainVerification;
  try {
    // The verifier reads the records through this generator, so each is written as it is checked.
    async function* written(): AsyncGenerator<AuditRecordRow> {
      for await (const row of source.records) {
        const line = recordLine(row);
        recordsHash.update(line);
        writeSync(descriptor, line);
        yield row;
      }
    }
    verification = await verifyChain(written(), source.checkpoints, source.key ? { publicKey: source.key } : {});
  } finally {
    closeSync(descriptor);
  }
  const checkpointsText = source.checkpoints.map(checkpointLine).join('');
  writeFileSync(join(directory, exportFileNames.checkpoints), checkpointsText);
  const files: Record<string, string> = {
    [exportFileNames.records]: recordsHash.digest('hex'),
    [exportFileNames.checkpoints]: createHash('sha256').update(checkpointsText).digest('hex'),
  };
  if (source.key) {
    const pem = publicKeyPem(source.key);
    writeFileSync(join(directory, exportFileNames.publicKey), pem);
    files[exportFileNames.publicKey] = createHash('sha256').update(pem).digest('hex');
  }
  const manifest = {
    format: 'opennotice-audit-export/1',
    exportedAt: source.exportedAt,
    source: source.location,
    records: verification.records,
    lastSequence: verification.lastSequence,
    lastHash: verification.lastHash,
    checkpoints: source.checkpoints.length,
    signedCheckpoints: verification.signedCheckpoints,
    signedUpTo: verification.signedUpTo,
    ...(source.key ? { keyId: keyFingerprint(source.key) } : {}),
    verifiedWhenExported: verification.broken ? { intact: false, ...verification.broken } : { intact: true },
    files,
  };
  writeFileSync(join(directory, exportFileNames.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(directory, exportFileNames.readme), readme(verification, source));
  return verification;
}
