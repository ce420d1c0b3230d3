/**
 * The files of an audit export (`opennotice audit export --out DIR`), and reading them back
 * for `opennotice audit verify --file DIR`: records.jsonl (one record a line, the record as an
 * object — its canonical JSON is what was hashed), checkpoints.jsonl, public-key.pem when a
 * key is known, manifest.json and README.txt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { readLines } from '../core/read-lines.ts';
import type { AuditCheckpointRow, AuditRecordRow } from '../store/roles/audit-trail.ts';
import { canonicalJson, type JsonValue } from './canonical-json.ts';

export const exportFileNames = {
  records: 'records.jsonl',
  checkpoints: 'checkpoints.jsonl',
  publicKey: 'public-key.pem',
  manifest: 'manifest.json',
  readme: 'README.txt',
} as const;

/**
 * A record's line in records.jsonl.
 * @example recordLine(row) // '{"sequence":1,"previousHash":"000…","hash":"…","record":{…}}\n'
 */
export function recordLine(row: AuditRecordRow): string {
  return `${JSON.stringify({ sequence: row.sequence, previousHash: row.previousHash, hash: row.hash, record: parsedOrText(row.record) })}\n`;
}

/** A record as an object to read; a stored record that is no longer JSON (tampered) as its text, so the export still shows it. */
function parsedOrText(recordText: string): unknown {
  try {
    return JSON.parse(recordText);
  } catch {
    return recordText;
  }
}

/** A checkpoint's line in checkpoints.jsonl. @example checkpointLine({ sequence: 5, hash: 'ab…', createdAt: '2026-12-07T00:00:00.000Z' }) */
export function checkpointLine(checkpoint: AuditCheckpointRow): string {
  return `${JSON.stringify(checkpoint)}\n`;
}

/** A record is at most a few kilobytes; a longer line is not one of ours. */
const maxLineBytes = 1 << 20;

function invalid(file: string, line: number, what: string): OpenNoticeError {
  return new OpenNoticeError('IMPORT_INVALID', `${what} (is this an opennotice audit export?)`, { file, line });
}

const isHash = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * The records of an export, in file order (the verifier judges the order), each with its
 * record back in the canonical text that was hashed.
 * @example for await (const row of exportedRecords('audit-2026-12')) …
 */
export async function* exportedRecords(directory: string): AsyncGenerator<AuditRecordRow> {
  const file = join(directory, exportFileNames.records);
  for await (const line of readLines(file, { maxLineBytes, name: file })) {
    if (line.text === '') continue;
    let parsed: { sequence?: unknown; previousHash?: unknown; hash?: unknown; record?: unknown };
    try {
      parsed = JSON.parse(line.text) as typeof parsed;
    } catch {
      throw invalid(file, line.number, 'not a JSON line');
    }
    const { sequence, previousHash, hash, record } = parsed;
    if (!Number.isSafeInteger(sequence) || !isHash(previousHash) || !isHash(hash) || record === undefined || record === null)
      throw invalid(file, line.number, 'a record line needs sequence, previousHash, hash and record');
    // A record kept as text is one that was not JSON when exported: the verifier will say so.
    yield { sequence: sequence as number, previousHash, hash, record: typeof record === 'string' ? record : canonicalJson(record as JsonValue) };
  }
}

/** The checkpoints of an export, in file order. @example verifyChain(exportedRecords(dir), exportedCheckpoints(dir)) */
export function exportedCheckpoints(directory: string): AuditCheckpointRow[] {
  const file = join(directory, exportFileNames.checkpoints);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  return text
    .split('\n')
    .map((lineText, index) => ({ lineText, number: index + 1 }))
    .filter(({ lineText }) => lineText !== '')
    .map(({ lineText, number }) => {
      let parsed: Partial<AuditCheckpointRow>;
      try {
        parsed = JSON.parse(lineText) as Partial<AuditCheckpointRow>;
      } catch {
        throw invalid(file, number, 'not a JSON line');
      }
      if (!Number.isSafeInteger(parsed.sequence) || !isHash(parsed.hash) || typeof parsed.createdAt !== 'string')
        throw invalid(file, number, 'a checkpoint line needs sequence, hash and createdAt');
      return {
        sequence: parsed.sequence as number,
        hash: parsed.hash,
        createdAt: parsed.createdAt,
        ...(typeof parsed.keyId === 'string' ? { keyId: parsed.keyId } : {}),
        ...(typeof parsed.signature === 'string' ? { signature: parsed.signature } : {}),
      };
    });
}
