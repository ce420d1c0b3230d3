/**
 * `opennotice audit verify | export | keygen`: the tamper-evident trail (docs/audit.md).
 * verify walks the chain (from the store or an export) and names the first broken record;
 * export writes the files a regulator verifies offline; keygen makes the checkpoint key.
 */
import type { KeyObject } from 'node:crypto';
import { writeAuditExport } from '../../audit/export.ts';
import { exportedCheckpoints, exportedRecords, exportFileNames } from '../../audit/export-files.ts';
import { type ChainVerification, pagedRecords, verifyChain } from '../../audit/verify-chain.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { generateSigningKey, readSigningKey } from '../../core/signing-keys.ts';
import { openStore } from '../../store/open-store.ts';
import { auditKeyVariable, auditSigningKey } from '../audited-store.ts';
import type { CommandIo } from '../command.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface VerifyRequest {
  /** The store to verify, unless `exportDirectory` is given. */
  db: string;
  /** An export directory to verify instead of the store. */
  exportDirectory?: string;
  publicKeyFile?: string;
}

/**
 * What verify says: the verdict, then the checkpoints.
 * @example io.stdout.write(describeVerification(await verifyChain(records, checkpoints), false))
 */
export function describeVerification(verification: ChainVerification, checkedKey: boolean): string {
  const lines: string[] = [];
  if (verification.broken) {
    lines.push(`audit trail BROKEN: first broken record ${verification.broken.sequence} (${verification.broken.reason}): ${verification.broken.explanation}`);
    lines.push(`records 1 to ${verification.lastSequence} are intact`);
  } else {
    lines.push(`audit trail intact: ${verification.records} records, last hash ${verification.lastHash}`);
  }
  if (!checkedKey) {
    lines.push(
      `${verification.checkpoints} checkpoints (${verification.unsignedCheckpoints} unsigned); signatures not checked (give --public-key): unsigned or unchecked checkpoints prove nothing against someone who can write the database`,
    );
  } else {
    lines.push(`${verification.signedCheckpoints} of ${verification.checkpoints} checkpoints signed by key ${verification.keyId?.slice(0, 16)}…, verified`);
    if (!verification.broken && verification.signedUpTo < verification.lastSequence)
      lines.push(`records ${verification.signedUpTo + 1} to ${verification.lastSequence} are chained but not yet covered by a signed checkpoint`);
  }
  return `${lines.join('\n')}\n`;
}

/** @example const exit = await verifyAuditTrail({ db: 'opennotice.sqlite', publicKeyFile: 'audit.key.pub' }, io) */
export async function verifyAuditTrail(request: VerifyRequest, io: CommandIo): Promise<number> {
  let publicKey: KeyObject | undefined;
  if (request.publicKeyFile) publicKey = readSigningKey(request.publicKeyFile, 'public');
  else if (request.exportDirectory && existsSync(join(request.exportDirectory, exportFileNames.publicKey))) {
    publicKey = readSigningKey(join(request.exportDirectory, exportFileNames.publicKey), 'public');
    io.stderr.write(`using the export's ${exportFileNames.publicKey}: compare its fingerprint with the one the operator published\n`);
  }
  const options = publicKey ? { publicKey } : {};
  let verification: ChainVerification;
  if (request.exportDirectory) {
    verification = await verifyChain(exportedRecords(request.exportDirectory), exportedCheckpoints(request.exportDirectory), options);
  } else {
    const store = await openStore(request.db);
    try {
      verification = await verifyChain(
        pagedRecords((page) => store.listAuditRecords(page)),
        await store.listAuditCheckpoints(),
        options,
      );
    } finally {
      await store.close();
    }
  }
  io.stdout.write(describeVerification(verification, publicKey !== undefined));
  if (verification.broken) {
    throw new OpenNoticeError('AUDIT_BROKEN', `the audit trail is broken at record ${verification.broken.sequence} (${verification.broken.reason})`, {
      file: request.exportDirectory ?? request.db,
      sequence: verification.broken.sequence,
      reason: verification.broken.reason,
    });
  }
  return 0;
}

export interface ExportRequest {
  db: string;
  out: string;
  /** The public key to put in the export; default the public half of OPENNOTICE_AUDIT_KEY's key. */
  publicKeyFile?: string;
}

/** @example await exportAuditTrail({ db: 'opennotice.sqlite', out: 'audit-2026-12' }, io, process.env) */
export async function exportAuditTrail(request: ExportRequest, io: CommandIo, env: NodeJS.ProcessEnv): Promise<number> {
  const key = request.publicKeyFile ? readSigningKey(request.publicKeyFile, 'public') : auditSigningKey(env);
  const store = await openStore(request.db);
  let verification: ChainVerification;
  try {
    verification = await writeAuditExport(request.out, {
      records: pagedRecords((page) => store.listAuditRecords(page)),
      checkpoints: await store.listAuditCheckpoints(),
      key,
      location: store.location,
      exportedAt: new Date().toISOString(),
    });
  } finally {
    await store.close();
  }
  io.stdout.write(
    `wrote ${request.out}: ${verification.lastSequence} records${key ? '' : ` (no key: set ${auditKeyVariable} or give --public-key to include one)`}\n`,
  );
  io.stdout.write(describeVerification(verification, key !== undefined));
  if (verification.broken) {
    throw new OpenNoticeError(
      'AUDIT_BROKEN',
      `exported, but the audit trail is broken at record ${verification.broken.sequence} (${verification.broken.reason})`,
      {
        file: request.out,
        sequence: verification.broken.sequence,
      },
    );
  }
  return 0;
}

/** @example makeAuditKey('audit.key', io) // writes audit.key and audit.key.pub */
export function makeAuditKey(privateKeyFile: string, io: CommandIo): number {
  const { publicKeyFile } = generateSigningKey(privateKeyFile);
  io.stdout.write(`wrote ${privateKeyFile} (keep it private) and ${publicKeyFile} (publish it, and give it to whoever verifies)\n`);
  io.stdout.write(`sign the audit trail's checkpoints with it: export ${auditKeyVariable}=${privateKeyFile}\n`);
  return 0;
}
