/**
 * The lookup structure under the prefix table and the ISP registry: address → small integer
 * (−1 for none), with longest-prefix-match semantics decided once at build time.
 *
 * IPv4: the flattened segments (start, value, payload) in one Uint32Array plus a first-level
 * index on the top 16 bits, so a lookup is one array read and a binary search over the few
 * segments of one /16 — a handful of comparisons, no allocation. A /16 inside one segment
 * is answered from the first level alone (see direct4).
 * IPv6: the same with each start stored as four 32-bit words (no BigInt at lookup time) and
 * the first-level index on the top 16 bits of the first word.
 */
import { bigintArithmetic, flattenRanges, numberArithmetic, type FlatSegments, type PendingRange } from './flatten-ranges.ts';
import { bigIntToIPv6Words } from './address.ts';

export interface RangeIndex {
  /** The value of the narrowest range holding `address` (an unsigned 32-bit number), or −1. */
  lookupIPv4(address: number): number;
  /** `payloadOf(value)` for that range, stored beside it at build time, or −1: one memory access less than mapping the value afterwards. */
  lookupIPv4Payload(address: number): number;
  /** The same for IPv6, the address given as four 32-bit words, most significant first. */
  lookupIPv6(words: ArrayLike<number>): number;
  readonly ipv4Segments: number;
  readonly ipv6Segments: number;
  /** Bytes held by the index's typed arrays. */
  readonly byteLength: number;
}

export interface RangeIndexBuilder {
  addIPv4(first: number, last: number, value: number): void;
  addIPv6(first: bigint, last: bigint, value: number): void;
  /** `payloadOf` maps a value to a second small integer kept in the IPv4 segments (default: the value). */
  build(payloadOf?: (value: number) => number): RangeIndex;
}

const bucketCount = 65536;
const stride4 = 3;

/**
 * @example
 * const builder = createRangeIndexBuilder();
 * builder.addIPv4(0x0a000000, 0x0affffff, 7); // 10.0.0.0/8 → 7
 * builder.build().lookupIPv4(0x0a010203) // 7
 */
export function createRangeIndexBuilder(): RangeIndexBuilder {
  const ipv4: PendingRange<number>[] = [];
  const ipv6: PendingRange<bigint>[] = [];
  let order = 0;
  return {
    addIPv4(first, last, value) {
      ipv4.push({ first, last, value, order: order++ });
    },
    addIPv6(first, last, value) {
      ipv6.push({ first, last, value, order: order++ });
    },
    build(payloadOf = (value: number) => value) {
      const index = createRangeIndex(ipv4Parts(flattenRanges(ipv4, numberArithmetic), payloadOf), ipv6Parts(flattenRanges(ipv6, bigintArithmetic)));
      // The pending ranges are garbage now; don't let the builder keep them.
      ipv4.length = 0;
      ipv6.length = 0;
      return index;
    },
  };
}

interface IPv4Parts {
  /** Per segment: start, value + 1, payload + 1 (0 = no range). */
  segments: Uint32Array;
  count: number;
  buckets: Uint32Array;
  /** Per /16: payload + 1 (0 = no range) when the whole /16 is one segment, −1 when a search is needed. */
  direct: Int32Array;
}

function ipv4Parts(flat: FlatSegments<number>, payloadOf: (value: number) => number): IPv4Parts {
  // Start, value and payload side by side: the answer is on the cache line the search ended on.
  const count = flat.starts.length;
  const segments = new Uint32Array(count * stride4);
  for (let index = 0; index < count; index++) {
    const value = flat.values[index]!;
    segments[index * stride4] = flat.starts[index]!;
    segments[index * stride4 + 1] = value + 1;
    segments[index * stride4 + 2] = value < 0 ? 0 : payloadOf(value) + 1;
  }
  const buckets = bucketIndex(count, (index, bucketStart) => segments[index * stride4]! <= bucketStart);
  // Most /16s (about 70% in the routing tables we load, unrouted space included) lie inside
  // one segment: a random lookup then ends after one read of a 256 KiB array that stays in cache.
  const direct = new Int32Array(bucketCount).fill(-1);
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const segment = buckets[bucket]!;
    const nextStart = segment + 1 < count ? segments[(segment + 1) * stride4]! : 2 ** 32;
    if (nextStart >= (bucket + 1) * 65536) direct[bucket] = segments[segment * stride4 + 2]!;
  }
  return { segments, count, buckets, direct };
}

interface IPv6Parts {
  /** Four words per segment start. */
  starts: Uint32Array;
  values: Int32Array;
  buckets: Uint32Array;
}

function ipv6Parts(flat: FlatSegments<bigint>): IPv6Parts {
  const starts = new Uint32Array(flat.starts.length * 4);
  flat.starts.forEach((start, index) => {
    bigIntToIPv6Words(start, starts, index * 4);
  });
  const values = Int32Array.from(flat.values);
  const buckets = bucketIndex(values.length, (index, bucketStart) => startAtOrBefore(starts, index * 4, bucketStart, 0, 0, 0));
  return { starts, values, buckets };
}

/** The lookups, over typed arrays only (a function of its own, so its closures hold nothing else). */
function createRangeIndex(v4: IPv4Parts, v6: IPv6Parts): RangeIndex {
  const { segments, buckets, direct } = v4;
  const segmentAt = (address: number): number => {
    const bucket = address >>> 16;
    let low = buckets[bucket]!;
    let high = buckets[bucket + 1]!;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (segments[middle * stride4]! <= address) low = middle;
      else high = middle - 1;
    }
    return low * stride4;
  };
  const { starts: starts6, values: values6, buckets: buckets6 } = v6;
  return {
    lookupIPv4: (address) => segments[segmentAt(address) + 1]! - 1,
    lookupIPv4Payload(address) {
      const answer = direct[address >>> 16]!;
      return answer >= 0 ? answer - 1 : segments[segmentAt(address) + 2]! - 1;
    },
    lookupIPv6(words) {
      const w0 = words[0]! >>> 0,
        w1 = words[1]! >>> 0,
        w2 = words[2]! >>> 0,
        w3 = words[3]! >>> 0;
      const bucket = w0 >>> 16;
      let low = buckets6[bucket]!;
      let high = buckets6[bucket + 1]!;
      while (low < high) {
        const middle = (low + high + 1) >>> 1;
        if (startAtOrBefore(starts6, middle * 4, w0, w1, w2, w3)) low = middle;
        else high = middle - 1;
      }
      return values6[low]!;
    },
    ipv4Segments: v4.count,
    ipv6Segments: values6.length,
    byteLength: segments.byteLength + buckets.byteLength + direct.byteLength + starts6.byteLength + values6.byteLength + buckets6.byteLength,
  };
}

/**
 * bucket[b] = the last segment starting at or before the first key whose top 16 bits are b,
 * so the segment holding any key with top bits b lies between bucket[b] and bucket[b + 1].
 * `startsAtOrBefore(index, bucketStart)` compares a segment start with that first key, given
 * as its top 32 bits (the rest zero).
 */
function bucketIndex(segmentCount: number, startsAtOrBefore: (index: number, bucketStart: number) => boolean): Uint32Array {
  const buckets = new Uint32Array(bucketCount + 1);
  let segment = 0;
  for (let bucket = 0; bucket <= bucketCount; bucket++) {
    const bucketStart = bucket * 65536;
    while (segment + 1 < segmentCount && startsAtOrBefore(segment + 1, bucketStart)) segment++;
    buckets[bucket] = segment;
  }
  return buckets;
}

/** True when the 128-bit start at `base` is ≤ the address (w0..w3). */
function startAtOrBefore(starts: Uint32Array, base: number, w0: number, w1: number, w2: number, w3: number): boolean {
  let start = starts[base]!;
  if (start !== w0) return start < w0;
  start = starts[base + 1]!;
  if (start !== w1) return start < w1;
  start = starts[base + 2]!;
  if (start !== w2) return start < w2;
  return starts[base + 3]! <= w3;
}
