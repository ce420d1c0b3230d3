/**
 * Survey policy: what a survey may do, decided in one place for every caller. The approved
 * plan is the authority — a request may narrow its ranges, ports, checks and rates, never
 * widen them; anything outside loopback needs a plan; approved opt-outs are read from the
 * store and excluded here, so no caller can forget them; a resumed run repeats what it was
 * started with. The result is a `SurveySettings`, which only `resolveSurvey` makes.
 */
import { networkInterfaces } from 'node:os';
import { type DictionaryEntry, loadDictionary } from '../assess/credentials/dictionary.ts';
import { OpenNoticeError } from '../core/errors.ts';
import type { OpenPort } from '../core/records.ts';
import type { ImportStats } from '../discover/import-run.ts';
import { readOpenPorts } from '../discover/import.ts';
import { type DetectionLimits, defaultDetectionLimits } from '../protocols/detect.ts';
import { defaultLoginTiming, type LoginTiming } from '../protocols/login-pacing.ts';
import type { ProtocolRegistry } from '../protocols/registry.ts';
import { AddressSpace } from '../scope/address-space.ts';
import type { ConnectionLimits } from '../scope/connection.ts';
import { defaultConnectionLimits } from '../scope/dialer.ts';
import type { RateOptions } from '../scope/limits.ts';
import { loadSurveyPlan, type SurveyPlan } from '../scope/plan.ts';
import { readHitList, surveyAddresses, type SurveyAddresses } from '../scope/hit-list.ts';
import { buildScope, type Scope } from '../scope/scope.ts';
import { type ShardOf, shardAddressList } from '../scope/address-shards.ts';
import { textAddressList } from '../scope/targets.ts';
import { defaultPortsFor } from './ports/survey-ports.ts';
import { assertUdpPortsApproved, defaultUdpRetries, resolverCheckNameOf, resolveUdpPorts, udpCheckMarker } from './udp-policy.ts';
import type { OptOutStore } from '../store/roles/opt-outs.ts';
import type { PlanReference, RunStore } from '../store/roles/runs.ts';
import type { StoreHandle } from '../store/store.ts';
import type { ProbeBudget } from './probe-planner/plan.ts';
import { checkedLimits, checkedSenderThreads, defaultAttemptCaps } from './limit-policy.ts';
import { requestableChecks, type RequestableCheck, type SurveyRequest } from './request.ts';

/** Defaults where neither the request nor the plan says. Loopback (the lab) may go faster. */
const defaults = {
  loopback: { connectionsPerSecond: 20_000, maxConcurrent: 1000 },
  network: { connectionsPerSecond: 100, maxConcurrent: 100 },
  perHostConcurrent: 2,
  connectTimeoutMs: 1500,
  ...defaultAttemptCaps,
  seed: 1,
};

const loopback = AddressSpace.fromCidrs(['127.0.0.0/8', '::1/128']);

/** Open ports the survey is handed instead of discovering them. */
export interface GivenOpenPorts {
  kind: 'given';
  openPorts: AsyncIterable<OpenPort> | Iterable<OpenPort>;
  /** Line counts of an imported file, complete once iterated. */
  importStats?: () => ImportStats;
}

/** The connect scan over the probe planner's choice of the sweep (survey/probe-planner/survey-probes.ts plans it before the run starts). */
export interface PlannedProbes {
  kind: 'planned';
  budget: ProbeBudget;
  explorationShare?: number;
  /** True when `addresses` came from a hit list: the plan then keeps to its addresses, never their /24 neighbours. */
  fromHitList: boolean;
}

/** What the survey will do: the request with the plan's authority, the opt-outs and the defaults applied. */
export interface SurveySettings {
  scope: Scope;
  /** The CIDRs as requested (or the plan's), and every exclusion (the approved opt-outs too), for the run record. */
  scopeCidrs: string[];
  excludeCidrs: string[];
  /** Approved opt-out ranges this survey leaves out (also inside `scope`). */
  optOutRanges: string[];
  /** The addresses the connect scan visits (a hit list's in-scope addresses, or the scope); empty when open ports are given. */
  addresses: SurveyAddresses;
  ports: number[];
  /** UDP ports, each with a UDP protocol in the registry (empty: no UDP). */
  udpPorts: number[];
  /** Requests sent again to a UDP service that did not answer. */
  udpRetries: number;
  /** The plan's udpPorts when it lists them: UDP ports handed in (a file, a re-survey) outside them are not queried. */
  udpPortsApproved?: readonly number[];
  /** The plan's name for open-resolver checks (GrabContext.resolverCheckName). */
  resolverCheckName?: string;
  /** Sender threads of the UDP sweep; absent: the sweep's default for its rate. */
  senderThreads?: number;
  seed: number;
  /** Checks recorded with the run: discovery and identify always, then the requested ones. */
  checks: string[];
  rate: RateOptions;
  limits: ConnectionLimits;
  /** Parallel connect probes during discovery. */
  discoveryConcurrency: number;
  /** Hosts assessed at once (each opens at most perHostConcurrent connections). */
  hostConcurrency: number;
  /** How long to wait for greetings and replies, and how many probes, when finding a service's protocol. */
  detection: DetectionLimits;
  discovery: { kind: 'connect-scan' } | GivenOpenPorts | PlannedProbes;
  /** Present when the credentials check runs. */
  credentials?: { dictionary: readonly DictionaryEntry[]; maxAttemptsPerService: number; maxAttemptsPerHost: number; timing: LoginTiming };
  firmware: boolean;
  userAgent: string;
  sourceAddresses: readonly string[];
  plan?: PlanReference;
  resumeRunId?: number;
  /** Set when this survey is one shard of a distributed run: the run is left open, firmware is the coordinator's. */
  shard?: ShardOf;
  closeAfterMisses: number;
}

export interface PolicyContext {
  /** Stored runs (for --resume) and the approved opt-out requests. */
  store: RunStore & OptOutStore & Pick<StoreHandle, 'location'>;
  protocols: ProtocolRegistry;
  now?: () => Date;
  /** Addresses configured on this host (tests pass their own); default: the host's interfaces. */
  localAddresses?: () => readonly string[];
  /** Reserved ranges taken out of the blocklist: a test namespace's documentation prefix (scope.ts, `allowReserved`); never set in production. */
  allowReserved?: readonly string[];
}

/**
 * Decide what a survey request may do.
 * @example const settings = await resolveSurvey({ targets: ['127.77.0.0/16'], checks: ['credentials'] }, { store, protocols: shippedProtocols })
 */
export async function resolveSurvey(request: SurveyRequest, context: PolicyContext): Promise<SurveySettings> {
  const resumeRunId = request.resume ?? request.shard?.runId;
  const given = resumeRunId === undefined ? request : await withResumedRun({ ...request, resume: resumeRunId }, context);
  const plan = given.plan === undefined ? undefined : loadSurveyPlan(given.plan, { now: context.now?.() });
  const checks = checkedChecks(given.checks ?? [], plan);
  const limits = checkedLimits(given.limits ?? {});
  const discovery = given.discovery ?? { kind: 'connect-scan' };
  if (discovery.kind === 'planned-probes' && resumeRunId !== undefined) {
    // The plan depends on what the store knew when the round began, which the interrupted run has changed.
    throw new OpenNoticeError('USAGE', 'a planned round (--plan-probes) cannot be resumed or sharded: start a new planned round instead');
  }
  const sweeps = discovery.kind === 'connect-scan' || discovery.kind === 'planned-probes';

  let scopeCidrs = [...(given.targets ?? [])];
  let excludeCidrs = [...(given.exclude ?? [])];
  if (plan) {
    assertSourceAddressesPresent(plan, sourceAddressesOf(request, plan), context.localAddresses?.() ?? localAddresses());
    if (scopeCidrs.length === 0) scopeCidrs = [...plan.ranges];
    excludeCidrs = [...plan.exclude, ...excludeCidrs];
    const planRanges = AddressSpace.fromCidrs(plan.ranges);
    const outside = scopeCidrs.filter((cidr) => !AddressSpace.fromCidrs([cidr]).subtract(planRanges).isEmpty);
    if (outside.length > 0) throw planError(plan, `--target ${outside.join(', ')} is outside the plan's ranges (${plan.ranges.join(', ')})`);
    assertUdpPortsApproved(given.udpPorts, plan);
    const portsOutside = plan.ports ? (given.ports ?? []).filter((port) => !plan.ports!.includes(port)) : [];
    if (portsOutside.length > 0) throw planError(plan, `--ports ${portsOutside.join(',')} not in the plan's ports (${plan.ports!.join(',')})`);
  }
  if (scopeCidrs.length === 0 && sweeps) {
    throw new OpenNoticeError('USAGE', 'nothing to survey: give --target CIDR, --targets FILE, --plan FILE or --input FILE');
  }
  // The plan question comes first: "you need a plan" helps more than "that range is reserved".
  const requestedCidrs = scopeCidrs.length > 0 ? scopeCidrs : ['0.0.0.0/0'];
  if (!plan && !AddressSpace.fromCidrs(requestedCidrs).subtract(loopback).isEmpty) {
    throw new OpenNoticeError(
      'PLAN_REQUIRED',
      'surveying addresses outside loopback needs an approved survey plan: --plan FILE with operator, contact, sourceAddresses, ranges, checks, credentialList and rates (see examples/survey-plan.yaml and docs/operations.md)',
    );
  }
  const udpPorts = resolveUdpPorts(given.udpPorts, plan, context.protocols);
  if (given.ports?.length === 0 && udpPorts.length === 0 && given.discovery?.kind !== 'open-ports' && given.discovery?.kind !== 'file')
    throw new OpenNoticeError('USAGE', 'no TCP ports and no UDP ports: nothing to survey (drop --ports "" or name --udp-ports)');
  const optOutRanges = await approvedOptOutRanges(context.store);
  const scope = buildScope({ allow: requestedCidrs, exclude: excludeCidrs, optOuts: optOutRanges, allowReserved: context.allowReserved });
  const hitListFile = given.hitList ?? plan?.hitList;
  const hitList = hitListFile === undefined ? undefined : readHitList(hitListFile);
  const addresses = !sweeps
    ? { addresses: textAddressList([]), leftOut: 0 }
    : request.shard
      ? shardAddresses(requestedCidrs, excludeCidrs, hitList, request.shard, Number(given.seed ?? defaults.seed), context)
      : surveyAddresses(scope, hitList);

  const cap = (requested: number | undefined, fallback: number, planLimit?: number) => Math.min(requested ?? fallback, planLimit ?? Infinity);
  const speed = scope.loopbackOnly ? defaults.loopback : defaults.network;
  const rate: RateOptions = {
    connectionsPerSecond: cap(limits.connectionsPerSecond, speed.connectionsPerSecond, plan?.rates.connectionsPerSecond),
    maxConcurrent: cap(limits.maxConcurrent, speed.maxConcurrent, plan?.rates.maxConcurrent),
    perHostConcurrent: cap(limits.perHostConcurrent, defaults.perHostConcurrent, plan?.rates.perHostConcurrent),
  };
  const dictionaryFile = given.dictionary ?? (plan && plan.credentialList !== 'default' ? plan.credentialList : undefined);
  return {
    scope,
    scopeCidrs: requestedCidrs,
    excludeCidrs: [...new Set([...excludeCidrs, ...optOutRanges])],
    optOutRanges,
    addresses,
    ports: resolvePorts(given.ports, plan, context.protocols),
    udpPorts,
    udpRetries: limits.udpRetries ?? defaultUdpRetries,
    ...(plan?.udpPorts ? { udpPortsApproved: plan.udpPorts } : {}),
    ...resolverCheckNameOf(given.resolverCheckName, plan),
    ...(given.senderThreads !== undefined ? { senderThreads: checkedSenderThreads(given.senderThreads) } : {}),
    seed: given.seed ?? defaults.seed,
    checks: [...alwaysRun, ...(udpPorts.length > 0 ? [udpCheckMarker] : []), ...checks],
    rate,
    limits: {
      connectTimeoutMs: limits.connectTimeoutMs ?? defaults.connectTimeoutMs,
      ioTimeoutMs: limits.ioTimeoutMs ?? defaultConnectionLimits.ioTimeoutMs,
      deadlineMs: limits.deadlineMs ?? defaultConnectionLimits.deadlineMs,
      maxBytes: limits.maxBytes ?? defaultConnectionLimits.maxBytes,
    },
    detection: {
      ...defaultDetectionLimits,
      bannerWaitMs: Math.min(defaultDetectionLimits.bannerWaitMs, limits.ioTimeoutMs ?? defaultConnectionLimits.ioTimeoutMs),
      replyWaitMs: limits.ioTimeoutMs ?? defaultConnectionLimits.ioTimeoutMs,
      maxProbes: limits.maxProbes ?? defaultDetectionLimits.maxProbes,
    },
    discoveryConcurrency: rate.maxConcurrent,
    hostConcurrency: Math.max(1, Math.floor(rate.maxConcurrent / rate.perHostConcurrent)),
    discovery: discovery.kind === 'planned-probes' ? plannedProbesOf(discovery, hitList !== undefined) : openPortsOf(discovery),
    credentials: checks.includes('credentials')
      ? {
          dictionary: loadDictionary(dictionaryFile),
          maxAttemptsPerService: limits.maxAttemptsPerService ?? defaults.maxAttemptsPerService,
          maxAttemptsPerHost: cap(limits.maxAttemptsPerHost, defaults.maxAttemptsPerHost, plan?.rates.perHostAttempts),
          // A survey whose io timeout is longer than the login answer wait keeps its own.
          timing: { ...defaultLoginTiming, answerWaitMs: Math.max(defaultLoginTiming.answerWaitMs, limits.ioTimeoutMs ?? 0) },
        }
      : undefined,
    firmware: checks.includes('firmware'),
    userAgent:
      given.userAgent ??
      (plan ? `opennotice-survey (+${plan.operator.transparencyUrl})` : 'opennotice-survey (+https://github.com/opennotice/opennotice; loopback)'),
    sourceAddresses: plan ? sourceAddressesOf(request, plan) : [...(request.sourceAddresses ?? [])],
    plan: plan
      ? { file: plan.file, sha256: plan.sha256, operator: `${plan.operator.name} <${plan.operator.contact}>, ${plan.operator.organisation}` }
      : undefined,
    ...(resumeRunId === undefined ? {} : { resumeRunId }),
    ...(request.shard ? { shard: { index: request.shard.index, count: request.shard.count } } : {}),
    closeAfterMisses: given.closeAfterMisses ?? 1,
  };
}

/**
 * The approved opt-out ranges of a store.
 * @example await approvedOptOutRanges(store) // ['198.51.100.0/24']
 */
export async function approvedOptOutRanges(store: OptOutStore): Promise<string[]> {
  const approved = await store.listOptOutRequests({ status: 'approved' });
  return [...new Set(approved.flatMap((request) => request.cidrs))];
}

/**
 * A resumed run repeats its scope, ports, seed and checks; rates, timeouts and the plan file
 * come from the request, and a run made under a plan must be resumed under the same plan.
 */
async function withResumedRun(request: SurveyRequest, context: PolicyContext): Promise<SurveyRequest> {
  const runId = request.resume!;
  const run = Number.isInteger(runId) ? await context.store.getRun(runId) : undefined;
  if (!run) throw new OpenNoticeError('USAGE', `--resume ${String(runId)}: there is no such survey run in ${context.store.location}`);
  if (run.status === 'completed') throw new OpenNoticeError('USAGE', `--resume ${runId}: run ${runId} already completed; start a new survey instead`);
  if (run.plan && request.plan === undefined) {
    throw new OpenNoticeError(
      'PLAN_REQUIRED',
      `run ${runId} was made under the plan ${run.plan.file} (sha256 ${run.plan.sha256.slice(0, 12)}…): give it again with --plan`,
    );
  }
  if (run.plan && request.plan !== undefined) {
    const plan = loadSurveyPlan(request.plan, { now: context.now?.() });
    if (plan.sha256 !== run.plan.sha256) {
      throw new OpenNoticeError('PLAN_INVALID', `the plan given differs from the one run ${runId} was made under (sha256 ${run.plan.sha256.slice(0, 12)}…)`);
    }
  }
  const seed = Number(run.seed ?? defaults.seed);
  // The run record keeps TCP ports only; whether it surveyed UDP is its marker, which ports the request's or the defaults.
  const surveyedUdp = run.checks.includes(udpCheckMarker);
  return {
    ...request,
    targets: run.scope,
    exclude: run.exclude,
    ports: run.ports,
    udpPorts: surveyedUdp ? request.udpPorts : [],
    seed: Number.isInteger(seed) ? seed : defaults.seed,
    checks: run.checks.filter((check): check is RequestableCheck => (requestableChecks as readonly string[]).includes(check)),
  };
}

/** Checks that always run: naming them is allowed and changes nothing. */
const alwaysRun = ['discovery', 'identify'];

function checkedChecks(requested: readonly string[], plan: SurveyPlan | undefined): RequestableCheck[] {
  const checks = requested.filter((check) => !alwaysRun.includes(check));
  for (const check of checks) {
    if (!(requestableChecks as readonly string[]).includes(check)) {
      throw new OpenNoticeError('USAGE', `unknown check "${check}" (known: discovery, identify, ${requestableChecks.join(', ')})`);
    }
  }
  const notApproved = plan ? checks.filter((check) => !plan.checks.includes(check)) : [];
  if (plan && notApproved.length > 0) throw planError(plan, `check ${notApproved.join(', ')} is not enabled in the plan (enabled: ${plan.checks.join(', ')})`);
  return [...new Set(checks)] as RequestableCheck[];
}

function resolvePorts(requested: readonly number[] | undefined, plan: SurveyPlan | undefined, protocols: ProtocolRegistry): number[] {
  for (const port of requested ?? []) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OpenNoticeError('USAGE', `"${port}" is not a port number`);
  }
  // An empty list given on purpose leaves TCP out (a UDP-only survey); absent means the defaults.
  if (requested) return [...new Set(requested)];
  return plan?.ports && plan.ports.length > 0 ? [...plan.ports] : defaultPortsFor(protocols.defaultSurveyPorts);
}

function plannedProbesOf(discovery: { budget: ProbeBudget; explorationShare?: number }, fromHitList: boolean): PlannedProbes {
  return {
    kind: 'planned',
    budget: discovery.budget,
    ...(discovery.explorationShare === undefined ? {} : { explorationShare: discovery.explorationShare }),
    fromHitList,
  };
}

function openPortsOf(discovery: Exclude<NonNullable<SurveyRequest['discovery']>, { kind: 'planned-probes' }>): SurveySettings['discovery'] {
  if (discovery.kind === 'connect-scan') return discovery;
  if (discovery.kind === 'open-ports') return { kind: 'given', openPorts: discovery.openPorts };
  const imported = readOpenPorts(discovery.file, {
    format: discovery.format ?? 'auto',
    port: discovery.port,
    skipInvalid: discovery.skipInvalid ?? false,
    ...(discovery.transport ? { transport: discovery.transport } : {}),
  });
  return { kind: 'given', openPorts: imported, importStats: () => imported.stats };
}

function planError(plan: SurveyPlan, message: string): OpenNoticeError {
  return new OpenNoticeError('PLAN_INVALID', message, { file: plan.file });
}

function localAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address));
}

/**
 * The plan's published source addresses must be configured here: otherwise every
 * connection would fail to bind, or — worse — leave from an unpublished address.
 */
function assertSourceAddressesPresent(plan: SurveyPlan, sources: readonly string[], configured: readonly string[]): void {
  const local = new Set(configured);
  const missing = sources.filter((address) => !local.has(address));
  if (missing.length > 0) {
    throw planError(
      plan,
      `source address ${missing.join(', ')} is not configured on this host (configured: ${[...local].join(', ')}); survey from the published addresses only`,
    );
  }
}

/** The request's source addresses, which must be among the plan's published ones; default: all of them. */
function sourceAddressesOf(request: SurveyRequest, plan: SurveyPlan): string[] {
  if (request.sourceAddresses === undefined || request.sourceAddresses.length === 0) return [...plan.sourceAddresses];
  const unpublished = request.sourceAddresses.filter((address) => !plan.sourceAddresses.includes(address));
  if (unpublished.length > 0) {
    throw planError(plan, `source address ${unpublished.join(', ')} is not among the plan's published sourceAddresses (${plan.sourceAddresses.join(', ')})`);
  }
  return [...new Set(request.sourceAddresses)];
}

/**
 * A shard's addresses, cut from the run's scope as it was started (its exclusions hold the
 * opt-outs approved by then) and not from today's: every worker must cut the same permutation
 * for the shards to stay disjoint, even after an opt-out approved mid-run. The opt-out still
 * holds — the scope the dialer checks every connection against excludes it.
 */
function shardAddresses(
  allow: readonly string[],
  exclude: readonly string[],
  hitList: readonly string[] | undefined,
  shard: ShardOf,
  seed: number,
  context: PolicyContext,
): SurveyAddresses {
  const runScope = buildScope({ allow: [...allow], exclude: [...exclude], allowReserved: context.allowReserved });
  const all = surveyAddresses(runScope, hitList);
  return { addresses: shardAddressList(all.addresses, Number.isInteger(seed) ? seed : defaults.seed, shard), leftOut: all.leftOut };
}
