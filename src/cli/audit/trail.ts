/**
 * `opennotice audit verify | export | keygen`: the tamper-evident trail (docs/audit.md).
 * verify walks the chain (from the store or an export) and names the first broken record;
 * export writes the files a regulator verifies offline; keygen makes the checkpoint key.
 */
import type { KeyObject } from 'node:crypto';
import { writeAuditExport } from '../../audit/export.ts';
import { exportedCheckpoints, exportedRecords, exportFileNames } from '../../audit/export-files.ts';
import { compareWithTables, type MirrorDisagreement } from '../../audit/mirror-check.ts';
import { collectMirroredFacts, observing } from '../../audit/mirror-records.ts';
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

/** Disagreements printed at most this many; the count says how many more. */
const disagreementsShown = 50;

/**
 * What the cross-check with the tables found (undefined: an export, which holds no tables).
 * @example io.stdout.write(describeDisagreements(await compareWithTables(facts, store)))
 */
export function describeDisagreements(disagreements: readonly MirrorDisagreement[] | undefined): string {
  if (disagreements === undefined) return 'tables not cross-checked: an export holds the trail only (verify the database for that)\n';
  if (disagreements.length === 0)
    return 'tables agree with the trail: runs, credential_attempts, outbox, opt_out_requests, cnc_candidates, web_users, api_tokens\n';
  const lines = [`tables DISAGREE with the trail in ${disagreements.length} place(s):`];
  for (const { table, rowId, sequence, explanation } of disagreements.slice(0, disagreementsShown)) {
    const place = [rowId === undefined ? '' : `row ${rowId}`, sequence === undefined ? '' : `record ${sequence}`].filter(Boolean).join(', ');
    lines.push(`  ${table} (${place}): ${explanation}`);
  }
  if (disagreements.length > disagreementsShown) lines.push(`  … and ${disagreements.length - disagreementsShown} more`);
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
  let disagreements: MirrorDisagreement[] | undefined;
  if (request.exportDirectory) {
    verification = await verifyChain(exportedRecords(request.exportDirectory), exportedCheckpoints(request.exportDirectory), options);
  } else {
    const store = await openStore(request.db);
    try {
      const collector = collectMirroredFacts();
      verification = await verifyChain(
        observing(
          pagedRecords((page) => store.listAuditRecords(page)),
          collector,
        ),
        await store.listAuditCheckpoints(),
        options,
      );
      disagreements = await compareWithTables(collector.facts, store);
    } finally {
      await store.close();
    }
  }
  io.stdout.write(describeVerification(verification, publicKey !== undefined));
  io.stdout.write(describeDisagreements(disagreements));
  if (verification.broken) {
    throw new OpenNoticeError('AUDIT_BROKEN', `the audit trail is broken at record ${verification.broken.sequence} (${verification.broken.reason})`, {
      file: request.exportDirectory ?? request.db,
      sequence: verification.broken.sequence,
      reason: verification.broken.reason,
    });
  }
  const [first] = disagreements ?? [];
  if (first) {
    throw new OpenNoticeError(
      'AUDIT_BROKEN',
      `the tables disagree with the audit trail in ${disagreements!.length} place(s), first ${first.table}${first.rowId === undefined ? '' : ` row ${first.rowId}`}${first.sequence === undefined ? '' : ` (record ${first.sequence})`}`,
      {
        file: request.db,
        table: first.table,
        ...(first.rowId === undefined ? {} : { row: first.rowId }),
        ...(first.sequence === undefined ? {} : { sequence: first.sequence }),
        disagreements: disagreements!.length,
      },
    );
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
