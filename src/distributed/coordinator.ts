/**
 * The coordinator of a distributed survey: decides the survey once (plan, scope, checks — the
 * same policy as a one-process survey), starts its run record, splits the run's addresses into
 * disjoint shards of one seeded permutation (scope/address-shards.ts) and puts one job per
 * shard on the queue. Then it watches: shards waiting, leased, done, failed; and once every
 * shard is done it assesses firmware over the whole run and finishes the run with its totals.
 */
import { OpenNoticeError } from '../core/errors.ts';
import type { FindingKind } from '../core/records.ts';
import type { ProtocolRegistry } from '../protocols/registry.ts';
import type { FirmwareAssessor } from '../survey/firmware-phase.ts';
import { createSurveyWriter } from '../survey/persist.ts';
import { resolveSurvey, type SurveySettings } from '../survey/policy.ts';
import { requestableChecks, type RequestableCheck, type SurveyRequest } from '../survey/request.ts';
import { assessRunFirmware, runStartOf, type SurveyStore } from '../survey/run-survey.ts';
import { type LeaseOptions, defaultLease, type ShardQueue, type ShardStatus } from './shard-queue.ts';
import { shardJobVersion, type ShardJob, type ShardRequest } from './shard-job.ts';

/** The most shards one run is split into (each is a job row and, when retried, a repeated discovery). */
export const maxShards = 10_000;

export interface CoordinatorDeps {
  store: SurveyStore;
  queue: ShardQueue;
  protocols: ProtocolRegistry;
  now?: () => Date;
  /** As SurveyDeps.allowReserved: tests' documentation prefixes only. */
  allowReserved?: readonly string[];
  /**
   * The firmware check's assessor, loaded when a run that checks firmware starts (so missing
   * vulnerability data fails before any shard is enqueued) and again when its shards are done.
   */
  firmware?: () => Promise<FirmwareAssessor>;
}

export interface DistributedStart {
  runId: number;
  shards: number;
  addresses: number;
  settings: SurveySettings;
}

/**
 * How many shards by default: 64, fewer for a small scope (a shard holds at least one
 * address), more for a very large one so no shard holds more than 65 536 addresses (a shard
 * taken over after a crash repeats its discovery).
 * @example defaultShardCount(4096) // 64
 */
export function defaultShardCount(addresses: number): number {
  return Math.max(1, Math.min(addresses, maxShards, Math.max(64, Math.ceil(addresses / 65_536))));
}

/**
 * Decide, start and enqueue a distributed survey.
 * @example const { runId } = await startDistributedSurvey({ plan: 'plan.yaml', checks: ['credentials'] }, { store, queue, protocols: shippedProtocols })
 */
export async function startDistributedSurvey(
  request: SurveyRequest,
  options: { shards?: number; lease?: LeaseOptions },
  deps: CoordinatorDeps,
): Promise<DistributedStart> {
  if (request.resume !== undefined || request.shard !== undefined) {
    throw new OpenNoticeError('USAGE', 'a distributed survey cannot --resume: its shards are retried on the queue (watch it with --watch RUN)');
  }
  if (request.discovery !== undefined && request.discovery.kind !== 'connect-scan') {
    throw new OpenNoticeError('USAGE', 'a distributed survey shards the connect scan; open ports read from a file (--input) are surveyed by one process');
  }
  const settings = await resolveSurvey(request, { store: deps.store, protocols: deps.protocols, now: deps.now, allowReserved: deps.allowReserved });
  const addresses = settings.addresses.addresses.size;
  if (settings.firmware) {
    if (!deps.firmware)
      throw new OpenNoticeError('USAGE', 'the firmware check of a distributed survey needs the vulnerability data (CoordinatorDeps.firmware)');
    await deps.firmware();
  }
  const shards = options.shards ?? defaultShardCount(addresses);
  if (!Number.isInteger(shards) || shards < 1 || shards > maxShards)
    throw new OpenNoticeError('USAGE', `--shards must be an integer from 1 to ${maxShards}, got ${shards}`);
  const now = deps.now ?? (() => new Date());
  const runId = await deps.store.startRun({ ...runStartOf(settings), startedAt: now().toISOString() });
  const checks = settings.checks.filter((check): check is RequestableCheck => (requestableChecks as readonly string[]).includes(check));
  const jobs: ShardJob[] = Array.from({ length: shards }, (_, index) => ({
    version: shardJobVersion,
    runId,
    index,
    count: shards,
    seed: settings.seed,
    checks,
    request: shardRequestOf(request, settings),
  }));
  await deps.queue.enqueue(jobs, options.lease ?? defaultLease);
  return { runId, shards, addresses, settings };
}

/** What every worker needs beyond the run record; the UDP ports are the decided ones, so every shard sends to the same. */
function shardRequestOf(request: SurveyRequest, settings: SurveySettings): ShardRequest {
  const shardRequest: ShardRequest = { udpPorts: settings.udpPorts, closeAfterMisses: settings.closeAfterMisses };
  if (request.plan !== undefined) shardRequest.plan = request.plan;
  if (request.hitList !== undefined) shardRequest.hitList = request.hitList;
  if (request.limits !== undefined) shardRequest.limits = { ...request.limits };
  if (request.dictionary !== undefined) shardRequest.dictionary = request.dictionary;
  if (request.rules !== undefined) shardRequest.rules = [...request.rules];
  if (request.userAgent !== undefined) shardRequest.userAgent = request.userAgent;
  if (request.resolverCheckName !== undefined) shardRequest.resolverCheckName = request.resolverCheckName;
  return shardRequest;
}

/** Progress over all workers, as the queue and the shards' outcomes tell it. */
export interface DistributedProgress {
  runId: number;
  shards: { total: number; waiting: number; leased: number; done: number; failed: number };
  /** Attempts after the first, over all shards (taken-over and handed-back shards). */
  retries: number;
  /** Summed over the shards done. */
  targets: number;
  hosts: number;
  findings: number;
}

/**
 * The progress a list of shard statuses adds up to.
 * @example distributedProgress(7, await queue.shardsOf(7)).shards.done
 */
export function distributedProgress(runId: number, shards: readonly ShardStatus[]): DistributedProgress {
  const progress: DistributedProgress = {
    runId,
    shards: { total: shards.length, waiting: 0, leased: 0, done: 0, failed: 0 },
    retries: 0,
    targets: 0,
    hosts: 0,
    findings: 0,
  };
  for (const shard of shards) {
    progress.shards[shard.state]++;
    progress.retries += shard.retries;
    if (!shard.outcome) continue;
    progress.targets += shard.outcome.targets;
    progress.hosts += shard.outcome.hosts;
    progress.findings += Object.values(shard.outcome.findings).reduce((total, count) => total + (count ?? 0), 0);
  }
  return progress;
}

export interface WatchOptions {
  /** Aborted: stop watching (Ctrl-C); the workers go on, and `--watch RUN` picks the run up again. */
  signal: AbortSignal;
  onProgress?: (progress: DistributedProgress) => void;
  /** Between looks at the queue (default 1000). */
  pollMs?: number;
  /** As the request's closeAfterMisses, for the firmware findings. */
  closeAfterMisses?: number;
}

export interface DistributedResult {
  runId: number;
  /** `detached`: the watch stopped before the run ended (it goes on). */
  status: 'completed' | 'failed' | 'detached';
  progress: DistributedProgress;
  /** The totals the run was finished with (absent when detached). */
  counts?: Record<string, number>;
}

/**
 * Watch a run's shards until they are all done (or one has failed for good), then finish the run.
 * @example const result = await watchDistributedSurvey(runId, { store, queue, protocols }, { signal, onProgress: print })
 */
export async function watchDistributedSurvey(runId: number, deps: CoordinatorDeps, options: WatchOptions): Promise<DistributedResult> {
  const run = await deps.store.getRun(runId);
  if (!run) throw new OpenNoticeError('USAGE', `there is no survey run ${runId} in ${deps.store.location}`);
  const started = Date.parse(run.startedAt);
  for (;;) {
    const shards = await deps.queue.shardsOf(runId);
    if (shards.length === 0)
      throw new OpenNoticeError('QUEUE_FAILED', `run ${runId} has no shards on the queue (not a distributed run, or its jobs were deleted)`);
    const progress = distributedProgress(runId, shards);
    options.onProgress?.(progress);
    if (run.status !== 'running') return { runId, status: run.status === 'completed' ? 'completed' : 'failed', progress, counts: run.counts };
    const settled = progress.shards.done + progress.shards.failed === progress.shards.total;
    if (settled) return finishDistributedRun(runId, shards, progress, run.checks, started, deps, options);
    if (options.signal.aborted) return { runId, status: 'detached', progress };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.pollMs ?? 1000);
      options.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

async function finishDistributedRun(
  runId: number,
  shards: readonly ShardStatus[],
  progress: DistributedProgress,
  checks: readonly string[],
  started: number,
  deps: CoordinatorDeps,
  options: WatchOptions,
): Promise<DistributedResult> {
  const now = deps.now ?? (() => new Date());
  const counts = summedCounts(shards);
  const failed = progress.shards.failed > 0;
  if (!failed && checks.includes('firmware') && deps.firmware) {
    const writer = createSurveyWriter(deps.store, runId, { closeAfterMisses: options.closeAfterMisses ?? 1 });
    const firmware = await assessRunFirmware(deps.store, await deps.firmware(), runId, now(), writer);
    counts['vulnerable-firmware'] = firmware.findings.length;
    progress.findings += firmware.findings.length;
  }
  counts.shards = progress.shards.total;
  counts.shardRetries = progress.retries;
  counts.elapsedMs = Math.max(0, now().getTime() - started);
  await deps.store.finishRun(runId, { finishedAt: now().toISOString(), status: failed ? 'failed' : 'completed', counts });
  options.onProgress?.(progress);
  return { runId, status: failed ? 'failed' : 'completed', progress, counts };
}

/** The run's totals: each done shard's outcome added up (a retried shard reports what its last attempt surveyed). */
function summedCounts(shards: readonly ShardStatus[]): Record<string, number> {
  const counts: Record<string, number> = { targets: 0, openPorts: 0, hosts: 0, services: 0, identified: 0, attempts: 0 };
  for (const { outcome } of shards) {
    if (!outcome) continue;
    counts.targets! += outcome.targets;
    counts.openPorts! += outcome.openPorts;
    counts.hosts! += outcome.hosts;
    counts.services! += outcome.services;
    counts.identified! += outcome.identified;
    counts.attempts! += outcome.attempts;
    for (const [kind, count] of Object.entries(outcome.findings) as Array<[FindingKind, number]>) counts[kind] = (counts[kind] ?? 0) + count;
  }
  return counts;
}
