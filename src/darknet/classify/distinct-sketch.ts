/**
 * Distinct-destination counting in fixed memory: the first `exactLimit` destinations are kept
 * exactly; past that a HyperLogLog with 256 one-byte registers (Flajolet et al. 2007) takes
 * over, with linear counting for small cardinalities (Heule et al. 2013). Standard error
 * 1.04/√256 ≈ 6.5%. Registers live in a shared pool so sources without a sketch pay nothing.
 */

export const exactLimit = 8;
export const sketchRegisters = 256;

/** Murmur3 finaliser: destinations are often sequential, so spread their bits first. */
export function mixHash(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Add one hashed value to the 256 registers at `offset` of `pool`.
 * @example sketchAdd(pool, 0, mixHash(0x7fc80001))
 */
export function sketchAdd(pool: Uint8Array, offset: number, hash: number): void {
  const register = offset + (hash >>> 24);
  // Rank of the first 1-bit in the remaining 24 bits (1-based; 25 when they are all zero: the
  // or-ed bit stops the count there).
  const rank = Math.clz32((hash << 8) | 0x80) + 1;
  // Branch-free maximum: whether a register grows is a coin toss the processor cannot predict.
  const difference = rank - pool[register]!;
  pool[register] = rank - (difference & (difference >> 31));
}

const alpha = 0.7213 / (1 + 1.079 / sketchRegisters);

/**
 * Estimated number of distinct values added to the registers at `offset`.
 * @example Math.round(sketchEstimate(pool, 0))
 */
export function sketchEstimate(pool: Uint8Array, offset: number): number {
  let inverseSum = 0;
  let zeros = 0;
  for (let index = 0; index < sketchRegisters; index++) {
    const value = pool[offset + index];
    inverseSum += 2 ** -value;
    if (value === 0) zeros++;
  }
  const raw = (alpha * sketchRegisters * sketchRegisters) / inverseSum;
  if (raw <= 2.5 * sketchRegisters && zeros > 0) return sketchRegisters * Math.log(sketchRegisters / zeros);
  return raw;
}
