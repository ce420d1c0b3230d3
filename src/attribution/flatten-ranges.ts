/**
 * Turns overlapping address ranges (nested prefixes, ranges from several sources) into
 * the flat partition a lookup needs: sorted, non-overlapping segments covering the whole
 * address space, each holding the value of the range that wins there (−1 for none).
 *
 * Which range wins where several cover an address: the narrowest (longest-prefix match,
 * generalised to ranges that are not CIDR-aligned); between equally wide ranges, the one
 * added last, so a later source can override an earlier one.
 */

/** One input range; `order` is its insertion number, used to break ties. */
export interface PendingRange<K> {
  first: K;
  last: K;
  value: number;
  order: number;
}

/** The arithmetic the sweep needs, so one algorithm serves numbers (IPv4) and BigInts (IPv6). */
export interface KeyArithmetic<K> {
  zero: K;
  max: K;
  compare(a: K, b: K): number;
  successor(key: K): K;
  width(range: PendingRange<K>): K;
}

export interface FlatSegments<K> {
  /** Start of each segment, ascending; starts[0] is always `zero`. */
  starts: K[];
  /** The winning value in each segment, −1 where no range covers it. */
  values: number[];
}

export const numberArithmetic: KeyArithmetic<number> = {
  zero: 0,
  max: 0xffffffff,
  compare: (a, b) => a - b,
  successor: (key) => key + 1,
  width: (range) => range.last - range.first,
};

export const bigintArithmetic: KeyArithmetic<bigint> = {
  zero: 0n,
  max: (1n << 128n) - 1n,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  successor: (key) => key + 1n,
  width: (range) => range.last - range.first,
};

/**
 * Sweep over the range boundaries in address order, keeping the ranges that cover the
 * current position in a heap ordered by "wins over". O(n log n) for n ranges; ranges that
 * have ended are dropped lazily when they reach the top.
 * @example flattenRanges([{ first: 0, last: 255, value: 0, order: 0 }, { first: 16, last: 31, value: 1, order: 1 }], numberArithmetic)
 * // { starts: [0, 16, 32, 256], values: [0, 1, 0, -1] }
 */
export function flattenRanges<K>(ranges: PendingRange<K>[], arithmetic: KeyArithmetic<K>): FlatSegments<K> {
  const { compare, successor } = arithmetic;
  type Ranked = PendingRange<K> & { width: K };
  const sorted: Ranked[] = ranges.map((range) => ({ ...range, width: arithmetic.width(range) })).sort((a, b) => compare(a.first, b.first));
  const beats = (a: Ranked, b: Ranked): boolean => {
    const byWidth = compare(a.width, b.width);
    return byWidth < 0 || (byWidth === 0 && a.order > b.order);
  };
  const heap = createHeap(beats);
  const segments: FlatSegments<K> = { starts: [], values: [] };
  const emit = (start: K, value: number) => {
    // Segments are contiguous, so equal neighbours merge into one.
    if (segments.values.length > 0 && segments.values[segments.values.length - 1] === value) return;
    segments.starts.push(start);
    segments.values.push(value);
  };

  let next = 0;
  let cursor = arithmetic.zero;
  // Each pass emits one segment and moves to the next boundary (a range start or the end of
  // the current winner): at most 2n + 1 passes.
  while (compare(cursor, arithmetic.max) <= 0) {
    while (next < sorted.length && compare(sorted[next]!.first, cursor) <= 0) heap.push(sorted[next++]!);
    while (heap.size() > 0 && compare(heap.peek()!.last, cursor) < 0) heap.pop();
    const winner = heap.peek();
    const nextStart = next < sorted.length ? sorted[next]!.first : undefined;
    if (!winner) {
      emit(cursor, -1);
      if (nextStart === undefined) break;
      cursor = nextStart;
      continue;
    }
    emit(cursor, winner.value);
    const winnerEnd = successor(winner.last);
    cursor = nextStart !== undefined && compare(nextStart, winnerEnd) < 0 ? nextStart : winnerEnd;
  }
  return segments;
}

interface Heap<T> {
  push(item: T): void;
  pop(): T | undefined;
  peek(): T | undefined;
  size(): number;
}

/** A binary heap whose top is the item that `before` ranks first. */
function createHeap<T>(before: (a: T, b: T) => boolean): Heap<T> {
  const items: T[] = [];
  const swap = (i: number, j: number) => {
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  };
  return {
    push(item) {
      items.push(item);
      for (let index = items.length - 1; index > 0; ) {
        const parent = (index - 1) >> 1;
        if (!before(items[index]!, items[parent]!)) break;
        swap(index, parent);
        index = parent;
      }
    },
    pop() {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        for (let index = 0; ; ) {
          const left = index * 2 + 1;
          const right = left + 1;
          let best = index;
          if (left < items.length && before(items[left]!, items[best]!)) best = left;
          if (right < items.length && before(items[right]!, items[best]!)) best = right;
          if (best === index) break;
          swap(index, best);
          index = best;
        }
      }
      return top;
    },
    peek: () => items[0],
    size: () => items.length,
  };
}
