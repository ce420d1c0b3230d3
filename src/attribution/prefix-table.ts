/**
 * The prefix table: which routed prefix, origin AS and AS name hold an address. Built once
 * from any mix of prefixes and (not necessarily CIDR-aligned) ranges, then read-only.
 * Longest-prefix match: where ranges overlap, the narrowest wins; between equally wide
 * ones, the one added last (see flatten-ranges.ts).
 */
import { OpenNoticeError } from '../core/errors.ts';
import { bigIntToIPv6Words, blockWithinIPv4, blockWithinIPv6, ipv6WordsToBigInt, parseAddress, parseIPv4, parseIPv6Words, parsePrefix } from './address.ts';
import { createRangeIndexBuilder, type RangeIndex } from './range-index.ts';

/** What the routing data says about a network. Objects are shared between ranges: treat as read-only. */
export interface RouteInfo {
  /** Origin AS; for a multi-origin prefix the first listed (see `origins`). */
  asn: number;
  asName?: string;
  /** ISO 3166 alpha-2 code when the source gives one. */
  country?: string;
  /** Every origin AS when the data lists more than one (MOAS or AS-set), `asn` first. */
  origins?: readonly number[];
}

export interface PrefixMatch {
  /** The matched range as CIDR; for an unaligned range, the block of it that holds the address. */
  prefix: string;
  route: RouteInfo;
}

export type PrefixTableEntry = RouteInfo & ({ prefix: string } | { first: string; last: string });

export interface PrefixTable {
  /** Longest match for an address in text (IPv4 or IPv6); undefined when nothing covers it or the text is not an address. */
  lookup(address: string): PrefixMatch | undefined;
  /** Fast path: the route for an IPv4 address given as an unsigned 32-bit number. Allocates nothing. */
  lookupIPv4(address: number): RouteInfo | undefined;
  /** Fast path for IPv6 given as four 32-bit words. */
  lookupIPv6Words(words: ArrayLike<number>): RouteInfo | undefined;
  readonly stats: PrefixTableStats;
}

export interface PrefixTableStats {
  /** Ranges added (IPv4 + IPv6). */
  ranges: number;
  ipv4Segments: number;
  ipv6Segments: number;
  /** Bytes in the lookup index's typed arrays (the route objects and range ends come on top). */
  indexBytes: number;
}

export interface PrefixTableBuilder {
  /** Add "a.b.c.d/n" or "v6::/n"; false when the text is not a prefix or has host bits set. */
  addPrefix(prefix: string, route: RouteInfo): boolean;
  /** Add an inclusive range in text; false when malformed, mixed families or first > last. */
  addRange(first: string, last: string, route: RouteInfo): boolean;
  addIPv4Range(first: number, last: number, route: RouteInfo): void;
  addIPv6Range(first: bigint, last: bigint, route: RouteInfo): void;
  /** Ranges added so far. */
  readonly size: number;
  /** Build the table, once: the builder hands its memory over and is empty afterwards. */
  build(): PrefixTable;
}

/**
 * @example
 * const builder = createPrefixTableBuilder();
 * builder.addPrefix('203.0.113.0/24', { asn: 64500, asName: 'Example Net' });
 * builder.build().lookup('203.0.113.9') // { prefix: '203.0.113.0/24', route: { asn: 64500, … } }
 */
export function createPrefixTableBuilder(): PrefixTableBuilder {
  const index = createRangeIndexBuilder();
  // Range ends are kept to name the matched prefix; routes by range id within the family.
  const first4: number[] = [];
  const last4: number[] = [];
  const routes4: RouteInfo[] = [];
  const first6: bigint[] = [];
  const last6: bigint[] = [];
  const routes6: RouteInfo[] = [];

  const addIPv4Range = (first: number, last: number, route: RouteInfo) => {
    index.addIPv4(first, last, routes4.length);
    first4.push(first);
    last4.push(last);
    routes4.push(route);
  };
  const addIPv6Range = (first: bigint, last: bigint, route: RouteInfo) => {
    index.addIPv6(first, last, routes6.length);
    first6.push(first);
    last6.push(last);
    routes6.push(route);
  };

  return {
    addPrefix(text, route) {
      const prefix = parsePrefix(text);
      if (!prefix || prefix.hostBitsSet) return false;
      if (prefix.family === 4) addIPv4Range(prefix.first, prefix.last, route);
      else addIPv6Range(prefix.first, prefix.last, route);
      return true;
    },
    addRange(firstText, lastText, route) {
      const first = parseAddress(firstText);
      const last = parseAddress(lastText);
      if (!first || !last || first.family !== last.family || first.first > last.first) return false;
      if (first.family === 4) addIPv4Range(first.first, last.first as number, route);
      else addIPv6Range(first.first, last.first as bigint, route);
      return true;
    },
    addIPv4Range,
    addIPv6Range,
    get size() {
      return routes4.length + routes6.length;
    },
    build() {
      const { routeList, routeNumbers4, routeNumbers6 } = numberRoutes(routes4, routes6);
      const built = index.build((rangeId) => routeNumbers4[rangeId]!);
      const ends6 = new Uint32Array(first6.length * 8);
      first6.forEach((first, id) => {
        bigIntToIPv6Words(first, ends6, id * 8);
        bigIntToIPv6Words(last6[id]!, ends6, id * 8 + 4);
      });
      const table = tableFrom({ built, routeList, routeNumbers4, routeNumbers6, first4: Uint32Array.from(first4), last4: Uint32Array.from(last4), ends6 });
      // The builder's lists are not needed any more; a table of 700,000 ranges would keep them alive otherwise.
      for (const list of [first4, last4, routes4, first6, last6, routes6]) list.length = 0;
      return table;
    },
  };
}

/**
 * Number the distinct routes, in one list of fresh copies made one after the other: they sit
 * together in memory instead of scattered among the load's garbage, so random lookups touch
 * fewer cache lines. Each range keeps only its route's number.
 */
function numberRoutes(routes4: readonly RouteInfo[], routes6: readonly RouteInfo[]) {
  const routeList: RouteInfo[] = [];
  const numbers = new Map<RouteInfo, number>();
  const numberOf = (route: RouteInfo) => {
    let number = numbers.get(route);
    if (number === undefined) {
      number = routeList.push(Object.freeze({ ...route })) - 1;
      numbers.set(route, number);
    }
    return number;
  };
  return { routeList, routeNumbers4: Uint32Array.from(routes4, numberOf), routeNumbers6: Uint32Array.from(routes6, numberOf) };
}

interface TableParts {
  built: RangeIndex;
  routeList: readonly RouteInfo[];
  routeNumbers4: Uint32Array;
  routeNumbers6: Uint32Array;
  first4: Uint32Array;
  last4: Uint32Array;
  /** Per IPv6 range: first then last, four words each. */
  ends6: Uint32Array;
}

/** The read-only table over compact parts (a function of its own, so its closures hold nothing else). */
function tableFrom(parts: TableParts): PrefixTable {
  const { built, routeList, routeNumbers4, routeNumbers6, first4, last4, ends6 } = parts;
  const words = new Uint32Array(4);
  // The CIDR text of a range that is one prefix is the same for all its addresses: made once, on first use.
  const alignedPrefix4 = new Array<string | undefined>(first4.length); // pre-sized: stays a fast array
  const prefixOf4 = (address: number, id: number): string => {
    const cached = alignedPrefix4[id];
    if (cached !== undefined) return cached;
    const first = first4[id]!;
    const size = last4[id]! - first + 1;
    const text = blockWithinIPv4(address, first, last4[id]!);
    if (Number.isInteger(Math.log2(size)) && first % size === 0) alignedPrefix4[id] = text;
    return text;
  };
  const prefixOf6 = (id: number): string =>
    blockWithinIPv6(ipv6WordsToBigInt(words), ipv6WordsToBigInt(ends6.subarray(id * 8, id * 8 + 4)), ipv6WordsToBigInt(ends6.subarray(id * 8 + 4, id * 8 + 8)));
  return {
    lookup(address) {
      const v4 = parseIPv4(address);
      if (v4 !== undefined) {
        const id = built.lookupIPv4(v4);
        return id < 0 ? undefined : { prefix: prefixOf4(v4, id), route: routeList[routeNumbers4[id]!]! };
      }
      if (!address.includes(':') || !parseIPv6Words(address, words)) return undefined;
      const id = built.lookupIPv6(words);
      return id < 0 ? undefined : { prefix: prefixOf6(id), route: routeList[routeNumbers6[id]!]! };
    },
    lookupIPv4(address) {
      const number = built.lookupIPv4Payload(address);
      return number < 0 ? undefined : routeList[number];
    },
    lookupIPv6Words(value) {
      const id = built.lookupIPv6(value);
      return id < 0 ? undefined : routeList[routeNumbers6[id]!];
    },
    stats: {
      ranges: first4.length + routeNumbers6.length,
      ipv4Segments: built.ipv4Segments,
      ipv6Segments: built.ipv6Segments,
      indexBytes: built.byteLength,
    },
  };
}

/**
 * Build a table from a list of entries in one call; a malformed entry is an IMPORT_INVALID error.
 * @example createPrefixTable([{ prefix: '10.0.0.0/8', asn: 64500 }, { first: '10.1.0.0', last: '10.1.2.255', asn: 64501 }])
 */
export function createPrefixTable(entries: Iterable<PrefixTableEntry>): PrefixTable {
  const builder = createPrefixTableBuilder();
  for (const entry of entries) {
    const route: RouteInfo = { asn: entry.asn, asName: entry.asName, country: entry.country, origins: entry.origins };
    const added = 'prefix' in entry ? builder.addPrefix(entry.prefix, route) : builder.addRange(entry.first, entry.last, route);
    if (!added) {
      const shown = 'prefix' in entry ? entry.prefix : `${entry.first}-${entry.last}`;
      throw new OpenNoticeError('IMPORT_INVALID', `not a prefix or address range: "${shown}"`, { prefix: shown });
    }
  }
  return builder.build();
}
