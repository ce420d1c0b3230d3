/**
 * A survey worker: takes shards of distributed survey runs from the queue and surveys each from
 * this machine's source addresses at this machine's rate, within the run's plan (the plan's
 * caps win), writing to the central store. Each shard is a fresh survey request, so the
 * approved opt-outs and the blocklist are read again before every shard; a retried shard skips
 * the hosts already saved for its run, as a resumed run does.
 */
import { hostname } from 'node:os';
import { OpenNoticeError } from '../core/errors.ts';
import type { SurveyProgress, SurveySummary } from '../survey/progress.ts';
import type { SurveyRequest } from '../survey/request.ts';
import { runSurvey, type SurveyDeps } from '../survey/run-survey.ts';
import type { ShardJob, ShardOutcome } from './shard-job.ts';
import type { LeasedShard, ShardQueue } from './shard-queue.ts';
import type { ShardRef, WorkerEvent } from './worker-events.ts';

export interface SurveyWorkerOptions {
  queue: ShardQueue;
  /** The survey's wiring for one shard (store, protocols, rules), given the shard's signal and progress hook. */
  surveyDeps(hooks: { signal: AbortSignal; onProgress: (progress: SurveyProgress) => void }): SurveyDeps;
  /** Aborted on SIGTERM/SIGINT: the shard in hand stops, is handed back, and the worker returns. */
  signal: AbortSignal;
  /** This machine's source addresses: among the plan's published ones (default: all of the plan's). */
  sourceAddresses?: readonly string[];
  /** This worker's connections per second; the job's (and the plan's) cap still wins. */
  connectionsPerSecond?: number;
  /** Where the run's plan file is on this machine, when not at the coordinator's path (its SHA-256 must match). */
  planFile?: string;
  onEvent?: (event: WorkerEvent) => void;
  /** Seconds between looks at an empty queue (default 2). */
  pollSeconds?: number;
  /** Stop after this many shards done (a batch job, a machine lent for a while); default: until the signal. */
  maxShards?: number;
}

/**
 * Work until the signal aborts.
 * @example await runSurveyWorker({ queue, surveyDeps: (hooks) => createSurveyDeps({ store, ...hooks }), signal: io.signal })
 */
export async function runSurveyWorker(options: SurveyWorkerOptions): Promise<void> {
  const worker = `${hostname()}:${process.pid}`;
  const enough = new AbortController();
  const stop = AbortSignal.any([options.signal, enough.signal]);
  let done = 0;
  await options.queue.work(
    async (leased) => {
      // pg-boss may hand over one more shard while this worker is stopping: it goes straight back.
      if (enough.signal.aborted) throw new OpenNoticeError('INTERRUPTED', 'the worker has done its shards and is stopping');
      const outcome = await surveyShard(leased, worker, options);
      if (options.maxShards !== undefined && ++done >= options.maxShards) enough.abort();
      return outcome;
    },
    { signal: stop, pollSeconds: options.pollSeconds },
  );
}

/**
 * The survey request for one shard: the coordinator's, with this worker's sources and rate.
 * @example shardSurveyRequest(job, { sourceAddresses: ['192.0.2.10'], connectionsPerSecond: 50 })
 */
export function shardSurveyRequest(job: ShardJob, local: Pick<SurveyWorkerOptions, 'sourceAddresses' | 'connectionsPerSecond' | 'planFile'>): SurveyRequest {
  const jobRate = job.request.limits?.connectionsPerSecond;
  const rate = local.connectionsPerSecond === undefined ? jobRate : Math.min(local.connectionsPerSecond, jobRate ?? Infinity);
  const plan = local.planFile ?? job.request.plan;
  return {
    ...job.request,
    ...(plan === undefined ? {} : { plan }),
    limits: { ...job.request.limits, ...(rate === undefined ? {} : { connectionsPerSecond: rate }) },
    ...(local.sourceAddresses && local.sourceAddresses.length > 0 ? { sourceAddresses: local.sourceAddresses } : {}),
    shard: { runId: job.runId, index: job.index, count: job.count },
  };
}

async function surveyShard(leased: LeasedShard, worker: string, options: SurveyWorkerOptions): Promise<ShardOutcome> {
  const { job } = leased;
  const shard: ShardRef = { runId: job.runId, index: job.index, count: job.count };
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  emit({ kind: 'shard-started', shard, attempt: leased.attempt });
  let summary: SurveySummary;
  try {
    const deps = options.surveyDeps({ signal: leased.signal, onProgress: (progress) => emit({ kind: 'shard-progress', shard, progress }) });
    summary = await runSurvey(shardSurveyRequest(job, options), deps);
  } catch (error) {
    emit({ kind: 'shard-returned', shard, cause: 'error', reason: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  if (summary.status === 'interrupted') {
    // Failing the job hands it back: pg-boss retries it, and the next worker skips the hosts saved here.
    const cause = options.signal.aborted ? 'stopping' : 'lease-lost';
    const reason = cause === 'stopping' ? 'the worker is stopping' : 'the lease was lost';
    emit({ kind: 'shard-returned', shard, cause, reason });
    throw new OpenNoticeError('INTERRUPTED', `shard ${job.index}/${job.count} of run ${job.runId} handed back: ${reason}`, {
      runId: job.runId,
      shard: job.index,
    });
  }
  const outcome: ShardOutcome = {
    worker,
    targets: summary.targets,
    openPorts: summary.openPorts,
    hosts: summary.hosts,
    services: summary.services,
    identified: summary.identified,
    attempts: summary.attempts,
    findings: summary.findings,
    elapsedMs: summary.elapsedMs,
  };
  emit({ kind: 'shard-done', shard, outcome });
  return outcome;
}
