/**
 * A seeded pseudo-random permutation of 0..size-1, so targets are visited in an
 * order that spreads load over networks (no /24 sees a burst) yet is reproducible
 * from the seed and splits into disjoint shards, as ZMap's cyclic-group walk does.
 *
 * Construction: a 4-round balanced Feistel network over the smallest even-bit
 * domain 2^(2h) ≥ size, with cycle-walking to stay inside 0..size-1. A Feistel
 * network is a bijection whatever its round function, so every index appears
 * exactly once. Domains up to 2^52 keep all arithmetic exact in doubles.
 */

const rounds = 4;

/** 32-bit avalanche mix (the finaliser of MurmurHash3). */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

export interface Permutation {
  size: number;
  /** The position-th element of the permuted order. */
  at(position: number): number;
}

/**
 * @example const order = createPermutation(1000, 42); order.at(0) // some index in 0..999
 */
export function createPermutation(size: number, seed: number): Permutation {
  if (!Number.isSafeInteger(size) || size < 0 || size > 2 ** 52) throw new RangeError(`permutation size out of range: ${size}`);
  let halfBits = 1;
  while (2 ** (2 * halfBits) < size) halfBits++;
  const halfSize = 2 ** halfBits;
  const halfMask = halfSize - 1;
  const keys = Array.from({ length: rounds }, (_, round) => mix32(mix32(seed >>> 0) ^ mix32(round * 0x9e3779b9 + Math.floor(seed / 2 ** 32))));

  const round = (half: number, key: number): number => {
    // half may exceed 32 bits when halfBits > 32 is impossible (max 26); fold both words anyway.
    const low = half % 2 ** 32;
    return ((mix32(low ^ key) ^ mix32(key + 0x632be5ab)) % halfSize) & halfMask;
  };

  const encrypt = (value: number): number => {
    let left = Math.floor(value / halfSize);
    let right = value % halfSize;
    for (const key of keys) {
      const next = (left ^ round(right, key)) & halfMask;
      left = right;
      right = next;
    }
    return left * halfSize + right;
  };

  return {
    size,
    at(position: number): number {
      if (position < 0 || position >= size) throw new RangeError(`position ${position} outside 0..${size - 1}`);
      let value = encrypt(position);
      // Cycle-walk: re-encrypt until inside the range; ends because encrypt is a bijection.
      while (value >= size) value = encrypt(value);
      return value;
    },
  };
}
