/**
 * Per-source counters for one time window: one fixed-size record per source in a single typed
 * array (no object per source), so the cost per source is fixed and small and a packet's
 * updates touch one 128-byte record (two cache lines) instead of a dozen separate columns.
 * IPv4 sources are found through an open-addressing hash table of uint32 keys; IPv6 sources
 * (rare in darknets) through a Map. Bytes per source are documented in docs/darknet.md and
 * checked by a test.
 */
import { hashText } from '../../core/random.ts';
import { formatIPv4 } from '../../scope/ipv4.ts';
import type { DecodedPacket } from '../packet.ts';
import { packetClasses, type PacketClass } from './classify-packet.ts';
import { exactLimit, mixHash, sketchAdd, sketchEstimate, sketchRegisters } from './distinct-sketch.ts';

/** Space-Saving top-K slots per source (Metwally et al. 2005). */
export const topPortSlots = 4;
const classCount = packetClasses.length;

export interface SourceSummary {
  /** Address text (IPv4 dotted quad or IPv6). */
  ip: string;
  srcV4?: number;
  packets: number;
  /** Exact below `exactLimit`, then a HyperLogLog estimate (±6.5% standard error). */
  distinctDestinations: number;
  distinctExact: boolean;
  /** Most frequent destination ports, by count (Space-Saving: counts may overestimate by the evicted count). */
  topPorts: Array<{ port: number; count: number }>;
  hits: Record<PacketClass, number>;
  firstSeenMicros: number;
  lastSeenMicros: number;
}

/*
 * Record layout, in uint32 words. Words 0–3 hold the first- and last-seen times as two float64
 * (read through a Float64Array over the same memory); the rest are uint32 counters.
 */
const FIRST_SEEN = 0; // float64 index within the record
const LAST_SEEN = 1; // float64 index within the record
const PACKETS = 4;
const ADDRESS = 5;
/** Number of exact destinations held, or SKETCHED once the source moved to a HyperLogLog. */
const EXACT_COUNT = 6;
const SKETCH_INDEX = 7;
const HITS = 8;
const EXACT = HITS + classCount;
const PORTS = EXACT + exactLimit;
const PORT_COUNTS = PORTS + topPortSlots;
/** Words per record, rounded up to an even number so the float64 times stay 8-byte aligned. */
const recordWords = (PORT_COUNTS + topPortSlots + 1) & ~1;
const recordFloats = recordWords / 2;
const SKETCHED = 255;

/** Bytes of one source record. */
export const recordBytesPerSource = recordWords * 4;
/**
 * Worst-case bytes per IPv4 source: records at most half used right after doubling, plus the
 * hash index (8 bytes an entry, 2–4 entries per source). Sketched sources add ≤ 2×256 bytes.
 */
export const maxBytesPerSource = 2 * recordBytesPerSource + 4 * 8;

const initialIndexSize = 1024;

export class SourceTable {
  private capacity = 0;
  count = 0;
  /** `capacity` records of `recordWords` words; `times` views the same memory as float64. */
  private words = new Uint32Array(0);
  private times = new Float64Array(0);
  private sketchPool = new Uint8Array(0);
  private sketches = 0;
  // Allocated up front so a lookup never meets an empty index (8 KiB per window).
  private indexKeys = new Uint32Array(initialIndexSize);
  /** Record number per index entry, -1 for an empty entry. */
  private indexSlots = new Int32Array(initialIndexSize).fill(-1);
  private readonly v6Slots = new Map<string, number>();
  private readonly v6Names: Array<string | undefined> = [];

  /** Count one classified packet. */
  add(packet: DecodedPacket, packetClass: PacketClass, classNumber: number): void {
    const slot = packet.srcV4 !== undefined ? this.slotForV4(packet.srcV4) : this.slotForText(packet.src ?? '?');
    // Backscatter is listed by source port (the attacked service), everything else by destination port.
    const port = packetClass === 'backscatter' ? packet.srcPort : packet.dstPort;
    this.countInSlot(slot, packet.timeMicros, classNumber, packet.dstV4 ?? hashText(packet.dst ?? ''), port ?? -1);
  }

  /**
   * `add` for an IPv4 source on plain numbers (the bulk path): `port` is the port to rank
   * (source port for backscatter, destination port otherwise), -1 when the packet has none.
   */
  addV4(srcV4: number, timeMicros: number, classNumber: number, dstV4: number, port: number): void {
    this.countInSlot(this.slotForV4(srcV4), timeMicros, classNumber, dstV4, port);
  }

  private countInSlot(slot: number, timeMicros: number, classNumber: number, destination: number, port: number): void {
    const words = this.words;
    const record = slot * recordWords;
    const packets = words[record + PACKETS]! + 1;
    words[record + PACKETS] = packets;
    const times = this.times;
    const time = slot * recordFloats;
    if (packets === 1 || timeMicros < times[time + FIRST_SEEN]!) times[time + FIRST_SEEN] = timeMicros;
    if (timeMicros > times[time + LAST_SEEN]!) times[time + LAST_SEEN] = timeMicros;
    words[record + HITS + classNumber]++;
    const known = words[record + EXACT_COUNT]!;
    // Scanners (the bulk of the packets) are past the exact list: their case first and inline,
    // the rarer exact list and the move to a sketch in a function of their own.
    if (known === SKETCHED) sketchAdd(this.sketchPool, words[record + SKETCH_INDEX]! * sketchRegisters, mixHash(destination));
    else this.addExactDestination(words, record, known, destination);
    if (port >= 0) addPort(words, record, port);
  }

  /** Bytes held by this table's arrays (the IPv6 map is estimated at 120 bytes per entry). */
  bytesUsed(): number {
    return this.words.byteLength + this.sketchPool.byteLength + this.indexKeys.byteLength + this.indexSlots.byteLength + this.v6Slots.size * 120;
  }

  /** Sources holding a HyperLogLog sketch (each costs `sketchRegisters` more bytes). */
  get sketchCount(): number {
    return this.sketches;
  }

  summary(slot: number): SourceSummary {
    const words = this.words;
    const record = slot * recordWords;
    const hits = {} as Record<PacketClass, number>;
    packetClasses.forEach((name, index) => {
      hits[name] = words[record + HITS + index];
    });
    const topPorts: Array<{ port: number; count: number }> = [];
    for (let k = 0; k < topPortSlots; k++) {
      const count = words[record + PORT_COUNTS + k];
      if (count > 0) topPorts.push({ port: words[record + PORTS + k], count });
    }
    topPorts.sort((a, b) => b.count - a.count || a.port - b.port);
    const sketched = words[record + EXACT_COUNT] === SKETCHED;
    const name = this.v6Names[slot];
    return {
      ip: name ?? formatIPv4(words[record + ADDRESS]),
      ...(name === undefined ? { srcV4: words[record + ADDRESS] } : {}),
      packets: words[record + PACKETS],
      distinctDestinations: sketched
        ? Math.round(sketchEstimate(this.sketchPool, words[record + SKETCH_INDEX] * sketchRegisters))
        : words[record + EXACT_COUNT],
      distinctExact: !sketched,
      topPorts,
      hits,
      firstSeenMicros: this.times[slot * recordFloats + FIRST_SEEN],
      lastSeenMicros: this.times[slot * recordFloats + LAST_SEEN],
    };
  }

  *summaries(): Generator<SourceSummary> {
    for (let slot = 0; slot < this.count; slot++) yield this.summary(slot);
  }

  /** A destination for a source still below `exactLimit` distinct ones; past it, moves the source to a sketch. */
  private addExactDestination(words: Uint32Array, record: number, known: number, destination: number): void {
    for (let index = 0; index < known; index++) if (words[record + EXACT + index] === destination) return;
    if (known < exactLimit) {
      words[record + EXACT + known] = destination;
      words[record + EXACT_COUNT] = known + 1;
      return;
    }
    const sketch = this.newSketch();
    const offset = sketch * sketchRegisters;
    for (let index = 0; index < exactLimit; index++) sketchAdd(this.sketchPool, offset, mixHash(words[record + EXACT + index]!));
    sketchAdd(this.sketchPool, offset, mixHash(destination));
    words[record + SKETCH_INDEX] = sketch;
    words[record + EXACT_COUNT] = SKETCHED;
  }

  private newSketch(): number {
    if ((this.sketches + 1) * sketchRegisters > this.sketchPool.length) {
      const grown = new Uint8Array(Math.max(sketchRegisters * 16, this.sketchPool.length * 2));
      grown.set(this.sketchPool);
      this.sketchPool = grown;
    }
    return this.sketches++;
  }

  private slotForV4(address: number): number {
    const keys = this.indexKeys;
    const slots = this.indexSlots;
    const mask = keys.length - 1;
    for (let probe = mixHash(address) & mask; ; probe = (probe + 1) & mask) {
      const slot = slots[probe];
      if (slot === -1) return this.insertV4(address);
      if (keys[probe] === address) return slot;
    }
  }

  /** Adds a source not yet in the index (growing it first, so the load stays ≤ 0.5). */
  private insertV4(address: number): number {
    if ((this.count + 1) * 2 > this.indexKeys.length) this.growIndex();
    const mask = this.indexKeys.length - 1;
    let probe = mixHash(address) & mask;
    while (this.indexSlots[probe] !== -1) probe = (probe + 1) & mask;
    const created = this.newSlot();
    this.indexKeys[probe] = address;
    this.indexSlots[probe] = created;
    this.words[created * recordWords + ADDRESS] = address;
    return created;
  }

  private slotForText(address: string): number {
    const known = this.v6Slots.get(address);
    if (known !== undefined) return known;
    const created = this.newSlot();
    this.v6Slots.set(address, created);
    this.v6Names[created] = address;
    return created;
  }

  private growIndex(): void {
    const size = this.indexKeys.length * 2;
    const oldKeys = this.indexKeys;
    const oldSlots = this.indexSlots;
    this.indexKeys = new Uint32Array(size);
    this.indexSlots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let index = 0; index < oldSlots.length; index++) {
      if (oldSlots[index] === -1) continue;
      let probe = mixHash(oldKeys[index]) & mask;
      while (this.indexSlots[probe] !== -1) probe = (probe + 1) & mask;
      this.indexKeys[probe] = oldKeys[index];
      this.indexSlots[probe] = oldSlots[index];
    }
  }

  private newSlot(): number {
    if (this.count === this.capacity) this.growRecords();
    return this.count++;
  }

  private growRecords(): void {
    const capacity = Math.max(256, this.capacity * 2);
    const words = new Uint32Array(capacity * recordWords);
    words.set(this.words);
    this.words = words;
    this.times = new Float64Array(words.buffer);
    this.capacity = capacity;
  }
}

/** Space-Saving update of the record's top-port slots. */
function addPort(words: Uint32Array, record: number, port: number): void {
  const ports = record + PORTS;
  const counts = record + PORT_COUNTS;
  // A source mostly repeats the ports it already holds: look for a match first …
  for (let k = 0; k < topPortSlots; k++) {
    if (words[ports + k] === port && words[counts + k] > 0) {
      words[counts + k]++;
      return;
    }
  }
  // … then take over the first least-counted slot (an empty slot has count 0).
  let smallest = 0;
  for (let k = 1; k < topPortSlots; k++) if (words[counts + k] < words[counts + smallest]) smallest = k;
  words[ports + smallest] = port;
  words[counts + smallest]++;
}
