/**
 * The C&C lab: a generated bot population's flows with the truth, for measuring the detector
 * (tests and bench/cnc.ts; production never imports it). Nothing is sent anywhere: flows are
 * records. The population:
 *   - known bots (the store would know them: infected findings, darknet scanners, honeypot
 *     bots) and unknown bots (infected, not yet found: they look like ordinary devices),
 *     each in a family that beacons to its C&C endpoints with jitter and missed calls;
 *     one small family has only three known bots, the fewest the rules accept;
 *   - every device, bots included, asks the resolvers and time servers (allowlisted), and
 *     contacts decoys — vendor clouds many benign devices contact, some on a strict heartbeat;
 *   - the vulnerable model's cloud: bots are mostly of one camera model, and every device of
 *     that model (infected or not) keeps a heartbeat to its vendor's cloud, so that decoy's
 *     bot share is several times the population's — lift alone would call it C&C;
 *   - noise: web visits to random endpoints, and bots scanning (hot scan targets many bots
 *     hit once each, which are bot-heavy but not C&C).
 */
import { createRandom, type Random } from '../../src/core/random.ts';
import { candidateKey, type CncCandidate } from '../../src/cnc/candidate.ts';
import type { FlowRecord } from '../../src/flows/flow-record.ts';

export interface CncLabOptions {
  seed: number;
  devices: number;
  knownBots: number;
  unknownBots: number;
  hours: number;
}

export const defaultCncLabOptions: CncLabOptions = { seed: 16, devices: 1500, knownBots: 150, unknownBots: 25, hours: 6 };

export interface CncLab {
  flows: FlowRecord[];
  knownBots: Set<string>;
  /** candidateKey of every C&C endpoint. */
  cncEndpoints: Set<string>;
  /** candidateKey of every decoy (popular with benign devices). */
  decoys: Set<string>;
}

interface Family {
  name: string;
  endpoints: Array<{ address: string; port: number; protocol: number }>;
  periodSeconds: number;
  /** Share of the family's bots that are known. */
  knownBots: number;
}

const startMs = Date.parse('2026-11-02T00:00:00.000Z');
const deviceAddress = (index: number) => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;

function flow(source: string, destination: string, port: number, protocol: number, atMs: number, random: Random): FlowRecord {
  return {
    exporter: '192.0.2.1/0',
    sourceAddress: source,
    destinationAddress: destination,
    sourcePort: random.int(1024, 65535),
    destinationPort: port,
    protocol,
    packets: random.int(2, 12),
    bytes: random.int(120, 4000),
    startMs: Math.round(atMs),
    endMs: Math.round(atMs) + random.int(5, 900),
  };
}

/** Contacts every `periodSeconds` ± jitter from a random phase, with some calls missed. */
function beacon(random: Random, durationMs: number, periodSeconds: number, jitter: number, missed: number, emit: (atMs: number) => void): void {
  for (let at = random.next() * periodSeconds * 1000; at < durationMs; at += periodSeconds * 1000) {
    if (random.chance(missed)) continue;
    emit(startMs + at + (random.next() * 2 - 1) * jitter * periodSeconds * 1000);
  }
}

/**
 * Generate the lab's flows and truth, reproducibly from the seed.
 * @example const lab = generateCncLab({ ...defaultCncLabOptions, seed: 7 })
 */
export function generateCncLab(options: CncLabOptions = defaultCncLabOptions): CncLab {
  const random = createRandom(options.seed);
  const durationMs = options.hours * 3_600_000;
  const flows: FlowRecord[] = [];
  const families: Family[] = [
    { name: 'mirai-a', endpoints: [{ address: '198.51.100.10', port: 23, protocol: 6 }], periodSeconds: 120, knownBots: 50 },
    {
      name: 'mirai-b',
      endpoints: [
        { address: '198.51.100.20', port: 48101, protocol: 6 },
        { address: '198.51.100.21', port: 48101, protocol: 6 },
      ],
      periodSeconds: 300,
      knownBots: 40,
    },
    { name: 'gafgyt', endpoints: [{ address: '198.51.100.30', port: 666, protocol: 6 }], periodSeconds: 60, knownBots: 30 },
    { name: 'mozi-like', endpoints: [{ address: '198.51.100.40', port: 6881, protocol: 17 }], periodSeconds: 600, knownBots: 17 },
    { name: 'qakbot-like', endpoints: [{ address: '198.51.100.50', port: 443, protocol: 6 }], periodSeconds: 900, knownBots: 10 },
    { name: 'small', endpoints: [{ address: '198.51.100.60', port: 8080, protocol: 6 }], periodSeconds: 240, knownBots: 3 },
  ];
  const decoys = [
    ...Array.from({ length: 4 }, (_, index) => ({
      address: `203.0.113.${10 + index}`,
      port: 443,
      protocol: 6,
      heartbeatSeconds: 300 + index * 60,
      share: 0.3 + index * 0.1,
    })),
    ...Array.from({ length: 8 }, (_, index) => ({
      address: `203.0.113.${30 + index}`,
      port: index % 2 === 0 ? 443 : 8883,
      protocol: 6,
      heartbeatSeconds: 0,
      share: 0.1 + index * 0.05,
    })),
  ];
  /** The vulnerable model's vendor cloud: most bots, and more benign devices of the same model. */
  const modelCloud = { address: '203.0.113.90', port: 443, protocol: 6, heartbeatSeconds: 120 };
  const hotScanTargets = Array.from({ length: 6 }, (_, index) => `100.64.${index}.1`);

  const knownBots = new Set<string>();
  const botFamily = new Map<string, Family>();
  let nextDevice = 1;
  const familyTotal = families.reduce((sum, family) => sum + family.knownBots, 0);
  for (const family of families) {
    // The small family keeps exactly three known bots at any scale: the fewest the rules accept.
    const known = family.name === 'small' ? 3 : Math.round((family.knownBots * options.knownBots) / familyTotal);
    const unknown = family.name === 'small' ? 2 : Math.round((known * options.unknownBots) / options.knownBots);
    for (let index = 0; index < known + unknown; index++) {
      const address = deviceAddress(nextDevice++);
      botFamily.set(address, family);
      if (index < known) knownBots.add(address);
    }
  }
  const firstBenign = nextDevice;
  // Benign devices of the vulnerable model: one and a half times as many as its bots.
  const modelDevices = Math.round(((firstBenign - 1) * 0.8 * 3) / 2);
  nextDevice = Math.max(nextDevice, options.devices + 1);

  for (let index = 1; index < nextDevice; index++) {
    const device = deviceAddress(index);
    const deviceRandom = random.fork(device);
    // Every device: resolvers and time servers (allowlisted), hourly-ish.
    beacon(deviceRandom, durationMs, 1800, 0.5, 0, (at) => flows.push(flow(device, deviceRandom.pick(['8.8.8.8', '1.1.1.1']), 53, 17, at, deviceRandom)));
    beacon(deviceRandom, durationMs, 3600, 0.1, 0, (at) => flows.push(flow(device, '216.239.35.0', 123, 17, at, deviceRandom)));
    for (const decoy of decoys) {
      if (!deviceRandom.chance(decoy.share)) continue;
      if (decoy.heartbeatSeconds > 0)
        beacon(deviceRandom, durationMs, decoy.heartbeatSeconds, 0.02, 0.01, (at) =>
          flows.push(flow(device, decoy.address, decoy.port, decoy.protocol, at, deviceRandom)),
        );
      else
        for (let visit = deviceRandom.int(1, 6); visit > 0; visit--)
          flows.push(flow(device, decoy.address, decoy.port, decoy.protocol, startMs + deviceRandom.next() * durationMs, deviceRandom));
    }
    const family = botFamily.get(device);
    const ofVulnerableModel = family ? deviceRandom.chance(0.8) : index - firstBenign < modelDevices;
    if (ofVulnerableModel)
      beacon(deviceRandom, durationMs, modelCloud.heartbeatSeconds, 0.02, 0.01, (at) =>
        flows.push(flow(device, modelCloud.address, modelCloud.port, modelCloud.protocol, at, deviceRandom)),
      );
    // Web noise: a few random endpoints, a few visits each.
    for (let site = deviceRandom.int(2, 8); site > 0; site--) {
      const address = `100.${deviceRandom.int(65, 127)}.${deviceRandom.int(0, 255)}.${deviceRandom.int(1, 254)}`;
      for (let visit = deviceRandom.int(1, 4); visit > 0; visit--)
        flows.push(flow(device, address, 443, 6, startMs + deviceRandom.next() * durationMs, deviceRandom));
    }
    if (!family || index >= firstBenign) continue;
    for (const endpoint of family.endpoints)
      beacon(deviceRandom, durationMs, family.periodSeconds, 0.1, 0.05, (at) =>
        flows.push(flow(device, endpoint.address, endpoint.port, endpoint.protocol, at, deviceRandom)),
      );
    // Scanning: random addresses once each, and the hot targets every scanner hits.
    for (let probe = 0; probe < 200; probe++)
      flows.push(
        flow(
          device,
          `100.${deviceRandom.int(128, 191)}.${deviceRandom.int(0, 255)}.${deviceRandom.int(1, 254)}`,
          deviceRandom.pick([23, 2323]),
          6,
          startMs + deviceRandom.next() * durationMs,
          deviceRandom,
        ),
      );
    for (const target of hotScanTargets)
      if (deviceRandom.chance(0.3)) flows.push(flow(device, target, 23, 6, startMs + deviceRandom.next() * durationMs, deviceRandom));
  }
  flows.sort((a, b) => a.startMs - b.startMs);
  return {
    flows,
    knownBots,
    cncEndpoints: new Set(families.flatMap((family) => family.endpoints.map((endpoint) => candidateKey({ endpoint: endpoint.address, ...endpoint })))),
    decoys: new Set([...decoys, modelCloud].map((decoy) => candidateKey({ endpoint: decoy.address, ...decoy }))),
  };
}

/** Precision and recall of candidates against the lab's truth, with the misses named. */
export function measureAgainstTruth(candidates: readonly Pick<CncCandidate, 'endpoint' | 'port' | 'protocol'>[], truth: ReadonlySet<string>) {
  const found = new Set(candidates.map(candidateKey));
  const truePositives = [...found].filter((key) => truth.has(key));
  return {
    precision: found.size === 0 ? 0 : truePositives.length / found.size,
    recall: truth.size === 0 ? 1 : truePositives.length / truth.size,
    falsePositives: [...found].filter((key) => !truth.has(key)),
    missed: [...truth].filter((key) => !found.has(key)),
  };
}
