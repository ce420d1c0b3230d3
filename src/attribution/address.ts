/**
 * Address arithmetic for attribution. IPv4 is an unsigned 32-bit number; IPv6 is either
 * four unsigned 32-bit words (the lookup path: no BigInt, no allocation) or a BigInt (the
 * build path, where exact 128-bit arithmetic matters more than speed).
 */
import { formatIPv4, parseIPv4 } from '../scope/ipv4.ts';
import { formatIPv6, parseIPv6 } from '../scope/ipv6.ts';

export { formatIPv4, formatIPv6, parseIPv4, parseIPv6 };

/** An inclusive address range with its family; IPv4 ends are numbers, IPv6 ends BigInts. */
export type ParsedRange = { family: 4; first: number; last: number } | { family: 6; first: bigint; last: bigint };

/** A CIDR prefix; `hostBitsSet` tells a typo (192.0.2.1/24) from a network address. */
export type ParsedPrefix = ParsedRange & { length: number; hostBitsSet: boolean };

const maxIPv6 = (1n << 128n) - 1n;
const hexGroup = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parse IPv6 text into four 32-bit words (most significant first) without BigInt, so a
 * lookup allocates nothing. Returns false when the text is not an IPv6 address.
 * Accepts the same forms as parseIPv6 ("::", embedded IPv4 in the last 32 bits).
 * @example const words = new Uint32Array(4); parseIPv6Words('2001:db8::1', words) // true; words[0] === 0x20010db8
 */
export function parseIPv6Words(text: string, words: Uint32Array): boolean {
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return false;
  const groups = [0, 0, 0, 0, 0, 0, 0, 0];
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : text.slice(doubleColon + 2);
  const headGroups = readGroups(head);
  const tailGroups = readGroups(tail);
  if (!headGroups || !tailGroups) return false;
  const missing = 8 - headGroups.length - tailGroups.length;
  if (doubleColon === -1 ? missing !== 0 : missing < 1) return false;
  for (let index = 0; index < headGroups.length; index++) groups[index] = headGroups[index]!;
  for (let index = 0; index < tailGroups.length; index++) groups[8 - tailGroups.length + index] = tailGroups[index]!;
  for (let word = 0; word < 4; word++) words[word] = ((groups[word * 2]! << 16) | groups[word * 2 + 1]!) >>> 0;
  return true;
}

/** The 16-bit groups of one side of "::"; an embedded dotted quad counts as two groups. */
function readGroups(part: string): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let index = 0; index < pieces.length; index++) {
    const piece = pieces[index]!;
    if (index === pieces.length - 1 && piece.includes('.')) {
      const quad = parseIPv4(piece);
      if (quad === undefined) return undefined;
      groups.push(quad >>> 16, quad & 0xffff);
    } else if (hexGroup.test(piece)) groups.push(parseInt(piece, 16));
    else return undefined;
  }
  return groups;
}

/** @example ipv6WordsToBigInt(Uint32Array.of(0x20010db8, 0, 0, 1)) // 0x20010db8000000000000000000000001n */
export function ipv6WordsToBigInt(words: ArrayLike<number>): bigint {
  return (BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!);
}

/** Write a 128-bit value into `words` at `offset` (4 words, most significant first). */
export function bigIntToIPv6Words(value: bigint, words: Uint32Array, offset = 0): void {
  words[offset] = Number((value >> 96n) & 0xffffffffn);
  words[offset + 1] = Number((value >> 64n) & 0xffffffffn);
  words[offset + 2] = Number((value >> 32n) & 0xffffffffn);
  words[offset + 3] = Number(value & 0xffffffffn);
}

/**
 * Parse "a.b.c.d/n" or "v6::/n" (a bare address is a host prefix). Host bits are
 * cleared in the result and reported in `hostBitsSet`, so callers choose to refuse or accept.
 * @example parsePrefix('2001:db8::/32') // { family: 6, first: 0x20010db8n << 96n, last: …, length: 32, hostBitsSet: false }
 */
export function parsePrefix(text: string): ParsedPrefix | undefined {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const lengthText = slash === -1 ? undefined : text.slice(slash + 1);
  if (lengthText !== undefined && !/^\d{1,3}$/.test(lengthText)) return undefined;
  const v4 = parseIPv4(addressText);
  if (v4 !== undefined) {
    const length = lengthText === undefined ? 32 : Number(lengthText);
    if (length > 32) return undefined;
    const size = 2 ** (32 - length);
    const first = v4 - (v4 % size);
    return { family: 4, first, last: first + size - 1, length, hostBitsSet: first !== v4 };
  }
  const v6 = addressText.includes(':') ? parseIPv6(addressText) : undefined;
  if (v6 === undefined) return undefined;
  const length = lengthText === undefined ? 128 : Number(lengthText);
  if (length > 128) return undefined;
  const hostMask = (1n << BigInt(128 - length)) - 1n;
  const first = v6 & ~hostMask & maxIPv6;
  return { family: 6, first, last: first | hostMask, length, hostBitsSet: first !== v6 };
}

/** Parse either family's address into a one-address range; undefined when malformed. */
export function parseAddress(text: string): ParsedRange | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, first: v4, last: v4 };
  const v6 = text.includes(':') ? parseIPv6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, first: v6, last: v6 };
}

/**
 * The widest CIDR block that contains `address` and lies inside [first, last]: the block
 * of the range's CIDR decomposition that holds the address. For a range that is itself a
 * prefix this is that prefix; for a range like 1.0.0.0–1.0.2.255 it is 1.0.0.0/23 or 1.0.2.0/24.
 * @example blockWithinIPv4(0x01000201, 0x01000000, 0x010002ff) // '1.0.2.0/24'
 */
export function blockWithinIPv4(address: number, first: number, last: number): string {
  for (let length = 0; length <= 32; length++) {
    const size = 2 ** (32 - length);
    const start = address - (address % size);
    if (start >= first && start + size - 1 <= last) return `${formatIPv4(start)}/${length}`;
  }
  return `${formatIPv4(address)}/32`;
}

/** The IPv6 counterpart of blockWithinIPv4. */
export function blockWithinIPv6(address: bigint, first: bigint, last: bigint): string {
  for (let length = 0; length <= 128; length++) {
    const hostMask = (1n << BigInt(128 - length)) - 1n;
    const start = address & ~hostMask & maxIPv6;
    if (start >= first && (start | hostMask) <= last) return `${formatIPv6(start)}/${length}`;
  }
  return `${formatIPv6(address)}/128`;
}
