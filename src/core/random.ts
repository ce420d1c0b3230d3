/**
 * A small seeded pseudo-random generator for the lab. The lab must be reproducible
 * from its seed (tests compare ground truth across runs), so nothing in src/lab may
 * call Math.random(). Quality needs are modest: spread addresses and pick devices.
 */

/** A stream of reproducible pseudo-random numbers and the choices the lab makes with them. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  /** One element, uniformly. The list must not be empty. */
  pick<T>(items: readonly T[]): T;
  /** One element, with probability proportional to `weightOf(element)`. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T;
  /** An independent stream derived from this one's seed and a label, so adding a draw in one place does not shift every later choice. */
  fork(label: string | number): Random;
}

/**
 * FNV-1a over UTF-16 code units, mixed: a stable 32-bit hash for seeds and per-device variation.
 * @example hashText('VM-IPC2130') === hashText('VM-IPC2130') // true
 */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return avalanche(hash);
}

/** Murmur3-style finaliser: every input bit affects every output bit. */
function avalanche(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Fold any finite number (seeds may exceed 32 bits) into a 32-bit state. */
function seedState(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(Math.abs(seed) / 2 ** 32) >>> 0;
  return avalanche(low ^ avalanche(high + 0x9e3779b9));
}

/**
 * Create a generator (a 32-bit SplitMix-style counter hashed through a finaliser).
 * @example const random = createRandom(1); random.int(1, 6) // same value every run
 */
export function createRandom(seed: number): Random {
  const origin = seedState(seed);
  let counter = origin;
  const next = (): number => {
    counter = (counter + 0x9e3779b9) >>> 0;
    return avalanche(counter ^ (counter >>> 7)) / 2 ** 32;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (items, weightOf) => {
      const total = items.reduce((sum, item) => sum + Math.max(0, weightOf(item)), 0);
      if (!(total > 0)) throw new RangeError('weighted pick needs a positive total weight');
      let target = next() * total;
      for (const item of items) {
        target -= Math.max(0, weightOf(item));
        if (target < 0) return item;
      }
      return items[items.length - 1]!;
    },
    fork: (label) => createRandom(avalanche(origin ^ (typeof label === 'number' ? avalanche(label + 0x632be5ab) : hashText(label)))),
  };
  return random;
}
