/**
 * DRDoS attacks from the darknet. When an attacker spoofs a darknet address as the victim, the
 * reflectors' replies — UDP from an amplification service's port (reflector-ports.yaml) —
 * arrive there. Replies to one (victim, protocol) with no pause longer than the idle time form
 * one attack; it counts when the thresholds (thresholds.yaml) say so.
 *
 * State is one small record per open attack (counters and a bounded reflector count), at most
 * `maxOpenAttacks` of them: an attack quiet for the idle time is closed as soon as the capture
 * moves on, and when the table is full the quietest eighth is closed early (marked evicted),
 * so a capture of billions of packets, or hostile traffic to every address, runs in fixed memory.
 */
import type { DarknetAttack } from '../../core/records.ts';
import { rowField as field, rowFields, type DecodedPacket, type PacketBatch } from '../packet.ts';
import { shippedReflectorPorts, type ReflectorPortList } from '../classify/reflector-ports.ts';
import { ReflectorCount } from './reflector-count.ts';
import { isAttack, worthKeeping } from './merge-attacks.ts';
import type { AttackThresholds } from './thresholds.ts';

export interface AttackTrackerOptions {
  /** The darknet as text (CIDR) and as base address and size: only replies to it count. */
  darknet: string;
  range: { base: number; size: number };
  thresholds: AttackThresholds;
  /** Default: the shipped list. */
  reflectorPorts?: ReflectorPortList;
}

export interface AttackTracker {
  /** Count one decoded packet (the classifier's slow path: IPv6, odd link types). */
  add(packet: DecodedPacket): void;
  /** Count every row of a batch, in row order. */
  addBatch(batch: PacketBatch): void;
  /** Close the attacks quiet for longer than the idle time before the newest packet; hand out those worth keeping. */
  expire(): DarknetAttack[];
  /** Close every attack (end of input); hand out those worth keeping. */
  finish(): DarknetAttack[];
  /** Attacks open now. */
  openCount(): number;
}

interface OpenAttack {
  victim: number;
  reflectorIndex: number;
  firstMicros: number;
  lastMicros: number;
  packets: number;
  bytes: number;
  reflectors: ReflectorCount;
}

const isoOf = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

const ipv4Text = (value: number): string => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;

/**
 * @example
 * const tracker = createAttackTracker({ darknet: '127.200.0.0/16', range: darknetRange('127.200.0.0/16'), thresholds: loadAttackThresholds() });
 * await aggregateCapture('dark.pcap', [days, tracker]);
 * const attacks = tracker.finish().filter((attack) => attack.qualified);
 */
export function createAttackTracker(options: AttackTrackerOptions): AttackTracker {
  return new Tracker(options);
}

class Tracker implements AttackTracker {
  private readonly open = new Map<number, OpenAttack>();
  private readonly closed: DarknetAttack[] = [];
  private readonly idleMicros: number;
  private readonly ports: ReflectorPortList;
  private readonly first: number;
  private readonly end: number;
  /** First and newest darknet packet of the input: an attack within the idle time of either may continue in another capture. */
  private inputFirst = Infinity;
  private inputLast = -Infinity;
  private lastSweep = -Infinity;
  private readonly options: AttackTrackerOptions;

  constructor(options: AttackTrackerOptions) {
    this.options = options;
    this.idleMicros = options.thresholds.idleSeconds * 1e6;
    this.ports = options.reflectorPorts ?? shippedReflectorPorts;
    this.first = options.range.base;
    this.end = options.range.base + options.range.size;
  }

  add(packet: DecodedPacket): void {
    if (packet.dstV4 === undefined) return; // IPv4 darknets only
    this.count(
      packet.timeMicros,
      packet.srcV4 ?? 0,
      packet.dstV4,
      packet.ipProtocol ?? -1,
      packet.srcPort ?? -1,
      packet.dstPort ?? -1,
      packet.ipLength ?? packet.length,
    );
  }

  addBatch(batch: PacketBatch): void {
    const { fields, timeMicros } = batch;
    const { first, end } = this;
    // Most darknet packets are probes: the input's span is all this loop keeps of them.
    let earliest = this.inputFirst;
    let latest = this.inputLast;
    for (let row = 0, base = 0; row < batch.count; row++, base += rowFields) {
      const victim = fields[base + field.dstV4]! >>> 0;
      if (victim < first || victim >= end) continue;
      const time = timeMicros[row]!;
      if (time < earliest) earliest = time;
      if (time > latest) latest = time;
      if (fields[base + field.ipProtocol] !== 17) continue;
      this.inputFirst = earliest;
      this.inputLast = latest;
      this.count(
        time,
        fields[base + field.srcV4]! >>> 0,
        victim,
        17,
        fields[base + field.srcPort]!,
        fields[base + field.dstPort]!,
        fields[base + field.ipLength]!,
      );
    }
    this.inputFirst = earliest;
    this.inputLast = latest;
  }

  expire(): DarknetAttack[] {
    this.sweep(false);
    return this.closed.splice(0);
  }

  finish(): DarknetAttack[] {
    for (const attack of this.open.values()) this.close(attack, false, true);
    this.open.clear();
    return this.closed.splice(0);
  }

  openCount(): number {
    return this.open.size;
  }

  private count(time: number, source: number, victim: number, ipProtocol: number, srcPort: number, dstPort: number, bytes: number): void {
    if (victim < this.first || victim >= this.end) return;
    if (time < this.inputFirst) this.inputFirst = time;
    if (time > this.inputLast) this.inputLast = time;
    // The classifier's rule: UDP from a reflector's port, not a same-port peer query.
    if (ipProtocol !== 17 || srcPort === dstPort) return;
    const reflectorIndex = this.ports.indexOf(srcPort);
    if (reflectorIndex < 0) return;
    const key = victim * 256 + reflectorIndex;
    let attack = this.open.get(key);
    if (attack !== undefined && time - attack.lastMicros > this.idleMicros) {
      this.open.delete(key);
      this.close(attack, false, false);
      attack = undefined;
    }
    if (attack === undefined) {
      if (this.open.size >= this.options.thresholds.maxOpenAttacks) this.makeRoom();
      attack = { victim, reflectorIndex, firstMicros: time, lastMicros: time, packets: 0, bytes: 0, reflectors: new ReflectorCount() };
      this.open.set(key, attack);
    }
    attack.packets++;
    attack.bytes += bytes;
    if (time < attack.firstMicros) attack.firstMicros = time;
    if (time > attack.lastMicros) attack.lastMicros = time;
    attack.reflectors.add(source);
  }

  /** Close attacks quiet for the idle time (at most every quarter of it: a sweep visits every open attack). */
  private sweep(force: boolean): void {
    if (!force && this.inputLast - this.lastSweep < this.idleMicros / 4) return;
    this.lastSweep = this.inputLast;
    for (const [key, attack] of this.open) {
      if (this.inputLast - attack.lastMicros <= this.idleMicros) continue;
      this.open.delete(key);
      this.close(attack, false, false);
    }
  }

  /** The table is full: close the quiet ones, then the quietest eighth (amortised: one sort per max/8 new attacks). */
  private makeRoom(): void {
    this.sweep(true);
    const limit = this.options.thresholds.maxOpenAttacks;
    if (this.open.size < limit) return;
    const byQuiet = [...this.open].sort((a, b) => a[1].lastMicros - b[1].lastMicros);
    for (const [key, attack] of byQuiet.slice(0, Math.max(1, Math.floor(limit / 8)))) {
      this.open.delete(key);
      this.close(attack, true, false);
    }
  }

  /** Keep an attack that passes the thresholds, or a piece that may continue in another capture. */
  private close(attack: OpenAttack, evicted: boolean, atFinish: boolean): void {
    const atInputStart = attack.firstMicros - this.inputFirst <= this.idleMicros;
    const atInputEnd = atFinish && this.inputLast - attack.lastMicros <= this.idleMicros;
    const reflectors = attack.reflectors.count();
    const qualified = isAttack({ packets: attack.packets, reflectors }, this.options.thresholds);
    if (!worthKeeping({ qualified, atInputStart, atInputEnd })) return;
    const reflector = this.ports.reflectors[attack.reflectorIndex]!;
    this.closed.push({
      darknet: this.options.darknet,
      victim: ipv4Text(attack.victim),
      protocol: reflector.name,
      port: reflector.port,
      start: isoOf(attack.firstMicros),
      end: isoOf(attack.lastMicros),
      packets: attack.packets,
      bytes: attack.bytes,
      reflectors,
      qualified,
      atInputStart,
      atInputEnd,
      evicted,
      ...(atInputStart || atInputEnd ? { reflectorSketch: attack.reflectors.serialize() } : {}),
    });
  }
}
