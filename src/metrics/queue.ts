/**
 * A queue worker's Prometheus metrics, for `opennotice worker` (distributed surveys): the
 * queue's depth by state, counted at scrape time from whatever the queue can tell (cached for
 * `maxAgeMs`, so scrapes never hammer the queue's database), the leases this worker holds,
 * leases it lost because they expired, and jobs it finished by outcome. The worker records
 * into these; its shard surveys record into createSurveyMetrics on the same registry.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Jobs of one queue in one state, as the queue counts them ("waiting", "leased", "done", "failed"). */
export interface QueueDepth {
  queue: string;
  state: string;
  count: number;
}

/** How a leased job ended for this worker. */
export type JobOutcome = 'done' | 'returned' | 'failed';

export interface QueueMetrics {
  /** How to count the queue's jobs by state; called at most once per `maxAgeMs` at scrape time. */
  watchDepth(count: () => Promise<readonly QueueDepth[]>): void;
  /** This worker took a job: one more lease held. */
  leaseTaken(queue: string): void;
  /** This worker let a job go with this outcome: one lease fewer. */
  leaseReleased(queue: string, outcome: JobOutcome): void;
  /** This worker's lease expired under it (no heartbeat in time): the job goes to another worker. */
  leaseExpired(queue: string): void;
}

/**
 * @example
 * const queue = createQueueMetrics(registry)
 * queue.watchDepth(async () => (await shardQueue.shardsOf(runId)).map(…))
 * queue.leaseTaken('opennotice-survey-shards'); …; queue.leaseReleased('opennotice-survey-shards', 'done')
 */
export function createQueueMetrics(registry: Registry, options: { maxAgeMs?: number; now?: () => number } = {}): QueueMetrics {
  const maxAgeMs = options.maxAgeMs ?? 15_000;
  const now = options.now ?? Date.now;
  const registers = [registry];
  let counter: (() => Promise<readonly QueueDepth[]>) | undefined;
  let cached: { at: number; depths: Promise<readonly QueueDepth[]> } | undefined;
  const depths = (): Promise<readonly QueueDepth[]> => {
    if (!counter) return Promise.resolve([]);
    const at = now();
    if (cached === undefined || at - cached.at >= maxAgeMs) {
      const counting = counter();
      counting.catch(() => {
        if (cached?.depths === counting) cached = undefined;
      });
      cached = { at, depths: counting };
    }
    return cached.depths;
  };
  new Gauge({
    name: 'opennotice_queue_jobs',
    help: 'Jobs in the queue by state (waiting: the depth still to do; leased; done; failed), counted at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const rows = await depths();
      this.reset();
      for (const row of rows) this.set({ queue: row.queue, state: row.state }, row.count);
    },
  });
  const held = new Gauge({
    name: 'opennotice_queue_leases_held',
    help: 'Jobs this worker holds a lease on right now.',
    labelNames: ['queue'] as const,
    registers,
  });
  const expired = new Counter({
    name: 'opennotice_queue_leases_expired_total',
    help: 'Leases this worker lost because they expired (its heartbeat was late): another worker redoes the job.',
    labelNames: ['queue'] as const,
    registers,
  });
  const finished = new Counter({
    name: 'opennotice_queue_jobs_finished_total',
    help: 'Jobs this worker let go, by outcome (done; returned to the queue: interrupted or lease lost; failed).',
    labelNames: ['queue', 'outcome'] as const,
    registers,
  });
  return {
    watchDepth(count) {
      counter = count;
      cached = undefined;
    },
    leaseTaken: (queue) => held.inc({ queue }),
    leaseReleased(queue, outcome) {
      held.dec({ queue });
      finished.inc({ queue, outcome });
    },
    leaseExpired: (queue) => expired.inc({ queue }),
  };
}
