/**
 * The probe planner: which (address, port) pairs one survey round dials, best first, within a
 * budget. A full sweep dials every address of the space on every port; most of that finds
 * nothing, because most addresses are empty and devices change slowly. The plan spends the
 * budget, in order of the chance that a probe finds a finding, on:
 *
 * - known services, weighted by their class's measured survival and remediation and by the
 *   class's rescan schedule (schedule.ts);
 * - ports a known host probably also has (P(B open | A open, class), learned from the store);
 * - unknown addresses of /24s where devices live, on the ports common there;
 * - every address on the ports that are open most often anywhere (the port prior), which is
 *   how devices in /24s never seen before are found;
 * - and, before all of these, a fixed share of seeded random exploration over the whole space,
 *   so what the statistics do not expect still gets a chance to be seen and learned.
 *
 * Pure: the same facts, space and options give the same plan. It only chooses among the
 * space's addresses and ports; the survey's dialer still checks every connection against the
 * scope and opt-outs.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import type { Target } from '../../core/records.ts';
import { parseIPv4 } from '../../scope/ipv4.ts';
import { createPermutation } from '../../scope/permutation.ts';
import type { AddressList } from '../../scope/targets.ts';
import type { ProbeFacts } from './facts.ts';
import { type ClassSchedule, dueWeight, rescanSchedule } from './schedule.ts';
import { learnStatistics, type ProbeStatistics } from './statistics.ts';

/** What a full sweep of the round would dial: these addresses on these ports. */
export interface ProbeSpace {
  addresses: AddressList;
  ports: readonly number[];
  /** True when the round may dial the address (the scope, opt-outs and hit list allow it). */
  includes(ip: string): boolean;
}

/** How many probes a round may send: a share of the full sweep (0 < share ≤ 1), or a count. */
export type ProbeBudget = { share: number } | { count: number };

export interface ProbePlanOptions {
  budget: ProbeBudget;
  /** Seed of the exploration and sweep orders (the survey's seed). */
  seed: number;
  /** Share of the budget spent on uniform random exploration (default 0.05). */
  explorationShare?: number;
}

/** Why a probe was planned. */
export type ProbeSource = 'exploration' | 'known' | 'predicted' | 'neighbour' | 'port-prior' | 'sweep';
export const probeSources: readonly ProbeSource[] = ['exploration', 'known', 'predicted', 'neighbour', 'port-prior', 'sweep'];

export interface ProbePlan {
  /** The probes, in the order to send them; each (address, port) once. */
  probes: Target[];
  /** How many probes each source contributed. */
  bySource: Record<ProbeSource, number>;
  /** Probes the budget allowed, and the full sweep's size. */
  budget: number;
  sweep: number;
  schedule: ClassSchedule[];
}

export const defaultExplorationShare = 0.05;

/**
 * Most probes one plan holds: the plan is a list in memory (with a set of what it holds), about
 * a gigabyte at this size. A larger round is better split by scope into several planned rounds.
 */
export const maxPlannedProbes = 10_000_000;

/**
 * A service worth a probe even when no finding is expected on it: it keeps the picture of
 * the space current, and a service without a finding today may have one tomorrow.
 */
const serviceWorth = 0.05;

interface Candidate extends Target {
  score: number;
  source: ProbeSource;
}

/**
 * One key per (address, port), a number for IPv4 (sets of millions of them stay cheap), text for IPv6.
 * @example probeKey('0.0.0.1', 80) // 65616
 */
export function probeKey(ip: string, port: number): number | string {
  const address = parseIPv4(ip);
  return address === undefined ? `${ip}|${port}` : address * 65536 + port;
}

/**
 * How many probes a budget allows in a sweep of `sweep` probes.
 * @example budgetProbes({ share: 0.2 }, 1000) // 200
 */
export function budgetProbes(budget: ProbeBudget, sweep: number): number {
  if ('share' in budget) {
    if (!(budget.share > 0 && budget.share <= 1))
      throw new OpenNoticeError('USAGE', `a probe budget share must be above 0 and at most 100 %, got ${budget.share * 100} %`);
    return Math.min(sweep, Math.max(1, Math.floor(budget.share * sweep)));
  }
  if (!Number.isSafeInteger(budget.count) || budget.count < 1)
    throw new OpenNoticeError('USAGE', `a probe budget count must be a whole number above 0, got ${budget.count}`);
  return Math.min(sweep, budget.count);
}

/**
 * Plan one round's probes.
 * @example
 * const plan = planProbes(facts, { addresses, ports: [23, 80, 554], includes: (ip) => scope.allows(ip) }, { budget: { share: 0.2 }, seed: 1 })
 * plan.probes.length // 20 % of addresses.size × 3
 */
export function planProbes(facts: ProbeFacts, space: ProbeSpace, options: ProbePlanOptions): ProbePlan {
  const sweep = space.addresses.size * space.ports.length;
  const budget = budgetProbes(options.budget, sweep);
  if (budget > maxPlannedProbes) {
    throw new OpenNoticeError(
      'USAGE',
      `a planned round of ${budget} probes is more than the ${maxPlannedProbes} one plan holds: give a smaller --plan-probes, or split the scope into several planned rounds`,
    );
  }
  const explorationShare = options.explorationShare ?? defaultExplorationShare;
  if (!(explorationShare >= 0 && explorationShare <= 1)) throw new OpenNoticeError('USAGE', `exploration share must be within 0..1, got ${explorationShare}`);
  const statistics = learnStatistics(facts, space.addresses.size);
  const schedule = rescanSchedule(statistics);

  const probes: Target[] = [];
  const bySource = Object.fromEntries(probeSources.map((source) => [source, 0])) as Record<ProbeSource, number>;
  const chosen = new Set<number | string>();
  const ports = new Set(space.ports);
  const add = (target: Target, source: ProbeSource): void => {
    const key = probeKey(target.ip, target.port);
    if (probes.length >= budget || chosen.has(key) || !ports.has(target.port) || !space.includes(target.ip)) return;
    chosen.add(key);
    probes.push({ ip: target.ip, port: target.port });
    bySource[source]++;
  };

  // Exploration first, so its share is spent whatever the statistics say; the rest of the same walk is the final fill.
  // Each round starts where the last round's exploration ended, so rounds explore disjoint slices of one sweep order.
  const explorationQuota = Math.floor(budget * explorationShare);
  const walk = sweepFrom(space, options.seed, (statistics.nextRound * explorationQuota) % Math.max(1, sweep));
  while (bySource.exploration < explorationQuota) {
    const next = walk.next();
    if (next.done) break;
    add(next.value, 'exploration');
  }

  const laneScore = (port: number) => statistics.portRate(port) * (serviceWorth + statistics.findingRate(port, undefined));
  const candidates = [...hostCandidates(facts, statistics, schedule, space, laneScore), ...neighbourCandidates(statistics, space, laneScore)];
  candidates.sort((a, b) => b.score - a.score);
  const lanes = space.ports
    .map((port) => ({ port, score: laneScore(port) }))
    .filter((lane) => lane.score > 0)
    .sort((a, b) => b.score - a.score);

  let candidateAt = 0;
  let laneAt = 0;
  while (probes.length < budget && (candidateAt < candidates.length || laneAt < lanes.length)) {
    const candidate = candidates[candidateAt];
    const lane = lanes[laneAt];
    if (lane && (!candidate || lane.score > candidate.score)) {
      sweepLane(
        lane.port,
        space.addresses,
        options.seed,
        (target) => add(target, 'port-prior'),
        () => probes.length >= budget,
      );
      laneAt++;
    } else if (candidate) {
      add(candidate, candidate.source);
      candidateAt++;
    }
  }
  // What is left of the budget follows the full sweep's own order: with no knowledge, the plan is the sweep cut short.
  for (const target of walk) {
    if (probes.length >= budget) break;
    add(target, 'sweep');
  }
  return { probes, bySource, budget, sweep, schedule };
}

/** Known hosts: their known ports again, and the ports their kind of device usually has too. */
function hostCandidates(
  facts: ProbeFacts,
  statistics: ProbeStatistics,
  schedule: readonly ClassSchedule[],
  space: ProbeSpace,
  laneScore: (port: number) => number,
): Candidate[] {
  const open = facts.findings.filter((finding) => finding.status === 'open');
  const openFindings = new Set(open.map((finding) => probeKey(finding.ip, finding.port)));
  const weakHosts = new Set(open.map((finding) => finding.ip));
  const interval = new Map(schedule.map((entry) => [entry.deviceClass, entry.intervalRounds]));
  const candidates: Candidate[] = [];
  for (const host of statistics.hosts.values()) {
    if (!space.includes(host.ip)) continue;
    const roundsSinceSeen = Math.max(1, statistics.nextRound - statistics.roundIndex(host.lastRunId));
    const alive = statistics.survival(host.deviceClass) ** roundsSinceSeen;
    for (const port of space.ports) {
      const weak = weakHosts.has(host.ip);
      const findingChance = weak
        ? Math.max(statistics.weakHostFindingRate, statistics.findingRate(port, host.deviceClass))
        : statistics.findingRate(port, host.deviceClass);
      if (host.ports.has(port)) {
        const worth = openFindings.has(probeKey(host.ip, port)) ? 1 - statistics.remediation(host.deviceClass) : findingChance;
        const due = dueWeight(roundsSinceSeen, interval.get(host.deviceClass) ?? 1);
        candidates.push({ ip: host.ip, port, score: alive * (serviceWorth + worth) * due, source: 'known' });
        continue;
      }
      // A port nothing predicts may still have opened since: the learned rate of new services is the floor.
      const score = alive * Math.max(statistics.predicted(host, port), statistics.newServiceRate) * (serviceWorth + findingChance);
      if (score > laneScore(port)) candidates.push({ ip: host.ip, port, score, source: 'predicted' });
    }
  }
  return candidates;
}

/** Unknown addresses of the /24s where devices were seen, on the ports common there (when likelier than anywhere). */
function neighbourCandidates(statistics: ProbeStatistics, space: ProbeSpace, laneScore: (port: number) => number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const prefix of statistics.prefixes.keys()) {
    const addresses: string[] = [];
    for (let last = 0; last < 256; last++) {
      const ip = `${prefix}.${last}`;
      if (space.includes(ip)) addresses.push(ip);
    }
    const unknown = addresses.filter((ip) => !statistics.hosts.has(ip));
    for (const port of space.ports) {
      const score = statistics.neighbourRate(prefix, port, addresses.length) * (serviceWorth + statistics.findingRate(port, undefined));
      if (score <= laneScore(port)) continue;
      for (const ip of unknown) candidates.push({ ip, port, score, source: 'neighbour' });
    }
  }
  return candidates;
}

/**
 * The full sweep's seeded order (the connect scan's: scope/targets.ts `permutedTargets`), from
 * `start` round to just before it.
 */
function* sweepFrom(space: ProbeSpace, seed: number, start: number): Generator<Target> {
  const portCount = space.ports.length;
  const order = createPermutation(space.addresses.size * portCount, seed);
  for (let step = 0; step < order.size; step++) {
    const index = order.at((start + step) % order.size);
    yield { ip: space.addresses.addressAt(Math.floor(index / portCount)), port: space.ports[index % portCount]! };
  }
}

/** One port on every address of the space, in a seeded order of its own (no /24 sees a burst). */
function sweepLane(port: number, addresses: AddressList, seed: number, add: (target: Target) => void, full: () => boolean): void {
  const order = createPermutation(addresses.size, (seed + port * 0x9e37) >>> 0);
  for (let position = 0; position < order.size && !full(); position++) add({ ip: addresses.addressAt(order.at(position)), port });
}
