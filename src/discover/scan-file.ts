/**
 * Reading a scan result file (zmap CSV, masscan list/JSON): its lines through the project's
 * bounded line reader, and its modification time for records that carry no time.
 */
import { stat } from 'node:fs/promises';
import { OpenNoticeError } from '../core/errors.ts';
import { type NumberedLine, readLines } from '../core/read-lines.ts';

/** A scan result line is short; anything longer is not scan output and must not exhaust memory. */
export const defaultMaxLineBytes = 1024 * 1024;

/**
 * The file's lines in bounded memory; a line longer than `maxLineBytes` is an IMPORT_INVALID
 * error naming it, and stopping early closes the file.
 * @example for await (const line of readScanFileLines('scan.csv')) console.log(line.number, line.text)
 */
export function readScanFileLines(file: string, maxLineBytes = defaultMaxLineBytes): AsyncGenerator<NumberedLine> {
  return readLines(file, { maxLineBytes, expected: 'scan result file' });
}

/**
 * When the file was last written, as ISO-8601: the best "seen at" for records that
 * carry no time of their own.
 * @example await fileModifiedAt('scan.csv') // '2025-01-01T10:00:00.000Z'
 */
export async function fileModifiedAt(file: string): Promise<string> {
  try {
    return (await stat(file)).mtime.toISOString();
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
}
