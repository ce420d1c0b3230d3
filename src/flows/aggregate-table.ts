/**
 * The aggregates' hash table: open addressing over typed arrays, keyed by (hour, a fixed number
 * of 32-bit key words), summing flows, packets and bytes and keeping the earliest and latest
 * flow time. No object and no string per flow or per row: the collector adds millions of flows
 * a second into it, and text is made only when rows are taken out.
 *
 * Rows are stored in arrival order in one buffer (stride: six float64 values, then the key
 * words), so a new row is an append and a hit touches one row; the index holds (row + 1, hash)
 * pairs, linearly probed, kept at most half full. It grows by doubling up to `maxRows` rows;
 * there `add` refuses new keys (hits still count) and the owner decides what to do.
 */

export const HOUR_MS = 3_600_000;

/** Float64 slots of a row: hour first, then the sums and times. */
const HOUR = 0;
const FLOWS = 1;
const PACKETS = 2;
const BYTES = 3;
const FIRST = 4;
const LAST = 5;
const VALUE_WORDS = 12;

const initialRows = 1024;

/** The values of one row as `readRow` gives them. */
export interface AggregateValues {
  hourMs: number;
  flows: number;
  packets: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
}

export class AggregateTable {
  readonly keyWords: number;
  readonly maxRows: number;
  readonly #stride: number;
  /** The stride in float64 slots. */
  readonly #floatStride: number;
  #rowFloats: Float64Array;
  #rowWords: Uint32Array;
  /** Two int32 per slot: row + 1 (0: empty) and the key's hash. */
  #index: Int32Array;
  #slotMask: number;
  #rowCapacity: number;
  #size = 0;

  /** @example const table = new AggregateTable(3, 1_000_000) // IPv4: source /24, destination, port and protocol */
  constructor(keyWords: number, maxRows: number) {
    if (!Number.isInteger(keyWords) || keyWords < 1 || !Number.isInteger(maxRows) || maxRows < 1) {
      throw new RangeError(`an aggregate table needs whole key words and rows ≥ 1, got ${keyWords} and ${maxRows}`);
    }
    this.keyWords = keyWords;
    this.maxRows = maxRows;
    // Even, so every row's float64 values stay 8-byte aligned.
    this.#stride = VALUE_WORDS + keyWords + (keyWords % 2);
    this.#floatStride = this.#stride / 2;
    this.#rowCapacity = Math.min(initialRows, maxRows);
    const buffer = new ArrayBuffer(this.#rowCapacity * this.#stride * 4);
    this.#rowFloats = new Float64Array(buffer);
    this.#rowWords = new Uint32Array(buffer);
    const slots = slotsFor(this.#rowCapacity);
    this.#index = new Int32Array(slots * 2);
    this.#slotMask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Sums one flow (or a row's worth of them) into the row of (`hourMs`, `key`). A new key is
   * refused (false, nothing changed) when `allowNew` is false or the table holds `maxRows`.
   */
  add(hourMs: number, key: Uint32Array, flows: number, packets: number, bytes: number, firstMs: number, lastMs: number, allowNew = true): boolean {
    const keyWords = this.keyWords;
    const hash = hashKey(hourMs, key, keyWords);
    const index = this.#index;
    const mask = this.#slotMask;
    const floats = this.#rowFloats;
    const words = this.#rowWords;
    const stride = this.#stride;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = index[slot * 2]!;
      if (entry === 0) break;
      if (index[slot * 2 + 1] !== hash) continue;
      const row = entry - 1;
      const values = row * this.#floatStride;
      if (floats[values + HOUR] !== hourMs) continue;
      const start = row * stride + VALUE_WORDS;
      let word = 0;
      while (word < keyWords && words[start + word] === key[word]) word++;
      if (word < keyWords) continue;
      floats[values + FLOWS]! += flows;
      floats[values + PACKETS]! += packets;
      floats[values + BYTES]! += bytes;
      if (firstMs < floats[values + FIRST]!) floats[values + FIRST] = firstMs;
      if (lastMs > floats[values + LAST]!) floats[values + LAST] = lastMs;
      return true;
    }
    if (!allowNew || this.#size >= this.maxRows) return false;
    if (this.#size === this.#rowCapacity) this.#grow();
    const row = this.#size++;
    const values = row * this.#floatStride;
    const rowFloats = this.#rowFloats;
    rowFloats[values + HOUR] = hourMs;
    rowFloats[values + FLOWS] = flows;
    rowFloats[values + PACKETS] = packets;
    rowFloats[values + BYTES] = bytes;
    rowFloats[values + FIRST] = firstMs;
    rowFloats[values + LAST] = lastMs;
    const rowWords = this.#rowWords;
    const keyStart = row * this.#stride + VALUE_WORDS;
    for (let word = 0; word < keyWords; word++) rowWords[keyStart + word] = key[word]!;
    this.#insertIndex(row, hash);
    return true;
  }

  /** The values of `row` (0 … size − 1, in arrival order) into `out`, and its key words into `key`. */
  readRow(row: number, out: AggregateValues, key: Uint32Array): void {
    const values = row * this.#floatStride;
    const floats = this.#rowFloats;
    out.hourMs = floats[values + HOUR]!;
    out.flows = floats[values + FLOWS]!;
    out.packets = floats[values + PACKETS]!;
    out.bytes = floats[values + BYTES]!;
    out.firstMs = floats[values + FIRST]!;
    out.lastMs = floats[values + LAST]!;
    const start = row * this.#stride + VALUE_WORDS;
    key.set(this.#rowWords.subarray(start, start + this.keyWords));
  }

  /** Empties the table; its memory stays (the next period is likely as busy). */
  clear(): void {
    this.#size = 0;
    this.#index.fill(0);
  }

  #insertIndex(row: number, hash: number): void {
    const index = this.#index;
    const mask = this.#slotMask;
    let slot = hash & mask;
    while (index[slot * 2] !== 0) slot = (slot + 1) & mask;
    index[slot * 2] = row + 1;
    index[slot * 2 + 1] = hash;
  }

  #grow(): void {
    this.#rowCapacity = Math.min(this.#rowCapacity * 2, this.maxRows);
    const buffer = new ArrayBuffer(this.#rowCapacity * this.#stride * 4);
    const floats = new Float64Array(buffer);
    floats.set(this.#rowFloats);
    this.#rowFloats = floats;
    this.#rowWords = new Uint32Array(buffer);
    const old = this.#index;
    const slots = slotsFor(this.#rowCapacity);
    this.#index = new Int32Array(slots * 2);
    this.#slotMask = slots - 1;
    // The stored hashes spare recomputing them from the keys.
    for (let slot = 0; slot < old.length; slot += 2) if (old[slot] !== 0) this.#insertIndex(old[slot]! - 1, old[slot + 1]!);
  }
}

/** Index slots for `rows` rows: a power of two at least twice as many, so probes stay short. */
function slotsFor(rows: number): number {
  let slots = 2;
  while (slots < rows * 2) slots *= 2;
  return slots;
}

/** A 32-bit mix of the hour and the key words (multiply-xorshift rounds, then a final avalanche). */
function hashKey(hourMs: number, key: Uint32Array, keyWords: number): number {
  let hash = Math.imul((hourMs / HOUR_MS) | 0, 0x9e3779b1);
  for (let word = 0; word < keyWords; word++) {
    hash = Math.imul(hash ^ key[word]!, 0x85ebca6b);
    hash ^= hash >>> 13;
  }
  hash = Math.imul(hash ^ (hash >>> 16), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
