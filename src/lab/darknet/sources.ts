/**
 * The kinds of senders a darknet sees, each as a small plan that says when its next packet
 * arrives and what it looks like. Rates are those of real senders towards the whole IPv4
 * space; the share that lands in a darknet of N addresses is rate·N/2^32 (uniform targets).
 */
import type { Random } from '../../core/random.ts';
import { buildIcmpEcho, buildIcmpUnreachable, buildTcp, buildUdp, ipv4Bytes, tcpFlag } from './packet-builders.ts';

/** `drdos`: reflection attacks on darknet addresses and their decoys (many reflectors each: drdos-plans.ts). */
export type DarknetSourceKind = 'mirai' | 'bot-other' | 'research-scanner' | 'backscatter' | 'misconfiguration' | 'drdos';

/** A darknet as a base address and a size (IPv4 only). */
export interface DarknetRange {
  base: number;
  size: number;
}

/** One sender: its identity for the ground truth and how it emits. */
export interface SourcePlan {
  ip: number;
  kind: DarknetSourceKind;
  family?: string;
  /** Microseconds; the plan is exhausted when this returns Infinity. */
  nextTime(random: Random, afterMicros: number): number;
  /** The IP packet sent at this time. */
  packet(random: Random): Uint8Array;
  packets: number;
}

const ipv4Space = 2 ** 32;

/** Exponential gap (Poisson arrivals) for `ratePerSecond`, in microseconds. */
function poissonGap(random: Random, ratePerSecond: number): number {
  return (-Math.log(1 - random.next()) / ratePerSecond) * 1e6;
}

/** Arrivals at `wholeSpaceRate` packets/s towards all of IPv4, within [start, end). */
function poissonSchedule(wholeSpaceRate: number, darknet: DarknetRange, start: number, end: number): SourcePlan['nextTime'] {
  const rate = (wholeSpaceRate * darknet.size) / ipv4Space;
  return (random, after) => {
    const time = Math.max(after, start) + poissonGap(random, rate);
    return time < end ? time : Infinity;
  };
}

/** An active window covering at least `minShare` of [start, end). */
function activeWindow(random: Random, start: number, end: number, minShare: number): [number, number] {
  const span = end - start;
  const length = span * (minShare + (1 - minShare) * random.next());
  const from = start + (span - length) * random.next();
  return [from, from + length];
}

function darknetAddress(random: Random, darknet: DarknetRange): number {
  return (darknet.base + Math.floor(random.next() * darknet.size)) >>> 0;
}

const miraiPorts = [23, 2323, 80, 8080, 37215, 52869];
const otherBotPorts = [23, 2323, 22, 80, 81, 8080, 5555, 7547, 37215, 52869, 8443, 60001];
const researchPorts = [22, 23, 80, 443, 445, 3389, 7547, 8080, 502, 1883];

/**
 * Mirai-like scanner: TCP SYN with seq = destination address, port 23 about 90% of the time
 * (2323 most of the rest; later variants add 80, 8080, 37215, 52869).
 */
export function miraiPlan(random: Random, ip: number, darknet: DarknetRange, start: number, end: number): SourcePlan {
  const [from, to] = activeWindow(random, start, end, 0.6);
  const src = ipv4Bytes(ip);
  const ttl = random.int(40, 60);
  return {
    ip,
    kind: 'mirai',
    family: 'mirai',
    packets: 0,
    nextTime: poissonSchedule(random.int(100, 200), darknet, from, to),
    packet: (r) => {
      const dst = darknetAddress(r, darknet);
      const roll = r.next();
      const dstPort = roll < 0.9 ? 23 : roll < 0.96 ? 2323 : r.pick(miraiPorts);
      return buildTcp({
        src,
        dst: ipv4Bytes(dst),
        ttl,
        ipId: r.int(0, 0xffff),
        srcPort: r.int(1024, 65535),
        dstPort,
        seq: dst,
        flags: tcpFlag.syn,
        window: r.int(1, 0xffff),
      });
    },
  };
}

/** Other IoT bots (Gafgyt-, Hajime-, Mozi-like): SYNs to IoT ports, random sequence numbers. */
export function otherBotPlan(random: Random, ip: number, darknet: DarknetRange, start: number, end: number): SourcePlan {
  const [from, to] = activeWindow(random, start, end, 0.6);
  const src = ipv4Bytes(ip);
  const ttl = random.int(40, 60);
  const ports = otherBotPorts.filter(() => random.chance(0.5)).concat([23]);
  return {
    ip,
    kind: 'bot-other',
    family: random.pick(['gafgyt', 'hajime', 'mozi']),
    packets: 0,
    nextTime: poissonSchedule(random.int(80, 200), darknet, from, to),
    packet: (r) =>
      buildTcp({
        src,
        dst: ipv4Bytes(darknetAddress(r, darknet)),
        ttl,
        ipId: r.int(0, 0xffff),
        srcPort: r.int(1024, 65535),
        dstPort: r.pick(ports),
        seq: r.int(0, 0xffffffff),
        flags: tcpFlag.syn,
        window: 14600,
      }),
  };
}

/**
 * Research scanner campaign of 1–3 hours. ZMap sets IP id 54321; masscan sets
 * id = (dst ^ dport ^ seq) & 0xffff (masscan src/templ-pkt.c, tcp_create_packet).
 */
export function researchPlan(random: Random, ip: number, tool: 'zmap' | 'masscan', darknet: DarknetRange, start: number, end: number): SourcePlan {
  const campaign = Math.min(end - start, random.int(1, 3) * 3600e6);
  const from = start + (end - start - campaign) * random.next();
  const src = ipv4Bytes(ip);
  const ports = tool === 'zmap' ? [random.pick(researchPorts)] : researchPorts.filter(() => random.chance(0.5)).concat([80]);
  const sourcePort = random.int(32768, 61000);
  return {
    ip,
    kind: 'research-scanner',
    family: tool,
    packets: 0,
    nextTime: poissonSchedule(random.int(5000, 20000), darknet, from, from + campaign),
    packet: (r) => {
      const dst = darknetAddress(r, darknet);
      const dstPort = r.pick(ports);
      const seq = r.int(0, 0xffffffff);
      const ipId = tool === 'zmap' ? 54321 : (dst ^ dstPort ^ seq) & 0xffff;
      return buildTcp({
        src,
        dst: ipv4Bytes(dst),
        ttl: 250,
        ipId,
        srcPort: tool === 'zmap' ? sourcePort : 61000,
        dstPort,
        seq,
        flags: tcpFlag.syn,
        window: tool === 'zmap' ? 65535 : 1024,
      });
    },
  };
}

/**
 * A DDoS victim (or its router) answering floods whose spoofed sources fall in the darknet:
 * SYN-ACKs or RSTs from the attacked port, ICMP unreachables quoting the spoofed packet, or
 * DNS responses.
 */
export function backscatterPlan(random: Random, ip: number, darknet: DarknetRange, start: number, end: number): SourcePlan {
  const attack = Math.min(end - start, random.int(5, 30) * 60e6);
  const from = start + (end - start - attack) * random.next();
  const style = random.pick(['syn-ack', 'rst', 'icmp', 'dns'] as const);
  const src = ipv4Bytes(ip);
  const servicePort = style === 'dns' ? 53 : random.pick([80, 443, 25565, 27015]);
  return {
    ip,
    kind: 'backscatter',
    family: style,
    packets: 0,
    nextTime: poissonSchedule(random.int(20000, 200000), darknet, from, from + attack),
    packet: (r) => {
      const spoofed = ipv4Bytes(darknetAddress(r, darknet));
      const spoofedPort = r.int(1024, 65535);
      switch (style) {
        case 'syn-ack':
          return buildTcp({
            src,
            dst: spoofed,
            ipId: r.int(0, 0xffff),
            srcPort: servicePort,
            dstPort: spoofedPort,
            seq: r.int(0, 0xffffffff),
            ack: r.int(0, 0xffffffff),
            flags: tcpFlag.syn | tcpFlag.ack,
            window: 29200,
          });
        case 'rst':
          return buildTcp({
            src,
            dst: spoofed,
            ipId: 0,
            srcPort: servicePort,
            dstPort: spoofedPort,
            seq: 0,
            ack: r.int(0, 0xffffffff),
            flags: tcpFlag.rst | tcpFlag.ack,
            window: 0,
          });
        case 'icmp': {
          const flood = buildUdp({ src: spoofed, dst: src, srcPort: spoofedPort, dstPort: servicePort, payload: new Uint8Array(16) });
          // The victim itself answers port-unreachable to the (spoofed) sender.
          return buildIcmpUnreachable({ src, dst: spoofed, code: 3, offending: flood });
        }
        case 'dns':
          return buildUdp({ src, dst: spoofed, ipId: r.int(0, 0xffff), srcPort: 53, dstPort: spoofedPort, payload: dnsResponse(r.int(0, 0xffff)) });
      }
    },
  };
}

/** A minimal DNS response header (QR set, no records): enough for a reader to see it is a reply. */
function dnsResponse(id: number): Uint8Array {
  return Uint8Array.of(id >> 8, id & 0xff, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0);
}

/** A misconfigured host: a handful of packets (UDP, SYN or ping) to one darknet address. */
export function misconfigurationPlan(random: Random, ip: number, darknet: DarknetRange, start: number, end: number): SourcePlan {
  const count = random.int(1, 5);
  const times = Array.from({ length: count }, () => start + (end - start) * random.next()).sort((a, b) => a - b);
  const src = ipv4Bytes(ip);
  const dst = ipv4Bytes(darknetAddress(random, darknet));
  const style = random.pick(['udp', 'syn', 'ping'] as const);
  const port = random.pick([123, 161, 514, 1900, 5060, 8883]);
  let emitted = 0;
  return {
    ip,
    kind: 'misconfiguration',
    family: style,
    packets: 0,
    nextTime: () => (emitted < times.length ? times[emitted++] : Infinity),
    packet: (r) => {
      if (style === 'udp') return buildUdp({ src, dst, ipId: r.int(0, 0xffff), srcPort: port, dstPort: port, payload: new Uint8Array(24) });
      if (style === 'syn')
        return buildTcp({
          src,
          dst,
          ipId: r.int(0, 0xffff),
          srcPort: r.int(1024, 65535),
          dstPort: port,
          seq: r.int(0, 0xffffffff),
          flags: tcpFlag.syn,
          window: 64240,
        });
      return buildIcmpEcho({ src, dst, ipId: r.int(0, 0xffff), identifier: r.int(0, 0xffff), sequence: emitted });
    },
  };
}
