/**
 * Per-source counters for one time window, stored column-wise in typed arrays so the cost per
 * source is fixed and small (no object per source). IPv4 sources are found through an
 * open-addressing hash table of uint32 keys; IPv6 sources (rare in darknets) through a Map.
 * Bytes per source are documented in docs/darknet.md and checked by a test.
 */
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

/** Bytes of the typed-array columns per source slot (see `SourceTable` fields). */
export const columnBytesPerSource = 4 + 8 + 8 + 4 * classCount + 4 * exactLimit + 1 + 4 + 2 * topPortSlots + 4 * topPortSlots + 4;
/**
 * Worst-case bytes per IPv4 source: columns at most half used right after doubling, plus the
 * hash index (8 bytes an entry, 2–4 entries per source). Sketched sources add ≤ 2×256 bytes.
 */
export const maxBytesPerSource = 2 * columnBytesPerSource + 4 * 8;

function formatV4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

export class SourceTable {
  private capacity = 0;
  count = 0;
  private packets = new Uint32Array(0);
  private firstSeen = new Float64Array(0);
  private lastSeen = new Float64Array(0);
  private hits = new Uint32Array(0);
  private exact = new Uint32Array(0);
  /** Number of exact destinations, or 255 once the source moved to a sketch. */
  private exactCount = new Uint8Array(0);
  private sketchSlot = new Int32Array(0);
  private ports = new Uint16Array(0);
  private portCounts = new Uint32Array(0);
  private sketchPool = new Uint8Array(0);
  private sketches = 0;
  /** Open addressing: key+1 is never needed because slot -1 marks empty. */
  private indexKeys = new Uint32Array(0);
  private indexSlots = new Int32Array(0);
  private v4Of = new Uint32Array(0);
  private readonly v6Slots = new Map<string, number>();
  private readonly v6Names: Array<string | undefined> = [];

  /** Count one classified packet. */
  add(packet: DecodedPacket, packetClass: PacketClass, classNumber: number): void {
    const slot = packet.srcV4 !== undefined ? this.slotForV4(packet.srcV4) : this.slotForText(packet.src ?? '?');
    this.packets[slot]++;
    if (this.packets[slot] === 1 || packet.timeMicros < this.firstSeen[slot]) this.firstSeen[slot] = packet.timeMicros;
    if (packet.timeMicros > this.lastSeen[slot]) this.lastSeen[slot] = packet.timeMicros;
    this.hits[slot * classCount + classNumber]++;
    this.addDestination(slot, packet.dstV4 ?? hashText(packet.dst ?? ''));
    if (packet.dstPort !== undefined && packetClass !== 'backscatter') this.addPort(slot, packet.dstPort);
    else if (packet.srcPort !== undefined && packetClass === 'backscatter') this.addPort(slot, packet.srcPort);
  }

  /** Bytes held by this table's arrays (the IPv6 map is estimated at 120 bytes per entry). */
  bytesUsed(): number {
    const arrays = [this.packets, this.firstSeen, this.lastSeen, this.hits, this.exact, this.exactCount, this.sketchSlot, this.ports, this.portCounts, this.sketchPool, this.indexKeys, this.indexSlots, this.v4Of];
    return arrays.reduce((sum, array) => sum + array.byteLength, 0) + this.v6Slots.size * 120;
  }

  /** Sources holding a HyperLogLog sketch (each costs `sketchRegisters` more bytes). */
  get sketchCount(): number {
    return this.sketches;
  }

  summary(slot: number): SourceSummary {
    const hits = {} as Record<PacketClass, number>;
    packetClasses.forEach((name, index) => { hits[name] = this.hits[slot * classCount + index]; });
    const topPorts: Array<{ port: number; count: number }> = [];
    for (let k = 0; k < topPortSlots; k++) {
      const count = this.portCounts[slot * topPortSlots + k];
      if (count > 0) topPorts.push({ port: this.ports[slot * topPortSlots + k], count });
    }
    topPorts.sort((a, b) => b.count - a.count || a.port - b.port);
    const sketched = this.exactCount[slot] === 255;
    const name = this.v6Names[slot];
    return {
      ip: name ?? formatV4(this.v4Of[slot]),
      ...(name === undefined ? { srcV4: this.v4Of[slot] } : {}),
      packets: this.packets[slot],
      distinctDestinations: sketched ? Math.round(sketchEstimate(this.sketchPool, this.sketchSlot[slot] * sketchRegisters)) : this.exactCount[slot],
      distinctExact: !sketched,
      topPorts,
      hits,
      firstSeenMicros: this.firstSeen[slot],
      lastSeenMicros: this.lastSeen[slot],
    };
  }

  *summaries(): Generator<SourceSummary> {
    for (let slot = 0; slot < this.count; slot++) yield this.summary(slot);
  }

  private addDestination(slot: number, destination: number): void {
    const known = this.exactCount[slot];
    if (known !== 255) {
      const base = slot * exactLimit;
      for (let index = 0; index < known; index++) if (this.exact[base + index] === destination) return;
      if (known < exactLimit) {
        this.exact[base + known] = destination;
        this.exactCount[slot] = known + 1;
        return;
      }
      const offset = this.newSketch() * sketchRegisters;
      this.sketchSlot[slot] = offset / sketchRegisters;
      for (let index = 0; index < exactLimit; index++) sketchAdd(this.sketchPool, offset, mixHash(this.exact[base + index]));
      this.exactCount[slot] = 255;
    }
    sketchAdd(this.sketchPool, this.sketchSlot[slot] * sketchRegisters, mixHash(destination));
  }

  private addPort(slot: number, port: number): void {
    const base = slot * topPortSlots;
    let smallest = base;
    for (let k = base; k < base + topPortSlots; k++) {
      if (this.portCounts[k] > 0 && this.ports[k] === port) { this.portCounts[k]++; return; }
      if (this.portCounts[k] < this.portCounts[smallest]) smallest = k;
    }
    // Space-Saving: take over the least counted slot (an empty slot has count 0).
    this.ports[smallest] = port;
    this.portCounts[smallest]++;
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
    if (this.count * 2 >= this.indexKeys.length) this.growIndex();
    const mask = this.indexKeys.length - 1;
    for (let probe = mixHash(address) & mask; ; probe = (probe + 1) & mask) {
      const slot = this.indexSlots[probe];
      if (slot === -1) {
        const created = this.newSlot();
        this.indexKeys[probe] = address;
        this.indexSlots[probe] = created;
        this.v4Of[created] = address;
        return created;
      }
      if (this.indexKeys[probe] === address) return slot;
    }
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
    const size = Math.max(1024, this.indexKeys.length * 2);
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
    if (this.count === this.capacity) this.growColumns();
    return this.count++;
  }

  private growColumns(): void {
    const capacity = Math.max(256, this.capacity * 2);
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(old: T, perSlot: number, make: (length: number) => T): T => {
      const next = make(capacity * perSlot);
      next.set(old as never);
      return next;
    };
    this.packets = grow(this.packets, 1, (n) => new Uint32Array(n));
    this.firstSeen = grow(this.firstSeen, 1, (n) => new Float64Array(n));
    this.lastSeen = grow(this.lastSeen, 1, (n) => new Float64Array(n));
    this.hits = grow(this.hits, classCount, (n) => new Uint32Array(n));
    this.exact = grow(this.exact, exactLimit, (n) => new Uint32Array(n));
    this.exactCount = grow(this.exactCount, 1, (n) => new Uint8Array(n));
    this.sketchSlot = grow(this.sketchSlot, 1, (n) => new Int32Array(n));
    this.ports = grow(this.ports, topPortSlots, (n) => new Uint16Array(n));
    this.portCounts = grow(this.portCounts, topPortSlots, (n) => new Uint32Array(n));
    this.v4Of = grow(this.v4Of, 1, (n) => new Uint32Array(n));
    this.capacity = capacity;
  }
}
