/**
 * From darknet scanners to `infected` findings: a scanner whose address lies in the address
 * space the program surveys (or has attributed to its ISPs) is an infected device to notify.
 * One finding per address, however many windows saw it; scanners elsewhere stay statistics.
 */
import type { DarknetSourceRecord, DarknetWindow, Finding } from '../core/records.ts';
import type { RunStore } from '../store/roles/runs.ts';
import { AddressSpace } from '../scope/address-space.ts';
import type { AddressSet } from '../scope/cidr.ts';
import { parseIPv4 } from '../scope/ipv4.ts';

/** Checks whose runs survey devices (their scopes are the surveyed space). */
const observationChecks = new Set(['darknet', 'honeypot']);

/**
 * How sure a scanner is an infected device: Mirai's fingerprint is specific to the botnet;
 * an unlisted ZMap/masscan sender may be an unannounced researcher; other SYN scanners of
 * IoT ports are bots more often than not.
 */
export function infectionConfidence(source: Pick<DarknetSourceRecord, 'family' | 'tool'>): number {
  if (source.family === 'mirai') return 0.95;
  if (source.tool !== undefined) return 0.6;
  return 0.8;
}

/**
 * The surveyed space: the scopes (less exclusions) of every survey run in the store, plus
 * extra CIDRs (e.g. ISP prefixes). IPv4: the IPv6 parts of a run's scope are left out, as the
 * darknet classifies IPv4 sources.
 * @example const space = await surveyedSpace(store, ['198.51.100.0/24'])
 */
export async function surveyedSpace(store: RunStore, extra: readonly string[] = []): Promise<AddressSet> {
  const v4 = (cidrs: readonly string[]) => AddressSpace.fromCidrs(cidrs).v4;
  let space = v4(extra);
  for (const run of await store.listRuns()) {
    if (run.checks.some((check) => observationChecks.has(check))) continue;
    space = space.union(v4(run.scope).subtract(v4(run.exclude)));
  }
  return space;
}

/** Accumulates scanner sightings per address across windows (bounded by the scanners in the space). */
export interface InfectedCollector {
  add(window: DarknetWindow): void;
  /** Scanner addresses seen outside the space (statistics only). */
  readonly outside: ReadonlySet<string>;
  findings(): Finding[];
}

interface Sighting {
  family: Set<string>;
  tools: Set<string>;
  /** Counts per window length: the longest one seen is reported (hours and days overlap). */
  byPeriod: Map<number, { packets: number; ports: Map<number, number> }>;
  distinctDestinations: number;
  firstSeen: string;
  lastSeen: string;
  days: Set<string>;
  darknets: Set<string>;
  confidence: number;
}

/**
 * @example
 * const infected = collectInfected(await surveyedSpace(store));
 * for (const window of windows) infected.add(window);
 * await store.reconcileFindings(runId, { found: infected.findings(), covered: [] });
 */
export function collectInfected(space: AddressSet): InfectedCollector {
  const sightings = new Map<string, Sighting>();
  const outside = new Set<string>();
  return {
    outside,
    add(window) {
      for (const source of window.judged) {
        if (source.verdict !== 'scanner') continue;
        const address = parseIPv4(source.ip);
        if (address === undefined || !space.has(address)) {
          outside.add(source.ip);
          continue;
        }
        const known = sightings.get(source.ip);
        const sighting: Sighting = known ?? {
          family: new Set(),
          tools: new Set(),
          byPeriod: new Map(),
          distinctDestinations: 0,
          firstSeen: source.firstSeen,
          lastSeen: source.lastSeen,
          days: new Set(),
          darknets: new Set(),
          confidence: 0,
        };
        const counts = sighting.byPeriod.get(window.periodSeconds) ?? { packets: 0, ports: new Map<number, number>() };
        counts.packets += source.packets;
        for (const { port, count } of source.topPorts) counts.ports.set(port, (counts.ports.get(port) ?? 0) + count);
        sighting.byPeriod.set(window.periodSeconds, counts);
        sighting.family.add(source.family ?? 'other');
        if (source.tool) sighting.tools.add(source.tool);
        sighting.distinctDestinations = Math.max(sighting.distinctDestinations, source.distinctDestinations);
        if (source.firstSeen < sighting.firstSeen) sighting.firstSeen = source.firstSeen;
        if (source.lastSeen > sighting.lastSeen) sighting.lastSeen = source.lastSeen;
        sighting.days.add(window.start.slice(0, 10));
        sighting.darknets.add(window.darknet);
        sighting.confidence = Math.max(sighting.confidence, infectionConfidence(source));
        sightings.set(source.ip, sighting);
      }
    },
    findings: () =>
      [...sightings].map(([ip, sighting]) => {
        const counts = sighting.byPeriod.get(Math.max(...sighting.byPeriod.keys()))!;
        return {
          kind: 'infected' as const,
          ip,
          port: 0,
          protocol: 'darknet',
          evidence: {
            source: 'darknet',
            family: sighting.family.has('mirai') ? 'mirai' : 'other',
            ...(sighting.tools.size ? { tools: [...sighting.tools].sort() } : {}),
            ports: [...counts.ports]
              .sort((a, b) => b[1] - a[1] || a[0] - b[0])
              .slice(0, 8)
              .map(([port]) => port),
            packets: counts.packets,
            distinctDestinations: sighting.distinctDestinations,
            firstSeen: sighting.firstSeen,
            lastSeen: sighting.lastSeen,
            daysSeen: [...sighting.days].sort(),
            darknets: [...sighting.darknets].sort(),
            confidence: sighting.confidence,
          },
          observedAt: sighting.lastSeen,
        };
      }),
  };
}
