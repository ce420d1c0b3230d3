/**
 * IPv6 CIDRs and sets of IPv6 addresses, as 128-bit integers (BigInt). The IPv4 set
 * (cidr.ts) is built on doubles for speed; IPv6 scopes are few, short lists of prefixes, so
 * exact BigInt arithmetic costs nothing that matters. A set is never enumerated whole: an
 * IPv6 scope is surveyed through address lists (scope/hit-list.ts), and `addressAt` serves
 * only the small prefixes a survey may still sweep.
 */
import { OpenNoticeError, quoted } from '../core/errors.ts';
import { formatIPv6, parseIPv6 } from './ipv6.ts';

/** An inclusive range of IPv6 addresses. */
export interface IPv6Range {
  first: bigint;
  last: bigint;
}

export interface IPv6Cidr {
  network: bigint;
  prefixLength: number;
}

const allOnes = (1n << 128n) - 1n;

/**
 * Parse "2001:db8::/32" (or a bare address = /128). Host bits must be zero, as for IPv4, so a
 * typo that would silently widen a scope is caught.
 * @example parseIPv6Cidr('2001:db8:6::/64') // { network: 0x20010db8000600000000000000000000n, prefixLength: 64 }
 */
export function parseIPv6Cidr(text: string): IPv6Cidr {
  const trimmed = text.trim();
  const [addressText, lengthText, extra] = trimmed.split('/');
  const network = addressText?.includes(':') ? parseIPv6(addressText) : undefined;
  const prefixLength = lengthText === undefined ? 128 : /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : Number.NaN;
  if (network === undefined || extra !== undefined || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 128) {
    throw new OpenNoticeError('SCOPE_INVALID', `not an IPv6 CIDR: ${quoted(text)} (expected e.g. 2001:db8::/32)`);
  }
  const hostMask = allOnes >> BigInt(prefixLength);
  if ((network & hostMask) !== 0n) {
    throw new OpenNoticeError('SCOPE_INVALID', `${quoted(text)} has host bits set; did you mean ${formatIPv6(network & ~hostMask & allOnes)}/${prefixLength}?`);
  }
  return { network, prefixLength };
}

/** @example formatIPv6Cidr({ network: 1n, prefixLength: 128 }) // '::1/128' */
export function formatIPv6Cidr(cidr: IPv6Cidr): string {
  return `${formatIPv6(cidr.network)}/${cidr.prefixLength}`;
}

/** @example ipv6CidrToRange(parseIPv6Cidr('::/127')) // { first: 0n, last: 1n } */
export function ipv6CidrToRange(cidr: IPv6Cidr): IPv6Range {
  return { first: cidr.network, last: cidr.network | (allOnes >> BigInt(cidr.prefixLength)) };
}

/**
 * An immutable set of IPv6 addresses as sorted, merged, disjoint ranges (the IPv6 twin of
 * `AddressSet`). Sizes are BigInt: a /64 has 2^64 addresses.
 */
export class IPv6Set {
  readonly ranges: readonly IPv6Range[];
  readonly size: bigint;

  private constructor(ranges: IPv6Range[]) {
    this.ranges = ranges;
    this.size = ranges.reduce((total, range) => total + (range.last - range.first + 1n), 0n);
  }

  static empty(): IPv6Set {
    return new IPv6Set([]);
  }

  /** @example IPv6Set.fromCidrs(['2001:db8::/32', '::1']) */
  static fromCidrs(cidrs: readonly string[]): IPv6Set {
    return IPv6Set.fromRanges(cidrs.map((text) => ipv6CidrToRange(parseIPv6Cidr(text))));
  }

  static fromRanges(ranges: readonly IPv6Range[]): IPv6Set {
    const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const merged: IPv6Range[] = [];
    for (const range of sorted) {
      const previous = merged[merged.length - 1];
      if (previous && range.first <= previous.last + 1n) previous.last = previous.last > range.last ? previous.last : range.last;
      else merged.push({ first: range.first, last: range.last });
    }
    return new IPv6Set(merged);
  }

  union(other: IPv6Set): IPv6Set {
    return IPv6Set.fromRanges([...this.ranges, ...other.ranges]);
  }

  /** Addresses in this set and not in `other`. */
  subtract(other: IPv6Set): IPv6Set {
    const result: IPv6Range[] = [];
    // Both lists are sorted: one pass, the cut cursor never moves back.
    let cutIndex = 0;
    for (const range of this.ranges) {
      while (cutIndex < other.ranges.length && other.ranges[cutIndex]!.last < range.first) cutIndex++;
      let first = range.first;
      for (let index = cutIndex; index < other.ranges.length && first <= range.last; index++) {
        const cut = other.ranges[index]!;
        if (cut.first > range.last) break;
        if (cut.first > first) result.push({ first, last: cut.first - 1n });
        if (cut.last + 1n > first) first = cut.last + 1n;
      }
      if (first <= range.last) result.push({ first, last: range.last });
    }
    return new IPv6Set(result);
  }

  has(address: bigint): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const range = this.ranges[middle]!;
      if (address < range.first) high = middle - 1;
      else if (address > range.last) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** The index-th address in ascending order (0 ≤ index < size). */
  addressAt(index: bigint): bigint {
    let rest = index;
    for (const range of this.ranges) {
      const size = range.last - range.first + 1n;
      if (rest < size) return range.first + rest;
      rest -= size;
    }
    throw new RangeError(`index ${index} outside a set of ${this.size} addresses`);
  }

  /** Every range as minimal CIDR blocks, for display and storage. */
  toCidrs(): string[] {
    const blocks: string[] = [];
    for (const range of this.ranges) {
      let start = range.first;
      while (start <= range.last) {
        let length = 128;
        while (length > 0) {
          const size = 1n << BigInt(129 - length);
          if (start % size !== 0n || start + size - 1n > range.last) break;
          length--;
        }
        blocks.push(formatIPv6Cidr({ network: start, prefixLength: length }));
        start += 1n << BigInt(128 - length);
      }
    }
    return blocks;
  }
}
