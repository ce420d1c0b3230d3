/**
 * The durable queue of a distributed survey's shards, on pg-boss (PostgreSQL; see
 * docs/deployment.md for why). A shard job is leased to one worker at a time: pg-boss's
 * `SKIP LOCKED` fetch hands it out once, the worker's heartbeat keeps the lease, and a worker
 * that stops heartbeating (killed, cut off) loses the job to the next worker after the lease
 * (`heartbeatSeconds`); `expireInSeconds` caps how long any one attempt may run.
 */
import { hostname } from 'node:os';
import { PgBoss } from 'pg-boss';
import { OpenNoticeError } from '../core/errors.ts';
import { parseShardJob, parseShardOutcome, type ShardJob, type ShardOutcome } from './shard-job.ts';

/** One queue for every run's shards; jobs carry their run id. */
export const shardQueueName = 'opennotice-survey-shards';

/** How shard jobs are leased and retried. */
export interface LeaseOptions {
  /** A worker that has not heartbeated for this long loses its shard to another (pg-boss heartbeatSeconds, at least 10). */
  leaseSeconds: number;
  /** The longest one attempt at a shard may run before it is failed and retried (pg-boss expireInSeconds). */
  maxShardSeconds: number;
  /** Attempts after the first before a shard is failed for good (a killed worker's shard counts one). */
  retryLimit: number;
}

export const defaultLease: LeaseOptions = { leaseSeconds: 60, maxShardSeconds: 6 * 3600, retryLimit: 10 };

export type ShardState = 'waiting' | 'leased' | 'done' | 'failed';

/** Where one shard stands, as the queue records it. */
export interface ShardStatus {
  index: number;
  state: ShardState;
  /** Attempts started after the first (a retried or taken-over shard). */
  retries: number;
  /** Present once done. */
  outcome?: ShardOutcome;
}

/** A shard being worked on: its job, and a signal aborted when the lease is lost. */
export interface LeasedShard {
  job: ShardJob;
  /** Attempt number, 0 for the first. */
  attempt: number;
  /** Aborted when pg-boss finds the claim gone (the lease expired) or the job expired. */
  signal: AbortSignal;
}

export interface ShardQueue {
  /** Put a run's shards on the queue. */
  enqueue(jobs: readonly ShardJob[], lease: LeaseOptions): Promise<void>;
  /** Every shard of a run, by index. */
  shardsOf(runId: number): Promise<ShardStatus[]>;
  /** Shard jobs of every run by state, as pg-boss counts them (done: completed jobs still kept). */
  depth(): Promise<Record<ShardState, number>>;
  /**
   * Take shards one at a time until `signal` aborts; a handler's result completes the job, a
   * handler that throws fails it (retried by pg-boss up to the lease's retryLimit). Resolves
   * when the shard in hand, if any, has been handed back.
   */
  work(handler: (shard: LeasedShard) => Promise<ShardOutcome>, options: { signal: AbortSignal; pollSeconds?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface ShardQueueOptions {
  /** postgres:// URL of the queue's database. */
  url: string;
  /**
   * How often this process's pg-boss looks for expired leases, in seconds (default 10). A killed
   * worker's shard waits up to lease + this before another worker may take it.
   */
  monitorSeconds?: number;
}

function queueFailed(action: string, error: unknown, url: string): OpenNoticeError {
  const message = error instanceof Error ? error.message : String(error);
  return new OpenNoticeError('QUEUE_FAILED', `${action}: ${message}`, { queue: redactedUrl(url) }, { cause: error });
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function stateOf(state: string): ShardState {
  if (state === 'active') return 'leased';
  if (state === 'completed') return 'done';
  if (state === 'failed' || state === 'cancelled') return 'failed';
  return 'waiting';
}

/**
 * Connect to the queue (installing pg-boss's schema on first use).
 * @example const queue = await openShardQueue({ url: 'postgres://opennotice@db.example/opennotice' })
 */
export async function openShardQueue(options: ShardQueueOptions): Promise<ShardQueue> {
  if (!/^postgres(ql)?:\/\//.test(options.url)) {
    throw new OpenNoticeError('USAGE', `the queue must be a postgres:// URL, got "${redactedUrl(options.url)}"`);
  }
  const monitorSeconds = options.monitorSeconds ?? 10;
  const boss = new PgBoss({
    connectionString: options.url,
    monitorIntervalSeconds: monitorSeconds,
    superviseIntervalSeconds: monitorSeconds,
    instanceName: `opennotice@${hostname()}:${process.pid}`,
  });
  // pg-boss reports background failures (a lost connection while polling) as events; a process
  // without a listener would crash on them, and the next poll retries anyway.
  const backgroundErrors: Error[] = [];
  boss.on('error', (error) => {
    backgroundErrors.push(error);
  });
  try {
    await boss.start();
    // Idempotent (INSERT … ON CONFLICT DO NOTHING under an advisory lock): workers starting together are fine.
    await boss.createQueue(shardQueueName, { heartbeatSeconds: defaultLease.leaseSeconds });
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw queueFailed('cannot open the shard queue', error, options.url);
  }

  return {
    async enqueue(jobs, lease) {
      if (lease.leaseSeconds < 10) throw new OpenNoticeError('USAGE', `a lease must be at least 10 seconds (pg-boss heartbeat), got ${lease.leaseSeconds}`);
      try {
        await boss.insert(
          shardQueueName,
          jobs.map((job) => ({
            data: job,
            heartbeatSeconds: lease.leaseSeconds,
            expireInSeconds: lease.maxShardSeconds,
            retryLimit: lease.retryLimit,
            // Completed shards are read back for the run's totals; keep them as long as a run may last.
            deleteAfterSeconds: 30 * 24 * 3600,
          })),
        );
      } catch (error) {
        throw queueFailed('cannot enqueue shards', error, options.url);
      }
    },

    async shardsOf(runId) {
      let jobs: Awaited<ReturnType<typeof boss.findJobs>>;
      try {
        jobs = await boss.findJobs(shardQueueName, { data: { runId }, limit: 100_000 });
      } catch (error) {
        throw queueFailed('cannot read the shards', error, options.url);
      }
      return jobs
        .map((job): ShardStatus => {
          const data = job.data as { index?: unknown };
          const outcome = job.state === 'completed' ? parseShardOutcome(job.output) : undefined;
          return {
            index: typeof data.index === 'number' ? data.index : -1,
            state: stateOf(job.state),
            // retryCount counts claims after the first; a job waiting in 'retry' has not been claimed again yet.
            retries: job.retryCount,
            ...(outcome ? { outcome } : {}),
          };
        })
        .sort((a, b) => a.index - b.index);
    },

    async depth() {
      // pg-boss's own queue counts are refreshed by its monitor pass, minutes stale at worst; a
      // scrape wants them now, so the job table (pg-boss's documented, inspectable schema) is counted.
      let rows: Array<{ state: string; count: string }>;
      try {
        ({ rows } = await boss.getDb().executeSql('SELECT state, count(*) AS count FROM pgboss.job WHERE name = $1 GROUP BY state', [shardQueueName]));
      } catch (error) {
        throw queueFailed('cannot count the shards', error, options.url);
      }
      const depth: Record<ShardState, number> = { waiting: 0, leased: 0, done: 0, failed: 0 };
      for (const row of rows) depth[stateOf(row.state)] += Number(row.count);
      return depth;
    },

    async work(handler, { signal, pollSeconds = 2 }) {
      if (signal.aborted) return;
      const workId = await boss
        .work(shardQueueName, { batchSize: 1, pollingIntervalSeconds: pollSeconds }, async ([job]) => {
          if (!job) return undefined;
          // A job this version cannot read fails (and is retried elsewhere, perhaps by a newer worker).
          const shard = parseShardJob(job.data);
          return handler({ job: shard, attempt: job.retryCount, signal: AbortSignal.any([job.signal, signal]) });
        })
        .catch((error: unknown) => {
          throw queueFailed('cannot take shards', error, options.url);
        });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      // Stop fetching, and wait for the shard in hand to be handed back (its handler sees the abort).
      await boss.offWork(shardQueueName, { id: workId, wait: true });
    },

    async close() {
      await boss.stop({ graceful: true, timeout: 30_000 });
    },
  };
}
