/**
 * Attacker addresses from log text: canonical form (so the same host always gets the same
 * key, and joins with survey and darknet records) and a sort key.
 */
import { formatIPv4, parseIPv4 } from '../../scope/ipv4.ts';
import { parseIPv6 } from '../../scope/ipv6.ts';
import { formatIPv6 } from '../capture/address.ts';

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * The canonical text of an IPv4 or IPv6 address, or undefined when `text` is neither.
 * IPv4-mapped IPv6 ("::ffff:192.0.2.7", what a dual-stack Cowrie listener logs) becomes
 * the plain IPv4 address, because that is the host the rest of the system knows.
 * @example canonicalAddress('::FFFF:192.0.2.7') // '192.0.2.7'
 */
export function canonicalAddress(text: string): string | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return formatIPv4(v4);
  if (!text.includes(':') || text.length > 45) return undefined;
  const v6 = parseIPv6(text);
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === IPV4_MAPPED_PREFIX >> 32n) return formatIPv4(Number(v6 & 0xffffffffn));
  const bytes = new Uint8Array(16);
  for (let index = 15, rest = v6; index >= 0; index--, rest >>= 8n) bytes[index] = Number(rest & 0xffn);
  return formatIPv6(bytes, 0);
}

/**
 * A string that sorts addresses numerically, IPv4 before IPv6 (for canonical input).
 * @example addressSortKey('10.0.0.2') < addressSortKey('10.0.0.10') // true
 */
export function addressSortKey(canonical: string): string {
  const v4 = parseIPv4(canonical);
  if (v4 !== undefined) return `4${v4.toString(16).padStart(8, '0')}`;
  const v6 = parseIPv6(canonical);
  return v6 === undefined ? `9${canonical}` : `6${v6.toString(16).padStart(32, '0')}`;
}
