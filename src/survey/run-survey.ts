/**
 * The survey end to end, as small stages composed by one runner:
 *
 *   policy (what may be done) → discover (open TCP ports) → query UDP services → survey each
 *   host (grab, identify, credentials, reflection) → persist in batches (findings reconciled)
 *   → assess firmware (after all hosts: priority counts the installed base)
 *
 * inside one stored run (runs/lifecycle.ts: start or resume, progress, interrupt, finish).
 * A re-run updates what exists and closes what was fixed.
 */
import type { OpenPort, ServiceObservation, Target } from '../core/records.ts';
import { runPool } from '../core/pool.ts';
import type { GrabContext } from '../protocols/grab.ts';
import { shippedProtocols, type ProtocolRegistry } from '../protocols/registry.ts';
import { executeRun, type RunContext } from '../runs/lifecycle.ts';
import { createDialer, type Dialer } from '../scope/dialer.ts';
import type { Scope } from '../scope/scope.ts';
import type { CredentialAuditStore } from '../store/roles/credential-audit.ts';
import type { CoveredCheck, FindingStore } from '../store/roles/findings.ts';
import type { InventoryStore } from '../store/roles/inventory.ts';
import type { OptOutStore } from '../store/roles/opt-outs.ts';
import type { RunStart, RunStore } from '../store/roles/runs.ts';
import type { VulnerabilityStore } from '../store/roles/vulnerabilities.ts';
import type { StoreHandle } from '../store/store.ts';
import { type Discovery, discoverOpenPorts, discoveryTotal } from './discover.ts';
import { assessFirmware, type FirmwareAssessor, type FirmwareFindings } from './firmware-phase.ts';
import { loadFirmwareAssessor } from './firmware-assessor.ts';
import { surveyHost, type HostSurveyDeps, type Identify } from './host-survey.ts';
import { createSurveyWriter, type SurveyWriter } from './persist.ts';
import { resolveSurvey, type SurveySettings } from './policy.ts';
import type { ProbePlan } from './probe-planner/plan.ts';
import { planSurveyProbes } from './probe-planner/survey-probes.ts';
import { createLoginTally } from './login-summary.ts';
import type { SurveyProgress, SurveySummary } from './progress.ts';
import type { SurveyRequest } from './request.ts';
import type { SurveyMetrics } from './survey-metrics.ts';
import { countHost, createSurveyState, runCounts, summaryOf, type SurveyState } from './survey-state.ts';
import { surveyUdp, udpTargetsOf, type UdpSurvey } from './udp-stage.ts';

/** The store roles a survey uses: its run, what it saw, its findings and audit, the opt-outs it honours, the vulnerability data. */
export type SurveyStore = RunStore & InventoryStore & FindingStore & CredentialAuditStore & OptOutStore & VulnerabilityStore & Pick<StoreHandle, 'location'>;

export interface SurveyDeps {
  store: SurveyStore;
  /** Default: the shipped protocols. */
  protocols?: ProtocolRegistry;
  /**
   * How devices are identified, for this survey's scope (the lab's rules apply only to
   * loopback scopes) with the request's own rule paths. Built before any packet is sent, so a
   * bad rule file fails fast.
   */
  identification(scope: Pick<Scope, 'loopbackOnly'>, rules?: readonly string[]): Identify;
  /** Default: built from the vulnerability data in the store when the firmware check runs. */
  firmware?: FirmwareAssessor;
  signal?: AbortSignal;
  onProgress?: (progress: SurveyProgress) => void;
  /** Told once the policy has decided (e.g. how many opt-outs it excluded), before any packet. */
  onSettings?: (settings: SurveySettings) => void;
  /** Told a planned round's probe plan (`--plan-probes`) before the run starts: how many probes, from which source. */
  onProbePlan?: (plan: ProbePlan) => void;
  /** Told the stored run's id once it is started (or resumed), before any packet: the logs name it. */
  onRun?: (runId: number) => void;
  /** Where the survey's counts go for monitoring (src/metrics/survey.ts); none by default. */
  metrics?: SurveyMetrics;
  /** The clock runs, observations and findings are dated by (default: the system clock; the demo simulates weeks). */
  now?: () => Date;
  /** Reserved ranges a test's network namespace numbers its lab from (scope.ts, `allowReserved`); never set in production. */
  allowReserved?: readonly string[];
}

/**
 * Survey what the request asks, as far as the policy allows.
 * @example const summary = await runSurvey({ targets: ['127.77.0.0/16'], checks: ['credentials'] }, createSurveyDeps({ store }))
 */
export async function runSurvey(request: SurveyRequest, deps: SurveyDeps): Promise<SurveySummary> {
  const protocols = deps.protocols ?? shippedProtocols;
  const settings = await resolveSurvey(request, { store: deps.store, protocols, now: deps.now, allowReserved: deps.allowReserved });
  deps.onSettings?.(settings);
  const identify = deps.identification(settings.scope, request.rules ?? []);
  // A shard leaves firmware to its coordinator (priority counts the whole run's installed base).
  const firmware = settings.firmware && !settings.shard ? (deps.firmware ?? (await loadFirmwareAssessor(deps.store))) : undefined;
  // Planned before the run exists: the round being planned must not count among the rounds learned from.
  const planned = settings.discovery.kind === 'planned' ? await planSurveyProbes(deps.store, settings, protocols) : undefined;
  if (planned) deps.onProbePlan?.(planned);
  const state = createSurveyState();
  const { runId, status } = await executeRun(
    {
      store: deps.store,
      start: runStartOf(settings),
      resume: settings.resumeRunId,
      leaveOpen: settings.shard !== undefined,
      signal: deps.signal,
      now: deps.now,
      counts: () => runCounts(state),
    },
    (run) => surveyStages(settings, { deps, protocols, identify, firmware, run, state, planned: planned?.probes }),
  );
  return summaryOf(runId, status, state);
}

/**
 * What a survey's run record is started with (the distributed coordinator starts its run the same way).
 * @example const runId = await store.startRun({ ...runStartOf(settings), startedAt: new Date().toISOString() })
 */
export function runStartOf(settings: SurveySettings): Omit<RunStart, 'startedAt'> {
  return {
    seed: settings.seed,
    scope: settings.scopeCidrs,
    exclude: settings.excludeCidrs,
    ports: settings.ports,
    checks: settings.checks,
    plan: settings.plan,
  };
}

interface StageContext {
  deps: SurveyDeps;
  protocols: ProtocolRegistry;
  identify: Identify;
  firmware?: FirmwareAssessor;
  run: RunContext;
  state: SurveyState;
  /** A planned round's probes (discovery 'planned'). */
  planned?: readonly Target[];
}

/** What the stages share: the dialer's context, the batch writer, and what the store knew before. */
interface StageTools {
  dialer: Dialer;
  context: GrabContext;
  writer: SurveyWriter;
  /** Hosts a resumed run already saved: batches are saved whole, so a saved host is a done host. */
  alreadyDone: ReadonlySet<string>;
  /**
   * Open findings at an address and port of one transport (UDP 1900 is not TCP 1900): a
   * conclusive re-check there that does not find them closes them.
   */
  coveredAt(ip: string, port: number, transport: 'tcp' | 'udp'): CoveredCheck[];
  /** `ip:port` of the UDP services with open findings: asked of every swept target, so a set, not a filter. */
  openUdpServices: ReadonlySet<string>;
  report(): void;
}

/** The runner: discover → query UDP → survey each host → save the last batch → assess firmware. */
async function surveyStages(settings: SurveySettings, stage: StageContext): Promise<void> {
  const tools = await prepareStages(settings, stage);
  try {
    const discovery = await discoverStage(settings, stage, tools);
    const udp = await udpStage(settings, stage, tools, discovery);
    await hostStage(settings, stage, tools, discovery, udp);
    if (stage.state.udp) stage.state.udp.strays = tools.dialer.stats().strayDatagrams;
    // An interrupted run still saves and reconciles what it checked: each covered entry is a check that ran.
    stage.state.progress.phase = 'saving';
    tools.report();
    await tools.writer.flush();
    await firmwareStage(stage, tools);
    stage.state.progress.phase = 'done';
  } finally {
    // The UDP sweeps' sender threads, if any started.
    await tools.dialer.close();
  }
}

async function prepareStages(settings: SurveySettings, { deps, protocols, run, state }: StageContext): Promise<StageTools> {
  deps.onRun?.(run.runId);
  deps.metrics?.runStarted(run.runId);
  const report = () => {
    const progress = { ...state.progress, elapsedMs: performance.now() - state.started };
    deps.metrics?.progress(progress);
    deps.onProgress?.(progress);
  };
  run.every(250, report);
  const dialer = createDialer({
    scope: settings.scope,
    rate: settings.rate,
    limits: settings.limits,
    sourceAddresses: settings.sourceAddresses,
    signal: run.signal,
  });
  deps.metrics?.watchDialer(() => dialer.stats());
  const context: GrabContext = {
    dial: dialer.dial,
    dialTls: dialer.dialTls,
    query: dialer.query,
    userAgent: settings.userAgent,
    signal: run.signal,
    ...(settings.resolverCheckName ? { resolverCheckName: settings.resolverCheckName } : {}),
  };
  const writer = createSurveyWriter(deps.store, run.runId, { closeAfterMisses: settings.closeAfterMisses });
  state.writer = writer;
  const alreadyDone = new Set(
    run.resumed ? (await deps.store.listServices()).filter((service) => service.lastRunId === run.runId).map((service) => service.ip) : [],
  );
  const openBefore = Map.groupBy(await deps.store.listFindings({ status: 'open' }), (finding) => `${finding.ip}:${finding.port}`);
  const transportOf = (protocol: string) => (protocols.byName(protocol)?.transport === 'udp' ? 'udp' : 'tcp');
  const coveredAt = (ip: string, port: number, transport: 'tcp' | 'udp'): CoveredCheck[] =>
    (openBefore.get(`${ip}:${port}`) ?? [])
      .filter((finding) => transportOf(finding.protocol) === transport)
      .map((finding) => ({ ip: finding.ip, port: finding.port, protocol: finding.protocol, kind: finding.kind }));
  const openUdpServices = new Set(
    [...openBefore].filter(([, findings]) => findings.some((finding) => transportOf(finding.protocol) === 'udp')).map(([key]) => key),
  );
  return { dialer, context, writer, alreadyDone, coveredAt, openUdpServices, report };
}

/** 1. Which ports are open, by host; ports found closed close the open findings on them. */
async function discoverStage(settings: SurveySettings, { deps, run, state, planned }: StageContext, tools: StageTools): Promise<Discovery> {
  const progress = state.progress;
  progress.total = discoveryTotal(settings, planned);
  const closedPorts: CoveredCheck[] = [];
  let counted = 0;
  const discovery = await discoverOpenPorts(settings, tools.dialer, {
    signal: run.signal,
    skipHosts: tools.alreadyDone,
    ...(planned ? { planned } : {}),
    onRefused: (target) => closedPorts.push(...tools.coveredAt(target.ip, target.port, 'tcp')),
    onProbed: (done, _total, openPorts) => {
      progress.done = done;
      progress.openPorts = openPorts;
      deps.metrics?.targetsDone('tcp', done - counted);
      counted = done;
    },
  });
  // Open ports read from a file are counted here, all at once: the file is read before any grab.
  deps.metrics?.targetsDone('tcp', discovery.targets - counted);
  state.targets = discovery.targets;
  state.hosts = discovery.openByHost.size;
  progress.openPorts = discovery.openPorts;
  tools.report();
  await tools.writer.reconcile([], closedPorts);
  return discovery;
}

/**
 * 2. UDP services: each target sent its UDP protocol's request (retried after silence); those
 * that answered join their host's services; ports that answered ICMP unreachable close the
 * open findings of their UDP services.
 */
async function udpStage(settings: SurveySettings, { deps, protocols, run, state }: StageContext, tools: StageTools, discovery: Discovery): Promise<UdpSurvey> {
  const { skipped, ...input } = udpTargetsOf(settings, discovery.udpOpen, tools.alreadyDone);
  const total = input.total;
  const progress = state.progress;
  const closedPorts: CoveredCheck[] = [];
  let counted = 0;
  if (total > 0) {
    progress.phase = 'udp';
    progress.done = 0;
    progress.total = total;
    tools.report();
  }
  const udp = await surveyUdp(
    input,
    {
      context: tools.context,
      protocols,
      now: run.now,
      concurrency: settings.discoveryConcurrency,
      retries: settings.udpRetries,
      sweep: (options) => tools.dialer.sweep(settings.senderThreads === undefined ? options : { ...options, senderThreads: settings.senderThreads }),
      // A sweep listens after each pass as long as a query waits for a silent target.
      sweepCooldownMs: settings.limits.ioTimeoutMs,
      // A service with open findings is grabbed, not swept: a sweep cannot see it closed.
      grabDirectly: (target) => tools.openUdpServices.size > 0 && tools.openUdpServices.has(`${target.ip}:${target.port}`),
    },
    {
      signal: run.signal,
      onRefused: (target) => closedPorts.push(...tools.coveredAt(target.ip, target.port, 'udp')),
      onProbed: (done) => {
        progress.done = done;
        deps.metrics?.targetsDone('udp', done - counted);
        counted = done;
      },
    },
  );
  udp.counts.skipped += skipped;
  if (total + skipped > 0) state.udp = udp.counts;
  state.hosts = new Set([...discovery.openByHost.keys(), ...udp.byHost.keys()]).size;
  await tools.writer.reconcile([], closedPorts);
  return udp;
}

/** Every host with open TCP ports or UDP services that answered, with both. */
function* hostsOf(discovery: Discovery, udp: UdpSurvey): Generator<[string, OpenPort[], ServiceObservation[]]> {
  for (const [ip, ports] of discovery.openByHost) yield [ip, ports, udp.byHost.get(ip) ?? []];
  for (const [ip, observations] of udp.byHost) if (!discovery.openByHost.has(ip)) yield [ip, [], observations];
}

/** 3. Each host: grab, identify, credentials, reflection; saved in batches as they complete. */
async function hostStage(
  settings: SurveySettings,
  { deps, protocols, identify, run, state }: StageContext,
  tools: StageTools,
  discovery: Discovery,
  udp: UdpSurvey,
): Promise<void> {
  const progress = state.progress;
  progress.phase = 'assessment';
  progress.done = 0;
  progress.total = state.hosts;
  const hostDeps: HostSurveyDeps = {
    context: tools.context,
    now: run.now,
    protocols,
    detection: settings.detection,
    identify,
    credentials: settings.credentials,
  };
  const refusalsClose = settings.discovery.kind === 'given';
  if (settings.credentials) state.logins = createLoginTally();
  await runPool(
    hostsOf(discovery, udp),
    settings.hostConcurrency,
    async ([ip, ports, udpObservations]) => {
      const result = await surveyHost(hostDeps, ip, ports, udpObservations);
      // A host still in flight when the survey was interrupted had its last connections
      // refused by the dialer: its result is incomplete, so it is dropped and, on
      // --resume, surveyed again rather than saved as done.
      if (run.signal.aborted) return;
      // Given open ports skip discovery, so a refused connection here is the conclusive
      // "the service is gone" that discovery would have seen (a re-survey of a device unplugged).
      if (refusalsClose) {
        for (const observation of result.observations) {
          if (observation.status === 'connection-refused') result.covered.push(...tools.coveredAt(ip, observation.port, 'tcp'));
        }
      }
      countHost(state, result);
      deps.metrics?.hostSurveyed(result.observations, result.findings);
      await tools.writer.add(result);
    },
    run.signal,
  );
}

/**
 * 4. Firmware: every device this run identified (resumed parts included) against the
 * vulnerability data, after all hosts, because priority counts the installed base.
 */
async function firmwareStage({ deps, firmware, run, state }: StageContext, tools: StageTools): Promise<void> {
  if (!firmware || run.signal.aborted) return;
  state.progress.phase = 'firmware';
  tools.report();
  state.firmware = await assessRunFirmware(deps.store, firmware, run.runId, run.now(), tools.writer);
  state.found['vulnerable-firmware'] = state.firmware.findings.length;
  deps.metrics?.findingsFound('vulnerable-firmware', state.firmware.findings.length);
  state.progress.findings += state.firmware.findings.length;
}

/**
 * Every device a run identified against the vulnerability data, its findings reconciled.
 * @example const firmware = await assessRunFirmware(store, await loadFirmwareAssessor(store), runId, new Date(), createSurveyWriter(store, runId))
 */
export async function assessRunFirmware(
  store: InventoryStore & FindingStore,
  firmware: FirmwareAssessor,
  runId: number,
  now: Date,
  writer: Pick<SurveyWriter, 'reconcile'>,
): Promise<FirmwareFindings> {
  const devices = (await store.listDevices()).filter((device) => device.lastRunId === runId);
  const open = await store.listFindings({ status: 'open', kind: 'vulnerable-firmware' });
  const assessed = assessFirmware(
    devices.map((device) => ({ ip: device.ip, identity: device })),
    firmware,
    open,
    now.toISOString(),
  );
  await writer.reconcile(assessed.findings, assessed.covered);
  return assessed;
}
