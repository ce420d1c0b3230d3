/**
 * Generate a realistic darknet capture with ground truth. Sources are independent Poisson
 * processes merged in time order through a min-heap, and packets go straight to the writer:
 * nothing but one small plan per source is held in memory, so tens of millions of packets
 * stream at constant memory.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { createRandom, type Random } from '../../core/random.ts';
import { createCaptureWriter, type CaptureWriterOptions } from './pcap-writer.ts';
import {
  drdosAttackPlan,
  resolverSurveyPlan,
  strayReplyPlan,
  victimsInOneNetwork,
  type DrdosPlan,
  type DrdosTruthAttack,
  type DrdosTruthDecoy,
} from './drdos-plans.ts';
import { ipv4Number, ipv4Text, wrapEthernet } from './packet-builders.ts';
import {
  backscatterPlan,
  miraiPlan,
  misconfigurationPlan,
  otherBotPlan,
  researchPlan,
  type DarknetRange,
  type DarknetSourceKind,
  type SourcePlan,
} from './sources.ts';

export type { DarknetSourceKind } from './sources.ts';
export type { DrdosTruthAttack, DrdosTruthDecoy } from './drdos-plans.ts';

/**
 * The lab's research scanner ranges (TEST-NET-3, documentation space: never a real scanner).
 * They are the lab's own: a real darknet uses the shipped list of real research scanners
 * (src/darknet/classify/research-scanners.yaml), so whoever ingests a lab capture passes these
 * (the demo does; `darknet generate` writes them beside the capture for --research).
 */
export const labResearchRanges: readonly string[] = ['203.0.113.0/24'];

/** The darknet of the lab's captures (loopback, like the rest of the lab) unless told otherwise. */
export const labDarknet = '127.200.0.0/16';

export interface DarknetGeneratorOptions {
  file: string;
  format: 'pcap' | 'pcapng';
  /** IPv4 CIDR of the darknet, e.g. 127.200.0.0/16. */
  darknet: string;
  durationSeconds: number;
  seed: number;
  /** Multiplies the number of senders of every kind (1 = 20 Mirai, 10 other bots, 4 research, 6 victims, 20 noisy hosts, 4 DRDoS attacks and 2 decoys). */
  scale: number;
  /** Lab device addresses that are 'infected': they scan as Mirai or other bots. */
  infectedSources?: string[];
  /** Ranges the research scanners send from (default: labResearchRanges). */
  researchRanges?: readonly string[];
  linkType?: 1 | 101;
  nanosecond?: boolean;
  /** Capture start, microseconds since the epoch (default 2026-01-01T00:00:00Z). */
  startMicros?: number;
}

export interface DarknetTruthSource {
  ip: string;
  kind: DarknetSourceKind;
  family?: string;
  packets: number;
}

export interface DarknetTruth {
  darknet: string;
  startMicros: number;
  durationSeconds: number;
  researchRanges: readonly string[];
  packets: number;
  packetsByKind: Record<DarknetSourceKind, number>;
  /** Senders other than DRDoS reflectors (those are many per attack: `drdos` describes them). */
  sources: DarknetTruthSource[];
  /** Reflection attacks on darknet addresses (one entry per victim address), and replies that are not attacks. */
  drdos: { attacks: DrdosTruthAttack[]; decoys: DrdosTruthDecoy[] };
}

/**
 * Parse an IPv4 CIDR into base and size.
 * @example parseIpv4Cidr('127.200.0.0/16') // { base: 0x7fc80000, size: 65536 }
 */
export function parseIpv4Cidr(cidr: string): DarknetRange {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(cidr.trim());
  const prefix = match ? Number(match[2]) : -1;
  if (!match || prefix > 32 || match[1].split('.').some((part) => Number(part) > 255)) {
    throw new OpenNoticeError('SCOPE_INVALID', `not an IPv4 CIDR: ${cidr}`, { cidr });
  }
  const size = 2 ** (32 - prefix);
  const base = prefix === 0 ? 0 : (ipv4Number(match[1]) & (~0 << (32 - prefix))) >>> 0;
  return { base, size };
}

const baseCounts = { mirai: 20, other: 10, zmap: 2, masscan: 2, backscatter: 6, misconfiguration: 20 };

/**
 * Write a capture and return its ground truth.
 * @example const truth = await generateDarknetCapture({ file: 'd.pcapng', format: 'pcapng', darknet: '127.200.0.0/16', durationSeconds: 86400, seed: 1, scale: 1 })
 */
export async function generateDarknetCapture(options: DarknetGeneratorOptions): Promise<DarknetTruth> {
  const darknet = parseIpv4Cidr(options.darknet);
  const researchRanges = options.researchRanges ?? labResearchRanges;
  const start = options.startMicros ?? Date.UTC(2026, 0, 1) * 1000;
  const end = start + options.durationSeconds * 1e6;
  const random = createRandom(options.seed);
  const research = researchRanges.map(parseIpv4Cidr);
  const used = new Set<number>();
  const classic = planSources(random.fork('plans'), options, darknet, research, start, end, used);
  const drdos = planDrdos(random.fork('drdos'), options.scale, darknet, research, start, end, used);
  const plans: SourcePlan[] = [...classic, ...drdos];
  const streams = plans.map((_, index) => random.fork(index));
  const linkType = options.linkType ?? 101;
  const writerOptions: CaptureWriterOptions = { format: options.format, linkType, nanosecond: options.nanosecond };
  const writer = createCaptureWriter(options.file, writerOptions);

  const heap = new TimeHeap(plans.length);
  plans.forEach((plan, index) => {
    heap.push(index, plan.nextTime(streams[index], start));
  });
  // Bounded: each plan's schedule ends at `end` (or after its fixed count), so the heap empties.
  while (heap.size > 0) {
    const { index, time } = heap.pop();
    if (time === Infinity) break;
    const plan = plans[index];
    const ipPacket = plan.packet(streams[index]);
    plan.packets++;
    const pending = writer.write(Math.floor(time), linkType === 1 ? wrapEthernet(ipPacket) : ipPacket);
    if (pending) await pending;
    heap.push(index, plan.nextTime(streams[index], time));
  }
  await writer.close();

  const packetsByKind: Record<DarknetSourceKind, number> = { mirai: 0, 'bot-other': 0, 'research-scanner': 0, backscatter: 0, misconfiguration: 0, drdos: 0 };
  for (const plan of plans) packetsByKind[plan.kind] += plan.packets;
  return {
    darknet: options.darknet,
    startMicros: start,
    durationSeconds: options.durationSeconds,
    researchRanges,
    packets: writer.packetsWritten,
    packetsByKind,
    sources: classic.map((plan) => ({ ip: ipv4Text(plan.ip), kind: plan.kind, ...(plan.family ? { family: plan.family } : {}), packets: plan.packets })),
    drdos: {
      attacks: drdos.flatMap((plan) => plan.truth().attacks).sort((a, b) => a.start.localeCompare(b.start) || a.victim.localeCompare(b.victim)),
      decoys: drdos.flatMap((plan) => plan.truth().decoys),
    },
  };
}

function planSources(
  random: Random,
  options: DarknetGeneratorOptions,
  darknet: DarknetRange,
  research: DarknetRange[],
  start: number,
  end: number,
  used: Set<number>,
): SourcePlan[] {
  const count = (base: number): number => Math.max(options.scale > 0 ? 1 : 0, Math.round(base * options.scale));
  const fresh = (): number => randomSourceAddress(random, darknet, research, used);
  const plans: SourcePlan[] = [];
  (options.infectedSources ?? []).forEach((text, index) => {
    const ip = ipv4Number(text);
    used.add(ip);
    plans.push(index % 3 === 2 ? otherBotPlan(random, ip, darknet, start, end) : miraiPlan(random, ip, darknet, start, end));
  });
  for (let i = 0; i < count(baseCounts.mirai); i++) plans.push(miraiPlan(random, fresh(), darknet, start, end));
  for (let i = 0; i < count(baseCounts.other); i++) plans.push(otherBotPlan(random, fresh(), darknet, start, end));
  for (let i = 0; i < count(baseCounts.zmap) + count(baseCounts.masscan); i++) {
    const range = random.pick(research);
    let ip = (range.base + random.int(0, range.size - 1)) >>> 0;
    for (let attempt = 0; used.has(ip) && attempt < 64; attempt++) ip = (range.base + random.int(0, range.size - 1)) >>> 0;
    used.add(ip);
    plans.push(researchPlan(random, ip, i < count(baseCounts.zmap) ? 'zmap' : 'masscan', darknet, start, end));
  }
  for (let i = 0; i < count(baseCounts.backscatter); i++) plans.push(backscatterPlan(random, fresh(), darknet, start, end));
  for (let i = 0; i < count(baseCounts.misconfiguration); i++) plans.push(misconfigurationPlan(random, fresh(), darknet, start, end));
  return plans;
}

/** DRDoS backscatter: 3 attacks on one address each, 1 carpet bombing of 8 addresses in a /24, and 2 decoys (times `scale`). */
function planDrdos(random: Random, scale: number, darknet: DarknetRange, research: DarknetRange[], start: number, end: number, used: Set<number>): DrdosPlan[] {
  const count = (base: number): number => Math.max(scale > 0 ? 1 : 0, Math.round(base * scale));
  const fresh = (): number => randomSourceAddress(random, darknet, research, used);
  const pool = (size: number): number[] => Array.from({ length: size }, fresh);
  const victims = new Set<number>();
  const victim = (): number => {
    let address = (darknet.base + random.int(0, darknet.size - 1)) >>> 0;
    for (let attempt = 0; victims.has(address) && attempt < 64; attempt++) address = (darknet.base + random.int(0, darknet.size - 1)) >>> 0;
    victims.add(address);
    return address;
  };
  const plans: DrdosPlan[] = [];
  for (let i = 0; i < count(3); i++) plans.push(drdosAttackPlan(random, pool(random.int(20, 100)), [victim()], start, end));
  for (let i = 0; i < count(1); i++) {
    const carpet = victimsInOneNetwork(random, darknet, 8).filter((address) => !victims.has(address));
    for (const address of carpet) victims.add(address);
    if (carpet.length > 0) plans.push(drdosAttackPlan(random, pool(random.int(20, 100)), carpet, start, end));
  }
  for (let i = 0; i < count(1); i++) plans.push(strayReplyPlan(random, fresh(), victim(), start, end));
  for (let i = 0; i < count(1); i++) plans.push(resolverSurveyPlan(random, pool(random.int(400, 800)), victim(), start, end));
  return plans;
}

function inRange(ip: number, range: DarknetRange): boolean {
  return ip >= range.base && ip < range.base + range.size;
}

/** A public-looking unicast address outside the darknet, research ranges, loopback and private space. */
function randomSourceAddress(random: Random, darknet: DarknetRange, research: DarknetRange[], used: Set<number>): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const ip = random.int(0x01000000, 0xdfffffff) >>> 0;
    const first = ip >>> 24;
    if (first === 10 || first === 127 || first === 0 || ip >>> 16 === 0xc0a8 || ip >>> 20 === 0xac1) continue;
    if (inRange(ip, darknet) || research.some((range) => inRange(ip, range)) || used.has(ip)) continue;
    used.add(ip);
    return ip;
  }
  throw new OpenNoticeError('INTERNAL', 'could not find a free source address for the darknet generator');
}

/** Min-heap of (time, plan index) in typed arrays. */
class TimeHeap {
  private readonly times: Float64Array;
  private readonly indices: Uint32Array;
  size = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(Math.max(1, capacity));
    this.indices = new Uint32Array(Math.max(1, capacity));
  }

  push(index: number, time: number): void {
    if (time === Infinity) return;
    let slot = this.size++;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (this.times[parent] <= time) break;
      this.times[slot] = this.times[parent];
      this.indices[slot] = this.indices[parent];
      slot = parent;
    }
    this.times[slot] = time;
    this.indices[slot] = index;
  }

  pop(): { index: number; time: number } {
    const top = { index: this.indices[0], time: this.times[0] };
    const lastTime = this.times[--this.size];
    const lastIndex = this.indices[this.size];
    let slot = 0;
    for (;;) {
      let child = slot * 2 + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.times[child + 1] < this.times[child]) child++;
      if (this.times[child] >= lastTime) break;
      this.times[slot] = this.times[child];
      this.indices[slot] = this.indices[child];
      slot = child;
    }
    this.times[slot] = lastTime;
    this.indices[slot] = lastIndex;
    return top;
  }
}
