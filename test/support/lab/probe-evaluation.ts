/**
 * The probe planner measured on simulated rounds (probe-rounds.ts): for each probe budget, a
 * survey that starts with one full sweep and then plans every later round from what its own
 * earlier rounds saw — never from the truth — and the share of a full sweep's findings each
 * round's probes reach (findings recall). A finding is reached when its (address, port) is
 * probed: the survey then grabs the service and runs the check, as a full sweep would.
 */
import { AddressSet } from '../../../src/scope/cidr.ts';
import { ipv4AddressList } from '../../../src/scope/targets.ts';
import type { DeviceClass, KnownFinding, KnownService, ProbeFacts } from '../../../src/survey/probe-planner/facts.ts';
import { type ProbePlanOptions, type ProbeSource, type ProbeSpace, planProbes, probeKey } from '../../../src/survey/probe-planner/plan.ts';
import { prefixOf } from '../../../src/survey/probe-planner/statistics.ts';
import type { ProbeRound, RoundDevice } from './probe-rounds.ts';

/** Why a finding a full sweep would report was not reached by the planned probes. */
export type MissReason =
  /** A device never seen before, in a /24 where devices were seen. */
  | 'new-device-known-prefix'
  /** A device never seen before, in a /24 where none was ever seen. */
  | 'new-device-new-prefix'
  /** A device seen before at another address. */
  | 'moved-device'
  /** A port the device was not seen with before. */
  | 'new-service'
  /** A service seen before, not probed again this round. */
  | 'known-service';
export const missReasons: readonly MissReason[] = ['new-device-known-prefix', 'new-device-new-prefix', 'moved-device', 'new-service', 'known-service'];

export interface RoundRecall {
  /** 1 = the first planned round (round 0 is the full sweep every budget starts with). */
  round: number;
  probes: number;
  sweep: number;
  /** Findings a full sweep would report this round, and how many the planned probes reached. */
  findings: number;
  reached: number;
  recall: number;
  /** Findings not reached, by why; `oddPort` counts those on a port not usual for their protocol. */
  missed: Record<MissReason, number>;
  missedOnOddPorts: number;
  /** The plan's probes by source. */
  bySource: Record<ProbeSource, number>;
}

export interface BudgetRecall {
  share: number;
  rounds: RoundRecall[];
  /** Over every planned round: reached ÷ findings, and probes ÷ the sweeps' probes. */
  recall: number;
  probeShare: number;
}

export interface PlannerEvaluationOptions {
  cidr: string;
  ports: readonly number[];
  /** Shares of the full sweep to plan with, e.g. [0.05, 0.1, 0.2, 0.3, 0.5, 1]. */
  shares: readonly number[];
  seed: number;
  explorationShare?: number;
}

/**
 * Findings recall per budget share, per round and overall.
 * @example evaluatePlanner(rounds, { cidr: '127.153.0.0/20', ports, shares: [0.2, 1], seed: 1 })[0].recall // 0.97
 */
export function evaluatePlanner(rounds: readonly ProbeRound[], options: PlannerEvaluationOptions): BudgetRecall[] {
  const addresses = ipv4AddressList(AddressSet.fromCidrs([options.cidr]));
  const space: ProbeSpace = { addresses, ports: options.ports, includes: () => true };
  return options.shares.map((share) =>
    evaluateBudget(rounds, space, { budget: { share }, seed: options.seed, explorationShare: options.explorationShare }, share),
  );
}

function evaluateBudget(rounds: readonly ProbeRound[], space: ProbeSpace, planOptions: ProbePlanOptions, share: number): BudgetRecall {
  const memory = createSurveyMemory();
  const sweep = space.addresses.size * space.ports.length;
  // Round 0: the full sweep that starts every deployment; it sees the whole truth.
  memory.observe(1, rounds[0]!, allProbesOf(rounds[0]!));
  const results: RoundRecall[] = [];
  for (let round = 1; round < rounds.length; round++) {
    const truth = rounds[round]!;
    // One seed for every round, as `survey --plan-probes` keeps the survey's: exploration moves on by itself.
    const plan = planProbes(memory.facts(), space, planOptions);
    const probed = new Set(plan.probes.map((probe) => probeKey(probe.ip, probe.port)));
    let findings = 0;
    let reached = 0;
    const missed = Object.fromEntries(missReasons.map((reason) => [reason, 0])) as Record<MissReason, number>;
    let missedOnOddPorts = 0;
    for (const device of truth.devices) {
      for (const service of device.services) {
        findings += service.findings;
        if (probed.has(probeKey(device.ip, service.port))) {
          reached += service.findings;
          continue;
        }
        missed[memory.missReason(device, service.port)] += service.findings;
        if (service.oddPort) missedOnOddPorts += service.findings;
      }
    }
    memory.observe(round + 1, truth, probed);
    results.push({
      round,
      probes: plan.probes.length,
      sweep,
      findings,
      reached,
      recall: findings === 0 ? 1 : reached / findings,
      missed,
      missedOnOddPorts,
      bySource: plan.bySource,
    });
  }
  const findings = results.reduce((sum, result) => sum + result.findings, 0);
  const reached = results.reduce((sum, result) => sum + result.reached, 0);
  const probes = results.reduce((sum, result) => sum + result.probes, 0);
  return { share, rounds: results, recall: findings === 0 ? 1 : reached / findings, probeShare: probes / Math.max(1, sweep * results.length) };
}

function allProbesOf(round: ProbeRound): Set<number | string> {
  return new Set(round.devices.flatMap((device) => device.services.map((service) => probeKey(device.ip, service.port))));
}

/**
 * What a survey's store would hold after its rounds, kept as the store keeps it: a probed
 * open port updates its service (and identifies the device); a probed service with findings
 * opens or reopens them; a probed address and port without one closes an open finding there.
 * Nothing is learned about what was not probed.
 */
function createSurveyMemory() {
  const rounds: number[] = [];
  const services = new Map<number | string, KnownService>();
  const devices = new Map<string, DeviceClass>();
  const findings = new Map<number | string, KnownFinding>();
  /** The truth's device ids the survey has seen, with where and on which ports: only to explain misses. */
  const seenDevices = new Map<number, { ip: string; ports: Set<number> }>();
  const seenPrefixes = new Set<string>();
  return {
    missReason(device: RoundDevice, port: number): MissReason {
      const seen = seenDevices.get(device.id);
      if (!seen) return seenPrefixes.has(prefixOf(device.ip) ?? '') ? 'new-device-known-prefix' : 'new-device-new-prefix';
      if (seen.ip !== device.ip) return 'moved-device';
      return seen.ports.has(port) ? 'known-service' : 'new-service';
    },
    facts(): ProbeFacts {
      return { rounds: [...rounds], services: [...services.values()], devices: new Map(devices), findings: [...findings.values()] };
    },
    observe(runId: number, truth: ProbeRound, probed: ReadonlySet<number | string>): void {
      rounds.push(runId);
      const open = new Set<number | string>();
      for (const device of truth.devices) {
        for (const service of device.services) {
          const key = probeKey(device.ip, service.port);
          open.add(key);
          if (!probed.has(key)) continue;
          const known = services.get(key);
          services.set(key, { ip: device.ip, port: service.port, firstRunId: known?.firstRunId ?? runId, lastRunId: runId });
          devices.set(device.ip, device.deviceType);
          const sighting = seenDevices.get(device.id);
          const ports = sighting?.ip === device.ip ? sighting.ports : new Set<number>();
          seenDevices.set(device.id, { ip: device.ip, ports: ports.add(service.port) });
          seenPrefixes.add(prefixOf(device.ip) ?? '');
          const finding = findings.get(key);
          if (service.findings > 0) {
            findings.set(key, { ip: device.ip, port: service.port, status: 'open', firstRunId: finding?.firstRunId ?? runId, lastRunId: runId });
          } else if (finding?.status === 'open') {
            findings.set(key, { ...finding, status: 'closed', closedRunId: runId });
          }
        }
      }
      // A probe that found the port closed is the conclusive "fixed or gone" a refused connection is.
      for (const [key, finding] of findings) {
        if (finding.status === 'open' && probed.has(key) && !open.has(key)) findings.set(key, { ...finding, status: 'closed', closedRunId: runId });
      }
    },
  };
}
