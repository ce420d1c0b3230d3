import type { CredentialAttempt, Device, Finding, OpenPort, ServiceObservation } from '../core/records.ts';
import { runPool } from '../core/pool.ts';
import type { CredentialChecker, DictionaryEntry } from '../assess/credentials/checker.ts';
import { connectScan } from '../discover/connect.ts';
import type { Grabber } from '../protocols/grab.ts';
import type { ConnectionLimits } from '../scope/connection.ts';
import { createDialer } from '../scope/dialer.ts';
import type { RateOptions } from '../scope/limits.ts';
import type { Scope } from '../scope/scope.ts';
import { countTargets, permutedTargets } from '../scope/targets.ts';
import type { CoveredCheck, PlanReference, SurveyRepository } from '../store/repository.ts';
import { surveyHost, type HostSurveyResult } from './host-survey.ts';
import { assessFirmware, type FirmwareAssessor, type FirmwareFindings } from './firmware-phase.ts';
import type { SurveyProgress, SurveySummary } from './progress.ts';

export interface SurveyConfig {
  scope: Scope;
  /** The CIDRs as the operator gave them, for the run record. */
  scopeCidrs: string[];
  excludeCidrs: string[];
  ports: number[];
  seed: number;
  rate: RateOptions;
  limits: Partial<ConnectionLimits>;
  /** Parallel connect probes during discovery. */
  discoveryConcurrency: number;
  /** Hosts assessed at once (each opens at most perHostConcurrent connections). */
  hostConcurrency: number;
  /** Open ports from an imported zmap/masscan file instead of built-in discovery. */
  importedOpenPorts?: AsyncIterable<OpenPort> | Iterable<OpenPort>;
  credentials?: { dictionary: readonly DictionaryEntry[]; maxAttemptsPerService: number; maxAttemptsPerHost: number };
  userAgent: string;
  sourceAddresses?: string[];
  plan?: PlanReference;
  /** Continue an interrupted or crashed run: hosts it already saved are not surveyed again. */
  resumeRunId?: number;
  /** Match identified devices against the imported vulnerability data (`--check firmware`). */
  firmware?: boolean;
  /**
   * Checks in a row that must fail to reproduce an open finding before it is closed (default 1).
   * Re-surveys of notified findings use 2 or more, so one flaky check is not counted as a fix.
   */
  closeAfterMisses?: number;
}

export interface SurveyDeps {
  store: SurveyRepository;
  grabberFor(port: number): Grabber | undefined;
  checkers: readonly CredentialChecker[];
  identify(ip: string, observations: ServiceObservation[]): Device['identity'] | undefined;
  /** Required when config.firmware is set. */
  firmware?: FirmwareAssessor;
  signal?: AbortSignal;
  onProgress?: (progress: SurveyProgress) => void;
  /** The clock runs, observations and findings are dated by (default: the system clock; the demo simulates weeks). */
  now?: () => Date;
}

/** Hosts' results are written in batches of this many, each batch one transaction. */
const saveBatchSize = 200;

/**
 * The weak-credential survey end to end: discovery (connect scan or imported file) →
 * per-host grab, identify, credentials → store, then reconcile findings so that a
 * re-run updates what exists and closes what was fixed.
 * @example const summary = await runSurvey(config, { store, grabberFor, checkers, identify })
 */
export async function runSurvey(config: SurveyConfig, deps: SurveyDeps): Promise<SurveySummary> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const signal = deps.signal ?? new AbortController().signal;
  const dialer = createDialer({ scope: config.scope, rate: config.rate, limits: config.limits, sourceAddresses: config.sourceAddresses, signal });
  const context = { dial: dialer.dial, userAgent: config.userAgent, signal };
  const checks = ['discovery', 'identify', ...(config.credentials ? ['credentials'] : []), ...(config.firmware ? ['firmware'] : [])];
  const runId =
    config.resumeRunId ??
    (await deps.store.startRun({
      startedAt: now().toISOString(),
      seed: config.seed,
      scope: config.scopeCidrs,
      exclude: config.excludeCidrs,
      ports: config.ports,
      checks,
      plan: config.plan,
    }));
  // Batches are saved whole (services last-seen by this run), so a saved host is a done host.
  const alreadyDone = new Set(
    config.resumeRunId === undefined ? [] : (await deps.store.listServices()).filter((service) => service.lastRunId === runId).map((service) => service.ip),
  );

  const progress: SurveyProgress = { phase: 'discovery', done: 0, total: 0, openPorts: 0, services: 0, identified: 0, findings: 0, elapsedMs: 0 };
  const report = () => deps.onProgress?.({ ...progress, elapsedMs: performance.now() - started });

  // Findings still open from earlier runs: if discovery now finds their port closed,
  // that is a conclusive re-check (the service is gone) and they can be closed.
  const openBefore = new Map<string, CoveredCheck[]>();
  for (const finding of await deps.store.listFindings({ status: 'open' })) {
    const key = `${finding.ip}:${finding.port}`;
    const list = openBefore.get(key) ?? [];
    list.push({ ip: finding.ip, port: finding.port, protocol: finding.protocol, kind: finding.kind });
    openBefore.set(key, list);
  }
  const closedPortChecks: CoveredCheck[] = [];

  // 1. Discovery.
  const openByHost = new Map<string, OpenPort[]>();
  const addOpen = (open: OpenPort) => {
    if (!config.scope.allows(open.ip)) return; // imported files may name anything; the scope decides
    if (alreadyDone.has(open.ip)) return;
    const list = openByHost.get(open.ip) ?? [];
    if (list.some((known) => known.port === open.port)) return;
    list.push(open);
    openByHost.set(open.ip, list);
    progress.openPorts++;
  };
  let targets = 0;
  if (config.importedOpenPorts) {
    for await (const open of config.importedOpenPorts) {
      if (signal.aborted) break;
      targets++;
      addOpen(open);
    }
  } else {
    const order = { addresses: config.scope.allowed, ports: config.ports, seed: config.seed };
    progress.total = countTargets(order);
    const ticker = setInterval(report, 250);
    try {
      await connectScan({
        dialer,
        targets: permutedTargets(order),
        concurrency: config.discoveryConcurrency,
        connectTimeoutMs: config.limits.connectTimeoutMs ?? 1500,
        signal,
        onOpen: addOpen,
        onProbed: (target, status) => {
          targets++;
          progress.done++;
          if (status === 'connection-refused') closedPortChecks.push(...(openBefore.get(`${target.ip}:${target.port}`) ?? []));
        },
      });
    } finally {
      clearInterval(ticker);
    }
  }
  report();

  // 2. Assessment, host by host, saved in batches.
  progress.phase = 'assessment';
  progress.done = 0;
  progress.total = openByHost.size;
  const findingCounts = { weakCredential: 0, noAuthentication: 0, vulnerableFirmware: 0 };
  const servicesByStatus: Record<string, number> = {};
  let attempts = 0;
  let pending: HostSurveyResult[] = [];
  const reconciliation = { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 };
  const reconcile = async (found: Finding[], covered: CoveredCheck[]) => {
    if (found.length === 0 && covered.length === 0) return;
    const counts = await deps.store.reconcileFindings(runId, { found, covered, closeAfterMisses: config.closeAfterMisses });
    for (const key of Object.keys(reconciliation) as Array<keyof typeof reconciliation>) reconciliation[key] += counts[key];
  };
  // Ports found closed that had open findings: conclusive re-checks, reconciled now.
  await reconcile([], closedPortChecks);
  // Each batch is saved and its findings reconciled as soon as it is complete, so a
  // crash or an interrupt loses at most one batch of hosts.
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await deps.store.recordServices(
      runId,
      batch.flatMap((host) => host.observations),
    );
    await deps.store.recordDevices(
      runId,
      batch.flatMap((host) => (host.device ? [host.device] : [])),
    );
    const batchAttempts: CredentialAttempt[] = batch.flatMap((host) => host.attempts);
    if (batchAttempts.length > 0) await deps.store.recordAttempts(runId, batchAttempts);
    await reconcile(
      batch.flatMap((host) => host.findings),
      batch.flatMap((host) => host.covered),
    );
  };
  const hostDeps = {
    context,
    now,
    grabberFor: deps.grabberFor,
    identify: deps.identify,
    credentials: config.credentials ? { ...config.credentials, checkers: deps.checkers } : undefined,
  };
  const ticker = setInterval(report, 250);
  try {
    await runPool(
      openByHost,
      config.hostConcurrency,
      async ([ip, ports]) => {
        const result = await surveyHost(hostDeps, ip, ports);
        // A host still in flight when the survey was interrupted had its last connections
        // refused by the dialer: its result is incomplete, so it is dropped and, on
        // --resume, surveyed again rather than saved as done.
        if (signal.aborted) return;
        // Imported targets skip discovery, so a refused connection here is the conclusive
        // "the service is gone" that discovery would have seen (a re-survey of a device unplugged).
        if (config.importedOpenPorts) {
          for (const observation of result.observations) {
            if (observation.status === 'connection-refused') result.covered.push(...(openBefore.get(`${ip}:${observation.port}`) ?? []));
          }
        }
        progress.done++;
        progress.services += result.observations.length;
        if (result.device) progress.identified++;
        progress.findings += result.findings.length;
        for (const observation of result.observations) servicesByStatus[observation.status] = (servicesByStatus[observation.status] ?? 0) + 1;
        attempts += result.attempts.length;
        for (const finding of result.findings) {
          if (finding.kind === 'weak-credential') findingCounts.weakCredential++;
          else findingCounts.noAuthentication++;
        }
        pending.push(result);
        if (pending.length >= saveBatchSize) await flush();
      },
      signal,
    );
  } finally {
    clearInterval(ticker);
  }

  // 3. Save the last batch. An interrupted run still saves and reconciles what it
  // checked: each covered entry is a check that really ran.
  progress.phase = 'saving';
  report();
  await flush();

  // 4. Firmware: every device this run identified (resumed parts included) against the
  // vulnerability data, after all hosts, because priority counts the installed base.
  let firmware: FirmwareFindings | undefined;
  if (config.firmware && deps.firmware && !signal.aborted) {
    progress.phase = 'firmware';
    report();
    const devices = (await deps.store.listDevices()).filter((device) => device.lastRunId === runId);
    const open = await deps.store.listFindings({ status: 'open', kind: 'vulnerable-firmware' });
    firmware = assessFirmware(
      devices.map((device) => ({ ip: device.ip, identity: device })),
      deps.firmware,
      open,
      now().toISOString(),
    );
    await reconcile(firmware.findings, firmware.covered);
    findingCounts.vulnerableFirmware = firmware.findings.length;
    progress.findings += firmware.findings.length;
  }
  const status = signal.aborted ? 'interrupted' : 'completed';
  const summary: SurveySummary = {
    runId,
    status,
    targets,
    openPorts: progress.openPorts,
    hosts: openByHost.size,
    services: progress.services,
    servicesByStatus,
    identified: progress.identified,
    findings: findingCounts,
    reconciliation,
    firmware: firmware ? { devicesAssessed: firmware.devicesAssessed, unknownMatches: firmware.unknownMatches } : undefined,
    attempts,
    elapsedMs: Math.round(performance.now() - started),
  };
  await deps.store.finishRun(runId, {
    finishedAt: now().toISOString(),
    status,
    counts: {
      targets,
      openPorts: summary.openPorts,
      hosts: summary.hosts,
      services: summary.services,
      identified: summary.identified,
      weakCredential: summary.findings.weakCredential,
      noAuthentication: summary.findings.noAuthentication,
      vulnerableFirmware: summary.findings.vulnerableFirmware,
      attempts,
      elapsedMs: summary.elapsedMs,
    },
  });
  progress.phase = 'done';
  report();
  return summary;
}
