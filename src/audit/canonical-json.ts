/**
 * Canonical JSON: one text for one value, so a record hashes the same wherever it is written
 * or read back (the store, an export file, another verifier). Object keys are sorted by code
 * unit, no whitespace, undefined properties left out — the shape of RFC 8785 (JCS) for the
 * values the audit trail holds (strings, integers, booleans, null, arrays, plain objects).
 */
import { OpenNoticeError } from '../core/errors.ts';

/** A value canonical JSON can write. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/**
 * @example canonicalJson({ b: 1, a: [true, 'x'] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    // NaN and Infinity have no JSON form; a record holding one is a programming error.
    if (!Number.isFinite(value)) throw new OpenNoticeError('INTERNAL', `canonical JSON cannot hold ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: JsonValue) => canonicalJson(item)).join(',')}]`;
  const object = value as { readonly [key: string]: JsonValue | undefined };
  const members = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as JsonValue)}`);
  return `{${members.join(',')}}`;
}
