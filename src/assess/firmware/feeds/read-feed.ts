/**
 * Reading a feed file: gzip detected by magic number (not by name), JSON parse errors
 * turned into IMPORT_INVALID with the file, line and column, and the format sniffed from
 * the content.
 */
import { constants as bufferConstants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { OpenNoticeError } from '../../../core/errors.ts';
import { isObject } from './json-fields.ts';

export type FeedFormat = 'nvd' | 'cve5' | 'kev' | 'jvn';

/**
 * How far a gzip feed may inflate. Real feeds shrink 5–20 times (NVD, KEV, JVN); deflate can
 * shrink a run of one byte 1,000 times, so a 1 MB file could become a gigabyte before the JSON
 * parser sees it. A feed may grow to `ratio` times its compressed size, never below `floorBytes`
 * (small files are cheap whatever they hold) nor above `ceilingBytes` — V8's longest string,
 * beyond which the text could not be parsed anyway.
 */
export const feedInflateLimits = { ratio: 100, floorBytes: 16 * 1024 * 1024, ceilingBytes: bufferConstants.MAX_STRING_LENGTH } as const;

/**
 * The most bytes a gzip feed of `compressedBytes` may inflate to (see feedInflateLimits).
 * @example maxInflatedFeedBytes(1_000_000) // 100_000_000
 */
export function maxInflatedFeedBytes(compressedBytes: number): number {
  const { ratio, floorBytes, ceilingBytes } = feedInflateLimits;
  return Math.min(ceilingBytes, Math.max(floorBytes, compressedBytes * ratio));
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * The file's text, gunzipped when it starts with the gzip magic bytes. Inflating stops at
 * maxInflatedFeedBytes (an IMPORT_INVALID error naming the file): a decompression bomb is
 * refused before it takes the memory.
 * @example readFeedText('nvdcve-2.0-2024.json.gz').startsWith('{') // true
 */
export function readFeedText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipFeed(bytes, file);
  if (bytes.length > feedInflateLimits.ceilingBytes) {
    throw new OpenNoticeError('IMPORT_INVALID', `too large to parse: ${megabytes(bytes.length)}, the limit is ${megabytes(feedInflateLimits.ceilingBytes)}`, {
      file,
      bytes: bytes.length,
    });
  }
  // A UTF-8 byte-order mark would make JSON.parse fail on an otherwise good file.
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function gunzipFeed(compressed: Buffer, file: string): Buffer {
  const limit = maxInflatedFeedBytes(compressed.length);
  try {
    return gunzipSync(compressed, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OpenNoticeError(
        'IMPORT_INVALID',
        `gzip data inflates past ${megabytes(limit)} (a feed may grow ${feedInflateLimits.ratio} times its ${compressed.length} compressed bytes, to at least ${megabytes(feedInflateLimits.floorBytes)}): refused as a likely decompression bomb`,
        { file, compressedBytes: compressed.length, limitBytes: limit },
        { cause: error },
      );
    }
    throw new OpenNoticeError('IMPORT_INVALID', `corrupt gzip data: ${(error as Error).message}`, { file }, { cause: error });
  }
}

/**
 * JSON.parse with the error located as file:line:column.
 * @example parseJsonText('{"a":', 'x.json') // throws IMPORT_INVALID x.json:1:6
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const context: Record<string, unknown> = { file };
    // A truncated file ("Unexpected end of JSON input") fails at its very end.
    const offset = position ? Number(position[1]) : /end of JSON input/i.test(message) ? text.length : undefined;
    if (offset !== undefined) {
      const before = text.slice(0, offset);
      const lines = before.split('\n');
      context.line = lines.length;
      context.column = lines[lines.length - 1].length + 1;
    }
    throw new OpenNoticeError('IMPORT_INVALID', `malformed JSON: ${message}`, context, { cause: error });
  }
}

/**
 * Which feed a parsed document is, from its content; undefined when unknown.
 * @example sniffFormat({ format: 'NVD_CVE', vulnerabilities: [] }) // 'nvd'
 */
export function sniffFormat(document: unknown, text: string): FeedFormat | undefined {
  if (document === undefined) return /^\s*</.test(text) && /jvn|vuldef|myjvn/i.test(text.slice(0, 4000)) ? 'jvn' : undefined;
  if (Array.isArray(document)) return document.length > 0 && isObject(document[0]) && isObject(document[0].cveMetadata) ? 'cve5' : undefined;
  if (!isObject(document)) return undefined;
  if (
    document.format === 'NVD_CVE' ||
    (Array.isArray(document.vulnerabilities) && isObject(document.vulnerabilities[0]) && isObject(document.vulnerabilities[0].cve))
  )
    return 'nvd';
  if (document.catalogVersion !== undefined && Array.isArray(document.vulnerabilities)) return 'kev';
  if (document.dataType === 'CVE_RECORD' || isObject(document.cveMetadata)) return 'cve5';
  if (isObject(document.document) && typeof document.$schema === 'string' && /myjvn/i.test(document.$schema)) return 'jvn';
  if (typeof document.$schema === 'string' && /myjvn|jvn/i.test(document.$schema)) return 'jvn';
  if (Array.isArray(document.vulnerabilities) && document.vulnerabilities.length === 0) return 'nvd';
  return undefined;
}
