/**
 * What the planner learns from the facts: how often each port is open per address, which ports
 * come together on one host (a camera's RTSP predicts its HTTP: P(B open | A open, class)), how
 * the ports of each /24 differ from the whole space, how often a service on a port carries a
 * finding, and how fast each device class changes and is fixed. Every rate is smoothed towards
 * a wider one (class → all classes → whole space), so a rare class or an empty /24 falls back
 * to what is known more broadly instead of to zero.
 */
import type { DeviceClass, ProbeFacts } from './facts.ts';

/** Pseudo-counts of the smoothing: how much evidence it takes to outweigh the wider rate. */
const smoothing = { cooccurrence: 2, neighbourAddresses: 64, findingServices: 4, survival: 4 } as const;

/** One host's last view: its class and the ports open when it was last seen. */
export interface HostView {
  ip: string;
  deviceClass: DeviceClass;
  /** Ports seen open at its last sighting, with that sighting's run id. */
  ports: ReadonlyMap<number, number>;
  lastRunId: number;
}

export interface ProbeStatistics {
  hosts: ReadonlyMap<string, HostView>;
  /** Index of a run id among the rounds (0 = oldest). */
  roundIndex(runId: number): number;
  /** The round being planned, as an index (one past the newest). */
  readonly nextRound: number;
  /** P(port open at an address of the space nobody knows anything about). */
  portRate(port: number): number;
  /** P(port open at an unknown address of this /24), smoothed towards `portRate`. */
  neighbourRate(prefix: string, port: number, addressesInPrefix: number): number;
  /** P(B open | the host shows `ports`, its class): the best single predictor among its ports. */
  predicted(host: HostView, port: number): number;
  /** P(a service on this port of this class carries a finding). */
  findingRate(port: number, deviceClass: DeviceClass | undefined): number;
  /**
   * P(a service carries a finding | its host has a finding elsewhere): a device's one weak
   * account is usually weak on every service that uses it, including ones opened later.
   */
  readonly weakHostFindingRate: number;
  /** P(a host opens a given port it did not have, per round): services that appeared on hosts already known. */
  readonly newServiceRate: number;
  /** P(a service of this class seen in one round is still open the next). */
  survival(deviceClass: DeviceClass): number;
  /** Share of this class's open findings fixed per round. */
  remediation(deviceClass: DeviceClass): number;
  /** Known /24 prefixes (IPv4 "a.b.c"), with how many known hosts each has per port. */
  prefixes: ReadonlyMap<string, ReadonlyMap<number, number>>;
}

/**
 * The /24 of an IPv4 address as "a.b.c", or undefined for IPv6 (its neighbours are not swept).
 * @example prefixOf('192.0.2.77') // '192.0.2'
 */
export function prefixOf(ip: string): string | undefined {
  if (ip.includes(':')) return undefined;
  return ip.slice(0, ip.lastIndexOf('.'));
}

/** Counts keyed by two levels, created on first use. */
function bump<K1, K2>(table: Map<K1, Map<K2, number>>, first: K1, second: K2, by = 1): void {
  const row = table.get(first) ?? new Map<K2, number>();
  row.set(second, (row.get(second) ?? 0) + by);
  table.set(first, row);
}

/**
 * Learn the planner's statistics from the facts, for a space of `spaceAddresses` addresses.
 * @example learnStatistics(facts, 65536).predicted(host, 80) // 0.9 for a camera with RTSP open
 */
export function learnStatistics(facts: ProbeFacts, spaceAddresses: number): ProbeStatistics {
  const roundIndexes = new Map(facts.rounds.map((runId, index) => [runId, index]));
  const roundIndex = (runId: number) => roundIndexes.get(runId) ?? facts.rounds.filter((round) => round < runId).length;
  const hosts = hostViews(facts);

  const hostsWithPort = new Map<number, number>();
  const classHosts = new Map<DeviceClass, Map<number, number>>();
  const pairs = new Map<string, Map<number, number>>();
  const prefixes = new Map<string, Map<number, number>>();
  for (const host of hosts.values()) {
    const prefix = prefixOf(host.ip);
    for (const port of host.ports.keys()) {
      hostsWithPort.set(port, (hostsWithPort.get(port) ?? 0) + 1);
      bump(classHosts, host.deviceClass, port);
      if (prefix !== undefined) bump(prefixes, prefix, port);
      for (const other of host.ports.keys()) {
        if (other === port) continue;
        bump(pairs, `${host.deviceClass}|${port}`, other);
        bump(pairs, `*|${port}`, other);
      }
    }
  }
  const hostCount = Math.max(1, hosts.size);
  const portRate = (port: number) => (hostsWithPort.get(port) ?? 0) / Math.max(1, spaceAddresses);

  const conditional = (deviceClass: DeviceClass, given: number, port: number): number => {
    const anyGiven = hostsWithPort.get(given) ?? 0;
    const anyBoth = pairs.get(`*|${given}`)?.get(port) ?? 0;
    const wide = (anyBoth + smoothing.cooccurrence * ((hostsWithPort.get(port) ?? 0) / hostCount)) / (anyGiven + smoothing.cooccurrence);
    const classGiven = classHosts.get(deviceClass)?.get(given) ?? 0;
    const classBoth = pairs.get(`${deviceClass}|${given}`)?.get(port) ?? 0;
    return (classBoth + smoothing.cooccurrence * wide) / (classGiven + smoothing.cooccurrence);
  };

  const findings = findingCounts(facts, hosts);
  const dynamics = classDynamics(facts, hosts, roundIndex);
  const learned = hostLevelRates(facts, roundIndex);
  return {
    ...learned,
    hosts,
    roundIndex,
    nextRound: facts.rounds.length,
    portRate,
    neighbourRate(prefix, port, addressesInPrefix) {
      const known = prefixes.get(prefix)?.get(port) ?? 0;
      return (known + smoothing.neighbourAddresses * portRate(port)) / (addressesInPrefix + smoothing.neighbourAddresses);
    },
    predicted(host, port) {
      let best = 0;
      for (const given of host.ports.keys()) best = Math.max(best, conditional(host.deviceClass, given, port));
      return best;
    },
    findingRate(port, deviceClass) {
      const all = findings.get(`*|${port}`) ?? { services: 0, findings: 0 };
      const overall = findings.get('*|*') ?? { services: 0, findings: 0 };
      const base = overall.findings / Math.max(1, overall.services);
      const portLevel = (all.findings + smoothing.findingServices * base) / (all.services + smoothing.findingServices);
      if (deviceClass === undefined) return portLevel;
      const own = findings.get(`${deviceClass}|${port}`) ?? { services: 0, findings: 0 };
      return (own.findings + smoothing.findingServices * portLevel) / (own.services + smoothing.findingServices);
    },
    survival: (deviceClass) => dynamics.survival(deviceClass),
    remediation: (deviceClass) => dynamics.remediation(deviceClass),
    prefixes,
  };
}

/** Each address's last view: the ports seen in the newest run that saw anything there. */
function hostViews(facts: ProbeFacts): Map<string, HostView> {
  const byIp = new Map<string, { lastRunId: number; ports: Map<number, number> }>();
  for (const service of facts.services) {
    const view = byIp.get(service.ip) ?? { lastRunId: service.lastRunId, ports: new Map<number, number>() };
    view.lastRunId = Math.max(view.lastRunId, service.lastRunId);
    view.ports.set(service.port, service.lastRunId);
    byIp.set(service.ip, view);
  }
  const hosts = new Map<string, HostView>();
  for (const [ip, view] of byIp) {
    // A port not seen at the last sighting was closed then (or not probed): it no longer describes the host.
    const ports = new Map([...view.ports].filter(([, lastRunId]) => lastRunId === view.lastRunId));
    hosts.set(ip, { ip, deviceClass: facts.devices.get(ip) ?? 'unidentified', ports, lastRunId: view.lastRunId });
  }
  return hosts;
}

/**
 * The weak-host and new-service rates, smoothed towards priors that say "often" and "seldom":
 * with no history, a weak host's other services are taken as likely weak, and a host as
 * opening a new port now and then.
 */
function hostLevelRates(facts: ProbeFacts, roundIndex: (runId: number) => number): { weakHostFindingRate: number; newServiceRate: number } {
  const weakHosts = new Set(facts.findings.map((finding) => finding.ip));
  const withFinding = new Set(facts.findings.map((finding) => `${finding.ip}|${finding.port}`));
  let onWeakHosts = 0;
  let weakServices = 0;
  const firstRound = new Map<string, number>();
  for (const service of facts.services) {
    firstRound.set(service.ip, Math.min(firstRound.get(service.ip) ?? Infinity, roundIndex(service.firstRunId)));
    if (!weakHosts.has(service.ip)) continue;
    onWeakHosts++;
    if (withFinding.has(`${service.ip}|${service.port}`)) weakServices++;
  }
  let appeared = 0;
  for (const service of facts.services) if (roundIndex(service.firstRunId) > firstRound.get(service.ip)!) appeared++;
  const newest = Math.max(0, facts.rounds.length - 1);
  const hostRounds = [...firstRound.values()].reduce((sum, first) => sum + Math.max(0, newest - first), 0);
  const priors = { weakHost: 0.5, newService: 0.005 };
  return {
    weakHostFindingRate: (weakServices + smoothing.findingServices * priors.weakHost) / (onWeakHosts + smoothing.findingServices),
    // Per host, round and port: a new service could be on any of the ports seen anywhere.
    newServiceRate: (appeared + priors.newService * 100) / (hostRounds * Math.max(1, portsSeen(facts)) + 100),
  };
}

function portsSeen(facts: ProbeFacts): number {
  return new Set(facts.services.map((service) => service.port)).size;
}

/** Services and findings counted per (class, port), per port (`*|port`) and overall (`*|*`). */
function findingCounts(facts: ProbeFacts, hosts: ReadonlyMap<string, HostView>): Map<string, { services: number; findings: number }> {
  const counts = new Map<string, { services: number; findings: number }>();
  const add = (key: string, field: 'services' | 'findings') => {
    const entry = counts.get(key) ?? { services: 0, findings: 0 };
    entry[field]++;
    counts.set(key, entry);
  };
  const classOf = (ip: string) => hosts.get(ip)?.deviceClass ?? 'unidentified';
  for (const service of facts.services) {
    for (const key of [`${classOf(service.ip)}|${service.port}`, `*|${service.port}`, '*|*']) add(key, 'services');
  }
  const withFinding = new Set(facts.findings.map((finding) => `${finding.ip}|${finding.port}`));
  for (const key of withFinding) {
    const [ip, port] = key.split('|') as [string, string];
    for (const counted of [`${classOf(ip)}|${port}`, `*|${port}`, '*|*']) add(counted, 'findings');
  }
  return counts;
}

/**
 * Per class: the share of services seen in a round that were seen again in the next round,
 * and the share of open findings closed per round open — the measured change and remediation
 * rates. A service whose last round is the newest has survived every round since it was first
 * seen; one that stopped being seen died once.
 */
function classDynamics(facts: ProbeFacts, hosts: ReadonlyMap<string, HostView>, roundIndex: (runId: number) => number) {
  const newest = facts.rounds.length - 1;
  const tally = new Map<DeviceClass | '*', { lived: number; died: number; openRounds: number; fixed: number }>();
  const entry = (key: DeviceClass | '*') => {
    const found = tally.get(key) ?? { lived: 0, died: 0, openRounds: 0, fixed: 0 };
    tally.set(key, found);
    return found;
  };
  const classOf = (ip: string) => hosts.get(ip)?.deviceClass ?? 'unidentified';
  for (const service of facts.services) {
    const lived = roundIndex(service.lastRunId) - roundIndex(service.firstRunId);
    const died = roundIndex(service.lastRunId) < newest ? 1 : 0;
    for (const key of [classOf(service.ip), '*'] as const) {
      entry(key).lived += lived;
      entry(key).died += died;
    }
  }
  for (const finding of facts.findings) {
    const end = finding.closedRunId === undefined ? newest : roundIndex(finding.closedRunId);
    const rounds = Math.max(1, end - roundIndex(finding.firstRunId));
    for (const key of [classOf(finding.ip), '*'] as const) {
      entry(key).openRounds += rounds;
      if (finding.status === 'closed') entry(key).fixed++;
    }
  }
  const all = entry('*');
  const overallSurvival = all.lived + all.died === 0 ? 0.9 : all.lived / (all.lived + all.died);
  const overallRemediation = all.openRounds === 0 ? 0.1 : all.fixed / all.openRounds;
  return {
    survival(deviceClass: DeviceClass): number {
      const own = tally.get(deviceClass) ?? { lived: 0, died: 0 };
      return (own.lived + smoothing.survival * overallSurvival) / (own.lived + own.died + smoothing.survival);
    },
    remediation(deviceClass: DeviceClass): number {
      const own = tally.get(deviceClass) ?? { openRounds: 0, fixed: 0 };
      return Math.min(1, (own.fixed + smoothing.survival * overallRemediation) / (own.openRounds + smoothing.survival));
    },
  };
}
