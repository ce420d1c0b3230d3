/**
 * The survey's UDP stage, ZMap's shape followed by ZGrab's. First a stateless sweep
 * (udp-sweep-pass.ts, the dialer's `sweep`): every UDP target of the scan (an address × a UDP
 * port of the survey, in the same seeded order as the TCP connect scan) is sent its protocol's
 * first request from one socket at the plan's packet rate, and the (address, port) pairs whose
 * reply is the protocol's answer are kept; one more pass goes to the silent after a cooldown when
 * retries are allowed. Each pair that answered is handed at once to the stateful grab, its
 * protocol's `grab` through `dialer.query` as before (which reads the fields and the reflection
 * measure), so the grabs run while the sweep goes on sending and listening.
 *
 * UDP ports handed in (a zmap file, a re-survey) go straight to the grab: they are known to
 * answer, and a re-survey needs ICMP port-unreachable (`refused`) to close findings, which only
 * the grab's connected socket can see. So do targets whose protocol declares no probe. In the
 * grab, a service that stays silent (io-timeout: open|filtered) is asked again, at most `retries`
 * times. Services that answered become observations and join their host's TCP services; silence
 * and ICMP port-unreachable are counted, not stored.
 */
import type { OpenPort, ServiceObservation, Target } from '../core/records.ts';
import { createChannel } from '../core/channel.ts';
import { runPool } from '../core/pool.ts';
import { type GrabContext, type GrabOutcome, recordableError } from '../protocols/grab.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { ProtocolRegistry } from '../protocols/registry.ts';
import { DialFailure } from '../scope/connection.ts';
import { countTargets, permutedTargets } from '../scope/targets.ts';
import type { SweepOptions, UdpSweep } from '../scope/udp-sweep.ts';
import type { SurveySettings } from './policy.ts';
import { type SweepPassCounts, sweepUdp } from './udp-sweep-pass.ts';

/** What the UDP stage did, for the survey's summary and the run's totals. */
export interface UdpCounts {
  /** UDP services probed (address × port). */
  targets: number;
  /** Sweep datagrams and grabs sent, first tries and retries together (a grab counts once, whatever it sends). */
  requests: number;
  /** Of those, sweep datagrams (first pass and retry pass). */
  swept: number;
  /** Sweep datagrams and grabs sent again after a silence. */
  retries: number;
  /** Services that answered (stored as services). */
  answered: number;
  /** Services silent after every try: open or filtered, nobody can tell. */
  openFiltered: number;
  /** ICMP port unreachable: closed. Only a grab can see it: a swept target that is closed counts as open|filtered. */
  refused: number;
  /** Swept targets that replied, but never with their protocol's answer: not grabbed, not stored. */
  unmatched: number;
  /** Any other end (out of scope, socket error, interrupted). */
  failed: number;
  /** UDP ports handed in and not queried: no UDP protocol speaks them (nothing to send), or the plan does not approve them. */
  skipped: number;
  /** Datagrams from another address or port than the one asked: dropped by the dialer, counted. */
  strays: number;
  /** When the targets were swept: milliseconds spent sending the sweep's datagrams (cooldowns left out). */
  sweepSendingMs?: number;
}

export interface UdpSurvey {
  /** Services that answered, by host. */
  byHost: Map<string, ServiceObservation[]>;
  counts: UdpCounts;
}

export interface UdpStageDeps {
  context: GrabContext;
  protocols: ProtocolRegistry;
  now(): Date;
  /** UDP services queried at once (the dialer's global rate and concurrency still apply). */
  concurrency: number;
  /** Tries after a silence, per service (a sweep makes one retry pass when ≥ 1). */
  retries: number;
  /** Opens a sweep (the dialer's). Without it, every target goes straight to the grab. */
  sweep?: (options: SweepOptions) => UdpSweep;
  /** Listening time after each sweep pass; the sweep's default when absent. */
  sweepCooldownMs?: number;
  /** Targets the sweep leaves to the grab: services with open findings (see SweepPassDeps). */
  grabDirectly?: (target: Target) => boolean;
}

/** The stage's targets: walked once (twice with a retry pass), counted, and whether they are swept first. */
export interface UdpTargets {
  targets: () => Iterable<Target>;
  total: number;
  /** The scan's targets are swept; handed-in ones (known to answer) are grabbed straight away. */
  sweep: boolean;
}

export interface UdpStageHooks {
  signal: AbortSignal;
  /** A target that answered ICMP port unreachable: conclusive, nothing listens there now. */
  onRefused?: (target: Target) => void;
  /** Called as targets finish: done so far of total (0 when unknown), services that answered. */
  onProbed?: (done: number, total: number, answered: number) => void;
}

/** Statuses of a service that did not answer at all: counted, never stored. */
const silentStatuses = new Set<ServiceObservation['status']>(['io-timeout', 'connection-refused', 'connection-timeout', 'blocked-target', 'unknown-error']);

/**
 * The UDP targets of a survey: the UDP ports handed in, else the connect scan's addresses (the
 * scope's, or a hit list's) × the survey's UDP ports in the seeded order of the TCP connect scan;
 * hosts already saved are left out.
 * @example const { targets, total } = udpTargetsOf(settings, discovery.udpOpen, alreadyDone)
 */
export function udpTargetsOf(
  settings: Pick<SurveySettings, 'discovery' | 'addresses' | 'udpPorts' | 'udpPortsApproved' | 'seed'>,
  given: readonly OpenPort[],
  skipHosts: ReadonlySet<string>,
): UdpTargets & { skipped: number } {
  if (settings.discovery.kind === 'given') {
    const approved = settings.udpPortsApproved;
    const targets = approved ? given.filter((open) => approved.includes(open.port)) : given;
    return { targets: () => targets, total: targets.length, skipped: given.length - targets.length, sweep: false };
  }
  if (settings.udpPorts.length === 0) return { targets: () => [], total: 0, skipped: 0, sweep: false };
  // The addresses the TCP connect scan walks: the scope, or a hit list's in-scope addresses (IPv6).
  const order = { addresses: settings.addresses.addresses, ports: settings.udpPorts, seed: settings.seed };
  return { targets: () => withoutHosts(permutedTargets(order), skipHosts), total: countTargets(order), skipped: 0, sweep: true };
}

function* withoutHosts(targets: Iterable<Target>, skipHosts: ReadonlySet<string>): Generator<Target> {
  for (const target of targets) if (!skipHosts.has(target.ip)) yield target;
}

/**
 * Sweep the scan's targets and grab the services that answered the sweep; grab handed-in targets straight away.
 * @example const udp = await surveyUdp(udpTargetsOf(settings, given, done), { context, protocols, now, concurrency: 100, retries: 1, sweep: dialer.sweep }, { signal })
 */
export async function surveyUdp(input: UdpTargets, deps: UdpStageDeps, hooks: UdpStageHooks): Promise<UdpSurvey> {
  if (!input.sweep || !deps.sweep) return grabUdp(input.targets(), input.total, deps, hooks);
  // The grabs start as the answers come, while the sweep goes on and listens out its cooldowns.
  const answers = createChannel<Target>();
  const grabbing = grabUdp(answers, input.total, deps, {
    ...hooks,
    // The sweep reports the walk through the targets; grabs only add to the services that answered.
    onProbed: undefined,
  });
  // Awaited below; the handler only keeps a failed grab from counting as unhandled while the sweep runs.
  grabbing.catch(() => {});
  let s: SweepPassCounts;
  try {
    s = await sweepUdp(
      input.targets,
      input.total,
      {
        protocols: deps.protocols,
        sweep: deps.sweep,
        retries: deps.retries,
        probeContext: deps.context.resolverCheckName === undefined ? {} : { resolverCheckName: deps.context.resolverCheckName },
        ...(deps.sweepCooldownMs === undefined ? {} : { cooldownMs: deps.sweepCooldownMs }),
        ...(deps.grabDirectly ? { grabDirectly: deps.grabDirectly } : {}),
      },
      { signal: hooks.signal, onSwept: hooks.onProbed, onGrab: (target) => answers.push(target) },
    );
  } finally {
    answers.close();
  }
  const grabbed = await grabbing;
  hooks.onProbed?.(input.total, input.total, grabbed.counts.answered);
  const g = grabbed.counts;
  const counts: UdpCounts = {
    targets: s.targets + s.direct,
    requests: s.sent + g.requests,
    swept: s.sent,
    retries: s.retries + g.retries,
    answered: g.answered,
    openFiltered: s.silent + g.openFiltered,
    refused: g.refused,
    unmatched: s.unmatched,
    failed: s.failed + g.failed,
    skipped: s.skipped + g.skipped,
    strays: 0,
    sweepSendingMs: Math.round(s.sendingMs),
  };
  return { byHost: grabbed.byHost, counts };
}

/**
 * Query every target with its UDP protocol's grab, retrying silent ones, and keep the services that answered.
 * @example const udp = await grabUdp(handedIn, handedIn.length, { context, protocols, now, concurrency: 100, retries: 1 }, { signal })
 */
export async function grabUdp(targets: Iterable<Target> | AsyncIterable<Target>, total: number, deps: UdpStageDeps, hooks: UdpStageHooks): Promise<UdpSurvey> {
  const counts: UdpCounts = {
    targets: 0,
    requests: 0,
    swept: 0,
    retries: 0,
    answered: 0,
    openFiltered: 0,
    refused: 0,
    unmatched: 0,
    failed: 0,
    skipped: 0,
    strays: 0,
  };
  const byHost = new Map<string, ServiceObservation[]>();
  await runPool(
    targets,
    deps.concurrency,
    async (target) => {
      const protocol = deps.protocols.forUdpPort(target.port);
      if (!protocol) {
        counts.skipped++;
        return;
      }
      counts.targets++;
      const observation = await queryService(deps, protocol, target, hooks.signal, counts);
      // An interrupted query proves nothing; the target is queried again on --resume.
      if (hooks.signal.aborted) return;
      if (observation.status === 'io-timeout') counts.openFiltered++;
      else if (observation.status === 'connection-refused') {
        counts.refused++;
        hooks.onRefused?.(target);
      } else if (silentStatuses.has(observation.status)) counts.failed++;
      else {
        counts.answered++;
        const list = byHost.get(target.ip) ?? [];
        list.push(observation);
        byHost.set(target.ip, list);
      }
      hooks.onProbed?.(counts.targets + counts.skipped, total, counts.answered);
    },
    hooks.signal,
  );
  return { byHost, counts };
}

/** One service: its protocol's grab, sent again while it stays silent and retries remain. */
async function queryService(deps: UdpStageDeps, protocol: Protocol, target: Target, signal: AbortSignal, counts: UdpCounts): Promise<ServiceObservation> {
  const started = performance.now();
  const observedAt = deps.now().toISOString();
  let outcome = await grabOnce(deps.context, protocol, target);
  counts.requests++;
  for (let retry = 0; retry < deps.retries && outcome.status === 'io-timeout' && !signal.aborted; retry++) {
    counts.retries++;
    counts.requests++;
    outcome = await grabOnce(deps.context, protocol, target);
  }
  return {
    ip: target.ip,
    port: target.port,
    protocol: protocol.name,
    status: outcome.status,
    result: outcome.result,
    ...(outcome.error !== undefined ? { error: recordableError(outcome.error) } : {}),
    durationMs: Math.round(performance.now() - started),
    observedAt,
  };
}

/** A grabber is not supposed to throw; what escapes (a refused dial, an interrupt) becomes a status. */
async function grabOnce(context: GrabContext, protocol: Protocol, target: Target): Promise<GrabOutcome> {
  try {
    return await protocol.grab(context, { ip: target.ip, port: target.port });
  } catch (thrown) {
    return {
      status: thrown instanceof DialFailure ? thrown.status : 'unknown-error',
      result: {},
      error: thrown instanceof Error ? thrown.message : String(thrown),
    };
  }
}
