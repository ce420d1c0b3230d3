/**
 * Survey rounds over a changing lab population, for measuring the probe planner: the lab's
 * devices (their services and weaknesses as the lab's truth has them) placed as the Internet
 * places them — clustered in the /24s of access networks, with a few anywhere — and then, round
 * by round (a round is a week), devices appear, go offline, move to another address (mostly
 * within their /24, as DHCP moves them), change a service, and are fixed by their owners at the
 * pace the lab's remediation model gives for e-mailed notices. Most services sit on their usual
 * port; a long tail sits on another port of the sweep, as Censys and GPS report. No sockets: a
 * round is the truth a perfect full sweep would see.
 */
import { createRandom, type Random } from '../../../src/core/random.ts';
import type { DeviceType } from '../../../src/core/records.ts';
import { formatIPv4 } from '../../../src/scope/ipv4.ts';
import { parseLabCidr } from '../../../src/lab/options.ts';
import { generatePopulation } from '../../../src/lab/population.ts';
import { remediationModel } from '../../../src/lab/remediation.ts';
import { weaknessOf } from '../../../src/lab/truth.ts';

/** One open TCP port of a simulated device, with how many findings a survey would report on it. */
export interface RoundService {
  port: number;
  findings: number;
  /** Set when the service is not on its protocol's usual port (the long tail). */
  oddPort?: true;
}

export interface RoundDevice {
  /** Stable across rounds, whatever address the device has. */
  id: number;
  ip: string;
  deviceType: DeviceType;
  services: RoundService[];
}

/** What is there in one round: every live device. */
export interface ProbeRound {
  devices: RoundDevice[];
}

export interface ProbeRoundOptions {
  /** A loopback lab network, /16 to /24 (the planner's space is all of it). */
  cidr: string;
  seed: number;
  /** Devices live in the first round. */
  deviceCount: number;
  /** Rounds, the first included. */
  rounds: number;
  /** The sweep's ports: services are only ever on these (a full sweep could not see others). */
  ports: readonly number[];
}

/** Per-round chances (a round is a week), and how the population is spread. */
export const roundDynamics = {
  /** New devices per round, as a share of the first round's count. */
  appear: 0.03,
  /** Devices that go offline for good. */
  vanish: 0.02,
  /** Devices that get another address; of those, the share that stays in its /24. */
  move: 0.06,
  moveWithinPrefix: 0.8,
  /** Devices whose services change (one closed, or one opened on another port). */
  change: 0.03,
  /** Share of /24s with devices in them, and the share of devices placed anywhere instead. */
  occupiedPrefixes: 0.3,
  scattered: 0.15,
  /** Share of services on a port of the sweep that is not their usual one (the long tail). */
  oddPort: 0.04,
  /** Days per round, for the remediation model's days-to-fix. */
  daysPerRound: 7,
} as const;

/**
 * Generate the rounds; the same options give the same rounds.
 * @example generateProbeRounds({ cidr: '127.153.0.0/20', seed: 1, deviceCount: 300, rounds: 5, ports: [21, 22, 23, 80, 554] }).length // 5
 */
export function generateProbeRounds(options: ProbeRoundOptions): ProbeRound[] {
  const random = createRandom(options.seed).fork('probe-rounds');
  const network = parseLabCidr(options.cidr);
  const size = 2 ** (32 - network.prefixLength);
  const prefixCount = Math.max(1, size / 256);
  const occupied = pickDistinct(prefixCount, Math.max(1, Math.round(prefixCount * roundDynamics.occupiedPrefixes)), random.fork('prefixes'));
  const arrivals = Math.ceil(options.deviceCount * roundDynamics.appear);
  const total = options.deviceCount + arrivals * Math.max(0, options.rounds - 1);
  const profiles = deviceProfiles(options, total);
  const taken = new Set<number>();
  const place = (draw: Random, prefix?: number): number => {
    for (;;) {
      const chosenPrefix = prefix ?? (draw.chance(roundDynamics.scattered) ? draw.int(0, prefixCount - 1) : occupied[draw.int(0, occupied.length - 1)]!);
      const host = draw.int(1, Math.min(254, size - 1));
      const address = network.network + ((chosenPrefix * 256 + host) % size);
      if (!taken.has(address)) {
        taken.add(address);
        return address;
      }
    }
  };
  const fixes = remediationModel({ seed: options.seed, channel: 'email' });
  const fixRound = (id: number) => {
    const decision = fixes.decide(`device-${id}`);
    return decision.fixes ? Math.ceil(decision.afterDays! / roundDynamics.daysPerRound) : Infinity;
  };

  interface Live {
    id: number;
    address: number;
    deviceType: DeviceType;
    services: RoundService[];
    /** The first round it is live in: it is fixed that many rounds plus its days-to-fix later. */
    since: number;
  }
  const live = new Map<number, Live>();
  let nextProfile = 0;
  const arrive = (round: number, draw: Random) => {
    const profile = profiles[nextProfile]!;
    live.set(nextProfile, {
      id: nextProfile,
      address: place(draw),
      deviceType: profile.deviceType,
      services: profile.services.map((s) => ({ ...s })),
      since: round,
    });
    nextProfile++;
  };
  const first = random.fork('first');
  for (let index = 0; index < options.deviceCount; index++) arrive(0, first);

  const rounds: ProbeRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const draw = random.fork(`round:${round}`);
    if (round > 0) {
      for (const device of [...live.values()]) {
        if (draw.chance(roundDynamics.vanish)) {
          live.delete(device.id);
          taken.delete(device.address);
          continue;
        }
        if (draw.chance(roundDynamics.move)) {
          taken.delete(device.address);
          const prefix = Math.floor((device.address - network.network) / 256);
          device.address = place(draw, draw.chance(roundDynamics.moveWithinPrefix) ? prefix : undefined);
        }
        if (draw.chance(roundDynamics.change)) changeServices(device.services, options.ports, draw);
        if (round - device.since >= fixRound(device.id)) for (const service of device.services) service.findings = 0;
      }
      for (let index = 0; index < arrivals && nextProfile < profiles.length; index++) arrive(round, draw);
    }
    rounds.push({
      devices: [...live.values()]
        .sort((a, b) => a.address - b.address)
        .map((device) => ({ id: device.id, ip: formatIPv4(device.address), deviceType: device.deviceType, services: device.services.map((s) => ({ ...s })) })),
    });
  }
  return rounds;
}

/** The lab's devices' TCP services and weaknesses, on the sweep's ports, a long tail moved to other ports. */
function deviceProfiles(options: ProbeRoundOptions, count: number): Array<{ deviceType: DeviceType; services: RoundService[] }> {
  const population = generatePopulation({ cidr: options.cidr, seed: options.seed, deviceCount: Math.min(count, labCapacity(options.cidr)), hostile: false });
  const sweep = new Set(options.ports);
  const random = createRandom(options.seed).fork('odd-ports');
  const profiles = population.map((device) => {
    const services: RoundService[] = [];
    for (const service of device.services) {
      const moved = random.chance(roundDynamics.oddPort);
      const port = moved ? options.ports[random.int(0, options.ports.length - 1)]! : service.port;
      if (!sweep.has(port) || services.some((known) => known.port === port)) continue;
      const oddPort = port !== service.port || service.movedFrom !== undefined;
      services.push({ port, findings: weaknessOf(service).length, ...(oddPort ? { oddPort: true as const } : {}) });
    }
    return { deviceType: device.identity?.deviceType ?? 'other', services };
  });
  // A network too small for every arrival reuses profiles (as more units of the same models).
  return Array.from({ length: count }, (_, index) => profiles[index % profiles.length]!).filter((profile) => profile.services.length > 0);
}

/** How many devices the lab can place in the network (it leaves out .0 and .255). */
function labCapacity(cidr: string): number {
  const size = 2 ** (32 - parseLabCidr(cidr).prefixLength);
  return Math.max(1, Math.floor((size * 254) / 256) - 1);
}

/** One service closed (when there are several), or one opened on a port of the sweep it did not have. */
function changeServices(services: RoundService[], ports: readonly number[], draw: Random): void {
  if (services.length > 1 && draw.chance(0.5)) {
    services.splice(draw.int(0, services.length - 1), 1);
    return;
  }
  const port = ports[draw.int(0, ports.length - 1)]!;
  if (services.some((service) => service.port === port)) return;
  // The device's one account is used on the new service too: weak there if weak anywhere.
  services.push({ port, findings: services.some((service) => service.findings > 0) ? 1 : 0 });
}

/** `count` distinct numbers of 0..size-1. */
function pickDistinct(size: number, count: number, random: Random): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, size)) chosen.add(random.int(0, size - 1));
  return [...chosen];
}
