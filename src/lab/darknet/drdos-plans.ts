/**
 * DRDoS backscatter for the lab's darknet: reflection attacks whose spoofed victims are darknet
 * addresses (one address, or carpet bombing of several in one /24), and decoys that look like
 * them but are not attacks — one NTP server's stray replies, and a survey of open resolvers
 * that used a darknet address as its source, so each resolver answers once. Every plan knows
 * what it sent, so detection is scored against the truth. Lab rates are scaled down (hundreds
 * to thousands of replies per victim, where real attacks send millions): the thresholds are
 * about counts, not speed.
 */
import type { Random } from '../../core/random.ts';
import { shippedReflectorPorts } from '../../darknet/classify/reflector-ports.ts';
import { buildUdp, ipv4Bytes, ipv4Text } from './packet-builders.ts';
import type { DarknetRange, SourcePlan } from './sources.ts';

/** A reflection attack on one darknet address, as sent. */
export interface DrdosTruthAttack {
  victim: string;
  protocol: string;
  port: number;
  /** First and last reply (ISO-8601). */
  start: string;
  end: string;
  packets: number;
  /** Distinct reflectors that replied to this victim. */
  reflectors: number;
}

/** Replies that are not an attack, and why. */
export interface DrdosTruthDecoy {
  victim: string;
  kind: 'single-reflector' | 'resolver-survey';
  protocol: string;
  packets: number;
  reflectors: number;
}

export interface DrdosPlan extends SourcePlan {
  /** What the plan sent, once it is exhausted. */
  truth(): { attacks: DrdosTruthAttack[]; decoys: DrdosTruthDecoy[] };
}

/** Reply sizes (UDP payload bytes) per protocol: under the MTU, so no reply is fragmented. */
const replyBytes: Record<string, number> = { ntp: 468, dns: 1200, ssdp: 320, memcached: 1400, cldap: 1400, snmp: 1100, chargen: 1000, 'ws-discovery': 900 };
const attackProtocols = Object.keys(replyBytes);

function portOf(protocol: string): number {
  return shippedReflectorPorts.reflectors.find((entry) => entry.name === protocol)!.port;
}

interface VictimTally {
  packets: number;
  first: number;
  last: number;
  reflectors: Set<number>;
}

/**
 * Replies from `reflectors` to `victims`, at a steady Poisson rate over [from, from + span).
 * `total` replies are expected; each picks a reflector and a victim at random (or walks the
 * reflectors once each, for a survey).
 */
function replyPlan(
  random: Random,
  options: { reflectors: number[]; victims: number[]; protocol: string; total: number; from: number; span: number; oncePerReflector?: boolean },
  describe: (victim: string, tally: VictimTally) => { attack?: DrdosTruthAttack; decoy?: DrdosTruthDecoy },
): DrdosPlan {
  const port = portOf(options.protocol);
  const rate = options.total / (options.span / 1e6);
  const end = options.from + options.span;
  const victimPort = random.int(1024, 65535);
  const tallies = new Map<number, VictimTally>();
  let sent = 0;
  let nextTime = options.from;
  return {
    ip: options.reflectors[0]!,
    kind: 'drdos',
    packets: 0,
    nextTime: (r, after) => {
      if (options.oncePerReflector && sent >= options.reflectors.length) return Infinity;
      nextTime = Math.max(after, options.from) + (-Math.log(1 - r.next()) / rate) * 1e6;
      return nextTime < end ? nextTime : Infinity;
    },
    packet: (r) => {
      const reflector = options.oncePerReflector ? options.reflectors[sent]! : r.pick(options.reflectors);
      const victim = r.pick(options.victims);
      sent++;
      const tally = tallies.get(victim) ?? { packets: 0, first: nextTime, last: nextTime, reflectors: new Set<number>() };
      tally.packets++;
      tally.last = nextTime;
      tally.reflectors.add(reflector);
      tallies.set(victim, tally);
      return buildUdp({
        src: ipv4Bytes(reflector),
        dst: ipv4Bytes(victim),
        ipId: r.int(0, 0xffff),
        srcPort: port,
        dstPort: victimPort,
        payload: new Uint8Array(replyBytes[options.protocol] ?? 400),
      });
    },
    truth: () => {
      const attacks: DrdosTruthAttack[] = [];
      const decoys: DrdosTruthDecoy[] = [];
      for (const [victim, tally] of tallies) {
        const { attack, decoy } = describe(ipv4Text(victim), tally);
        if (attack) attacks.push(attack);
        if (decoy) decoys.push(decoy);
      }
      return { attacks, decoys };
    },
  };
}

const iso = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

/** A window of `span` µs placed at random inside [start, end). */
function placed(random: Random, start: number, end: number, span: number): { from: number; span: number } {
  const length = Math.min(span, end - start);
  return { from: start + (end - start - length) * random.next(), span: length };
}

/**
 * A reflection attack: 20–100 reflectors of one protocol answering 3–15 minutes, each about
 * three times or more (150–600 replies, at least 3 per reflector), to one darknet address — or,
 * carpet bombing, as many to each of `victims` addresses of one /24.
 * @example plans.push(drdosAttackPlan(random, reflectorPool, [victim], start, end))
 */
export function drdosAttackPlan(random: Random, reflectors: number[], victims: number[], start: number, end: number): DrdosPlan {
  const protocol = random.pick(attackProtocols);
  const total = victims.length * Math.max(3 * reflectors.length, random.int(150, 600));
  return replyPlan(random, { reflectors, victims, protocol, total, ...placed(random, start, end, random.int(3, 15) * 60e6) }, (victim, tally) => ({
    attack: {
      victim,
      protocol,
      port: portOf(protocol),
      start: iso(tally.first),
      end: iso(tally.last),
      packets: tally.packets,
      reflectors: tally.reflectors.size,
    },
  }));
}

/**
 * One NTP server's replies to one darknet address: 300–600 of them over 10–30 minutes.
 * @example plans.push(strayReplyPlan(random, ntpServer, victim, start, end))
 */
export function strayReplyPlan(random: Random, reflector: number, victim: number, start: number, end: number): DrdosPlan {
  return replyPlan(
    random,
    { reflectors: [reflector], victims: [victim], protocol: 'ntp', total: random.int(300, 600), ...placed(random, start, end, random.int(10, 30) * 60e6) },
    (address, tally) => ({ decoy: { victim: address, kind: 'single-reflector', protocol: 'ntp', packets: tally.packets, reflectors: tally.reflectors.size } }),
  );
}

/**
 * A survey of open resolvers sent from a darknet address: each resolver answers once, over 30–60 minutes.
 * @example plans.push(resolverSurveyPlan(random, resolvers, victim, start, end))
 */
export function resolverSurveyPlan(random: Random, resolvers: number[], victim: number, start: number, end: number): DrdosPlan {
  return replyPlan(
    random,
    {
      reflectors: resolvers,
      victims: [victim],
      protocol: 'dns',
      total: resolvers.length,
      oncePerReflector: true,
      ...placed(random, start, end, random.int(30, 60) * 60e6),
    },
    (address, tally) => ({ decoy: { victim: address, kind: 'resolver-survey', protocol: 'dns', packets: tally.packets, reflectors: tally.reflectors.size } }),
  );
}

/**
 * `count` darknet addresses of one /24 (or of the whole darknet when it is smaller).
 * @example victimsInOneNetwork(random, { base: 0x7fc80000, size: 65536 }, 8) // 8 addresses of one 127.200.x.0/24
 */
export function victimsInOneNetwork(random: Random, darknet: DarknetRange, count: number): number[] {
  const network = darknet.size > 256 ? darknet.base + random.int(0, darknet.size / 256 - 1) * 256 : darknet.base;
  const size = Math.min(256, darknet.size);
  const victims = new Set<number>();
  for (let attempt = 0; victims.size < Math.min(count, size) && attempt < count * 20; attempt++) victims.add((network + random.int(0, size - 1)) >>> 0);
  return [...victims];
}
