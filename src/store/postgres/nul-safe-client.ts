/**
 * PostgreSQL's text types cannot hold U+0000: one string with a NUL in a statement's
 * parameters makes PostgreSQL refuse the statement ("invalid byte sequence for encoding UTF8:
 * 0x00"), and with it a whole batch of services or devices. Devices put NULs anywhere (a
 * banner, a firmware version a rule captured, an error quoting the peer), and JSON text with
 * an escaped NUL (`\u0000`) is refused where a query casts it to jsonb. So every parameter the
 * store sends goes through here: a NUL, raw or JSON-escaped, becomes U+FFFD, the replacement
 * character. The SQLite store keeps NULs as they are.
 */
import pg from 'pg';

const rawNul = '\u0000';
const escapedNul = '\\u0000';
/** `\u0000` as a JSON escape: preceded by an even number of backslashes (else the backslash itself is escaped). */
const escapedNulPattern = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * The text PostgreSQL can hold: NULs (raw or JSON-escaped) replaced by U+FFFD.
 * @example textWithoutNul('Ac\u0000me') // 'Ac\uFFFDme'
 */
export function textWithoutNul(text: string): string {
  let safe = text;
  if (safe.includes(rawNul)) safe = safe.replaceAll(rawNul, '\uFFFD');
  if (safe.includes(escapedNul)) safe = safe.replace(escapedNulPattern, '$1\\ufffd');
  return safe;
}

function parameterWithoutNul(value: unknown): unknown {
  if (typeof value === 'string') return textWithoutNul(value);
  if (Array.isArray(value)) return value.map(parameterWithoutNul);
  return value;
}

const isPlainQueryConfig = (value: unknown): value is { values?: unknown[] } =>
  typeof value === 'object' && value !== null && typeof (value as { submit?: unknown }).submit !== 'function';

/**
 * A pg client whose every query's parameters are made NUL-free (the pool is given this class).
 * @example new pg.Pool({ connectionString: url, Client: NulSafeClient })
 */
export class NulSafeClient extends pg.Client {
  // node-postgres's query has many overloads; every one carries its parameters either as the
  // second argument or as the `values` of a config object.
  // biome-ignore lint/suspicious/noExplicitAny: forwards node-postgres's overloaded signature unchanged
  override query(...args: any[]): any {
    const [first, second] = args;
    if (Array.isArray(second)) args[1] = second.map(parameterWithoutNul);
    else if (isPlainQueryConfig(first) && Array.isArray(first.values)) args[0] = { ...first, values: first.values.map(parameterWithoutNul) };
    // biome-ignore lint/suspicious/noExplicitAny: see above
    return (super.query as (...forwarded: any[]) => any)(...args);
  }
}
