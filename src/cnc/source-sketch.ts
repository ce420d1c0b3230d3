/**
 * How many distinct sources contacted an endpoint, without keeping the sources: a HyperLogLog
 * sketch (Flajolet et al.) of 4,096 registers. The flow collector keeps one per destination
 * endpoint and hour for the sources that are not known bots, and the C&C detector merges the
 * hours of its window (register by register, the maximum) into one distinct count.
 *
 * Why a sketch and not "exact up to a cap": a count per hour cannot be added across hours (the
 * same device every hour would count six times in six hours), and an exact union needs the
 * addresses. Error: under about 10,000 sources the estimate is linear counting over the empty
 * registers, with a standard error of about half a source at 40 sources and under two at 150
 * (the rules compare shares, which that does not move); above, about 1.6%.
 *
 * Privacy: registers hold hash ranks, not addresses, so a sketch cannot be turned back into a
 * list of sources. Someone holding the store and a guessed address can test whether that
 * address is consistent with the sketch (its register is at least its rank): a hint, never a
 * proof, and weaker the more sources an endpoint has. docs/flows.md#what-the-cc-analysis-keeps.
 */
import { OpenNoticeError } from '../core/errors.ts';

const registerBits = 12;
const registerCount = 1 << registerBits;
/**
 * Below this many registers set, a sketch is a short list of (register, rank) pairs (most
 * endpoints have a handful of sources); above, one byte per register. Kept short because each
 * add scans the list: the collector's hot path.
 */
const sparseLimit = 32;

/** FNV-1a over the text, then MurmurHash3's finaliser so the low and high bits are both well mixed. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A mergeable distinct counter. */
export class SourceSketch {
  /** Sparse form: register index × 32 + rank, one number per register set. */
  #pairs: number[] | undefined = [];
  #registers: Uint8Array | undefined;

  /**
   * Count a source (any text: an address).
   * @example sketch.add('10.0.0.7')
   */
  add(source: string): void {
    this.addHash(SourceSketch.hashOf(source));
  }

  /** The hash `add` uses, for a caller that adds one source to several sketches. */
  static hashOf(source: string): number {
    return hash32(source);
  }

  /** Count a source by its `hashOf`. */
  addHash(hash: number): void {
    const index = hash >>> (32 - registerBits);
    // Rank: the position of the first 1 bit in the remaining 20 bits (21 when they are all zero).
    const rest = (hash << registerBits) >>> 0;
    const rank = rest === 0 ? 32 - registerBits + 1 : Math.clz32(rest) + 1;
    this.#raise(index, rank);
  }

  #raise(index: number, rank: number): void {
    if (this.#registers) {
      if (this.#registers[index]! < rank) this.#registers[index] = rank;
      return;
    }
    const pairs = this.#pairs!;
    for (let at = 0; at < pairs.length; at++) {
      if (pairs[at]! >>> 5 !== index) continue;
      if ((pairs[at]! & 31) < rank) pairs[at] = index * 32 + rank;
      return;
    }
    pairs.push(index * 32 + rank);
    if (pairs.length > sparseLimit) {
      this.#registers = new Uint8Array(registerCount);
      for (const pair of pairs) this.#registers[pair >>> 5] = pair & 31;
      this.#pairs = undefined;
    }
  }

  /** Fold another sketch in: afterwards this one counts the union. */
  merge(other: SourceSketch): void {
    if (other.#registers) {
      other.#registers.forEach((rank, index) => {
        if (rank > 0) this.#raise(index, rank);
      });
    } else for (const pair of other.#pairs!) this.#raise(pair >>> 5, pair & 31);
  }

  /**
   * The estimated number of distinct sources, rounded.
   * @example const sketch = new SourceSketch(); sketch.add('a'); sketch.add('b'); sketch.estimate() // 2
   */
  estimate(): number {
    const registers = this.#registers;
    const setCount = registers ? registers.reduce((count, rank) => count + (rank > 0 ? 1 : 0), 0) : this.#pairs!.length;
    const empty = registerCount - setCount;
    if (empty === registerCount) return 0;
    // Linear counting while registers are still mostly empty: exact enough at the small counts the rules use.
    const linear = registerCount * Math.log(registerCount / empty);
    if (!registers || linear <= 2.5 * registerCount) return Math.round(empty === 0 ? registerCount : linear);
    let sum = 0;
    for (const rank of registers) sum += 2 ** -rank;
    const alpha = 0.7213 / (1 + 1.079 / registerCount);
    return Math.round((alpha * registerCount * registerCount) / sum);
  }

  /** Text for the store: "s:" and hex pairs (register, rank) when sparse, "d:" and one hex byte per register when dense. */
  serialize(): string {
    if (this.#registers) return `d:${Buffer.from(this.#registers).toString('hex')}`;
    return `s:${[...this.#pairs!]
      .sort((a, b) => a - b)
      .map((pair) => pair.toString(16))
      .join(',')}`;
  }

  /**
   * Read a sketch written by `serialize`; anything else is a STORE_FAILED error.
   * @example SourceSketch.parse(sketch.serialize()).estimate()
   */
  static parse(text: string): SourceSketch {
    const sketch = new SourceSketch();
    const bad = () => new OpenNoticeError('STORE_FAILED', `not a source sketch: "${text.slice(0, 40)}"`);
    if (text.startsWith('d:')) {
      const bytes = Buffer.from(text.slice(2), 'hex');
      if (bytes.length !== registerCount) throw bad();
      sketch.#registers = new Uint8Array(bytes);
      sketch.#pairs = undefined;
      return sketch;
    }
    if (!text.startsWith('s:')) throw bad();
    if (text === 's:') return sketch;
    for (const part of text.slice(2).split(',')) {
      const pair = Number.parseInt(part, 16);
      if (!/^[0-9a-f]+$/.test(part) || pair >>> 5 >= registerCount || (pair & 31) === 0) throw bad();
      sketch.#raise(pair >>> 5, pair & 31);
    }
    return sketch;
  }
}
