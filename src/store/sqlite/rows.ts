/**
 * Turning SQLite rows into the store's row types: NULL columns become absent
 * properties (so JSON output stays clean) and JSON text columns become values.
 */
import type { SQLOutputValue } from 'node:sqlite';
import type { Attribution, NotifiableFinding } from '../../core/records.ts';

export type SqlRow = Record<string, SQLOutputValue>;

/**
 * Drops NULL columns and parses the named JSON columns.
 * @example toRecord({ ip: '192.0.2.1', model: null, evidence: '{}' }, ['evidence']) // { ip: '192.0.2.1', evidence: {} }
 */
export function toRecord<T>(row: SqlRow, jsonColumns: readonly string[] = []): T {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null) continue;
    record[key] = jsonColumns.includes(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return record as T;
}

/**
 * Orders addresses the way people read them (192.0.2.9 before 192.0.2.10, 2001:db8::9 before
 * 2001:db8::1a): IPv4 first, then IPv6, each numerically; text order for anything else.
 * @example ['192.0.2.10', '192.0.2.9'].sort(compareAddresses) // ['192.0.2.9', '192.0.2.10']
 * @example ['2001:db8::1a', '2001:db8::9'].sort(compareAddresses) // ['2001:db8::9', '2001:db8::1a']
 */
export function compareAddresses(a: string, b: string): number {
  const left = ipv4Number(a);
  const right = ipv4Number(b);
  if (left !== undefined && right !== undefined) return left - right;
  if (left !== undefined) return -1;
  if (right !== undefined) return 1;
  const left6 = ipv6Groups(a);
  const right6 = ipv6Groups(b);
  if (left6 && right6) {
    for (let index = 0; index < 8; index++) if (left6[index] !== right6[index]) return left6[index]! - right6[index]!;
    return 0;
  }
  if (left6) return -1;
  if (right6) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The eight groups of an IPv6 address as stored (canonical text: hex groups, one "::"), or
 * undefined. Local, not scope/'s parser: the store imports only core/ and store/.
 */
function ipv6Groups(ip: string): number[] | undefined {
  const halves = ip.split('::');
  if (halves.length > 2 || !/^[0-9a-f:]+$/i.test(ip)) return undefined;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16) : Number.NaN)));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 2 ? missing < 1 : missing !== 0) || [...head, ...tail].some(Number.isNaN)) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

function ipv4Number(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!Number.isInteger(octet) || octet < 0 || octet > 255 || part === '') return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * Rows sorted (in place) by address, then port, then protocol: the order tables and reports use.
 * @example byAddressAndPort([{ ip: '192.0.2.10', port: 23 }, { ip: '192.0.2.9', port: 80 }]) // 192.0.2.9 first
 */
export function byAddressAndPort<T extends { ip: string; port?: number; protocol?: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => compareAddresses(a.ip, b.ip) || (a.port ?? 0) - (b.port ?? 0) || (a.protocol ?? '').localeCompare(b.protocol ?? ''));
}

/**
 * A finding joined with its attribution row (the `a.` columns selected as prefix, asn, asName,
 * country, ispId, ispName, source, abuseEmail, unattributedReason), split into the finding and
 * its `attribution`. No attribution row (source NULL) reads as source 'none'.
 * @example const finding = notifiableFindingOf(row) // { id, kind, ip, …, attribution: { source: 'registry', ispId: 'sakura', … } }
 */
export function notifiableFindingOf<T extends NotifiableFinding = NotifiableFinding>(row: SqlRow): T & { attributed: boolean } {
  const { prefix, asn, asName, country, ispId, ispName, integratorId, integratorName, source, abuseEmail, unattributedReason, ...finding } = toRecord<
    Record<string, unknown>
  >(row, ['evidence']);
  const attribution = toRecord<Attribution>({
    prefix,
    asn,
    asName,
    country,
    ispId,
    ispName,
    integratorId,
    integratorName,
    abuseEmail,
    unattributedReason,
    source: source ?? 'none',
  } as unknown as SqlRow);
  return { ...finding, attribution, attributed: source !== undefined } as unknown as T & { attributed: boolean };
}
