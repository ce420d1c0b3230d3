/**
 * What the feed importers share: reading the file, telling CSV from JSON, and errors that name
 * the file and line (IMPORT_INVALID), also for JSON, whose parser gives no lines.
 */
import { readFileSync } from 'node:fs';
import { parseDataFile, type DataPath } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { canonicalAddress } from '../../scope/canonical-address.ts';

/**
 * Read a feed file's text; a missing file is an IMPORT_INVALID error naming it.
 * @example const text = readFeedText('ipblocklist.csv')
 */
export function readFeedText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read feed file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
}

/** JSON when the first non-blank character opens an array or object; the feeds' CSV starts with '#' or '"'. */
export const looksLikeJson = (text: string): boolean => /^\s*[[{]/.test(text);

/**
 * Parse JSON fast; on a syntax error, or when a record is invalid, locate the line through the
 * slower parser that keeps positions (only then: the feeds are megabytes).
 */
export function parseFeedJson(text: string, file: string): { data: unknown; errorAt(path: DataPath, message: string): OpenNoticeError } {
  const located = () => parseDataFile(text, file, 'IMPORT_INVALID');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    located(); // throws with the line when the YAML parser also finds the syntax error
    throw new OpenNoticeError('IMPORT_INVALID', `not valid JSON: ${(error as Error).message}`, { file });
  }
  return { data, errorAt: (path, message) => located().errorAt('IMPORT_INVALID', path, message) };
}

/**
 * The canonical text of an address field, or undefined.
 * @example feedAddress(' 192.0.2.9 ') // '192.0.2.9'
 */
export function feedAddress(text: string): string | undefined {
  return canonicalAddress(text.trim());
}

/** A port field (number or digits) in 0–65535, or undefined. */
export function feedPort(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** "2024-03-20 07:44:46" (UTC, as abuse.ch writes it) → ISO-8601; undefined when absent or unreadable. */
export function feedTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim().replace(/ UTC$/, '');
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const time = Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}Z`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
