import { OpenNoticeError, quoted } from '../core/errors.ts';
import { formatIPv4, parseIPv4 } from './ipv4.ts';

/** An inclusive range of IPv4 addresses as integers. */
export interface AddressRange {
  first: number;
  last: number;
}

export interface Cidr {
  network: number;
  prefixLength: number;
}

/**
 * Parse "a.b.c.d/n" (or a bare address = /32). Host bits must be zero, so a typo
 * like 10.0.0.1/8 is caught rather than silently widened.
 * @example parseCidr('127.77.0.0/16') // { network: 2135752704, prefixLength: 16 }
 */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const [addressText, lengthText, extra] = trimmed.split('/');
  const network = parseIPv4(addressText ?? '');
  const prefixLength = lengthText === undefined ? 32 : Number(lengthText);
  if (network === undefined || extra !== undefined || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32 || lengthText === '') {
    throw new OpenNoticeError('SCOPE_INVALID', `not an IPv4 CIDR: ${quoted(text)} (expected e.g. 192.0.2.0/24)`);
  }
  const hostBits = 32 - prefixLength;
  const size = 2 ** hostBits;
  if (network % size !== 0) {
    const aligned = network - (network % size);
    throw new OpenNoticeError('SCOPE_INVALID', `${quoted(text)} has host bits set; did you mean ${formatIPv4(aligned)}/${prefixLength}?`);
  }
  return { network, prefixLength };
}

export function cidrToRange(cidr: Cidr): AddressRange {
  return { first: cidr.network, last: cidr.network + 2 ** (32 - cidr.prefixLength) - 1 };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.network)}/${cidr.prefixLength}`;
}

/**
 * An immutable set of IPv4 addresses kept as sorted, merged, disjoint ranges.
 * Set arithmetic is on ranges, so /8-sized scopes cost a handful of numbers.
 */
export class AddressSet {
  readonly ranges: readonly AddressRange[];
  /** Prefix sums of range sizes, for index → address in O(log n). */
  private readonly offsets: readonly number[];

  private constructor(ranges: AddressRange[]) {
    this.ranges = ranges;
    const offsets: number[] = [];
    let total = 0;
    for (const range of ranges) {
      offsets.push(total);
      total += range.last - range.first + 1;
    }
    this.offsets = offsets;
    this.size = total;
  }

  readonly size: number;

  static empty(): AddressSet {
    return new AddressSet([]);
  }

  /** @example AddressSet.fromCidrs(['10.0.0.0/8', '192.0.2.7']) */
  static fromCidrs(cidrs: readonly string[]): AddressSet {
    return AddressSet.fromRanges(cidrs.map((text) => cidrToRange(parseCidr(text))));
  }

  static fromRanges(ranges: readonly AddressRange[]): AddressSet {
    const sorted = [...ranges].sort((a, b) => a.first - b.first);
    const merged: AddressRange[] = [];
    for (const range of sorted) {
      const previous = merged[merged.length - 1];
      if (previous && range.first <= previous.last + 1) previous.last = Math.max(previous.last, range.last);
      else merged.push({ first: range.first, last: range.last });
    }
    return new AddressSet(merged);
  }

  union(other: AddressSet): AddressSet {
    return AddressSet.fromRanges([...this.ranges, ...other.ranges]);
  }

  /** Addresses in this set and not in `other`. */
  subtract(other: AddressSet): AddressSet {
    const result: AddressRange[] = [];
    let cutIndex = 0;
    for (const range of this.ranges) {
      let first = range.first;
      while (cutIndex < other.ranges.length && other.ranges[cutIndex]!.last < first) cutIndex++;
      let index = cutIndex;
      while (first <= range.last) {
        const cut = other.ranges[index];
        if (!cut || cut.first > range.last) {
          result.push({ first, last: range.last });
          break;
        }
        if (cut.first > first) result.push({ first, last: cut.first - 1 });
        first = Math.max(first, cut.last + 1);
        index++;
      }
    }
    return new AddressSet(result);
  }

  intersect(other: AddressSet): AddressSet {
    const full = AddressSet.fromRanges([{ first: 0, last: 0xffffffff }]);
    return this.subtract(full.subtract(other));
  }

  has(address: number): boolean {
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
  addressAt(index: number): number {
    let low = 0;
    let high = this.offsets.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.offsets[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return this.ranges[low]!.first + (index - this.offsets[low]!);
  }

  /** Every range as minimal CIDR blocks, for display and storage. */
  toCidrs(): string[] {
    const blocks: string[] = [];
    for (const range of this.ranges) {
      let start = range.first;
      while (start <= range.last) {
        let length = 32;
        while (length > 0) {
          const size = 2 ** (33 - length);
          if (start % size !== 0 || start + size - 1 > range.last) break;
          length--;
        }
        blocks.push(formatCidr({ network: start, prefixLength: length }));
        start += 2 ** (32 - length);
      }
    }
    return blocks;
  }
}
