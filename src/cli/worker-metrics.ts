/**
 * A worker's events as the queue's Prometheus metrics (src/metrics/queue.ts): leases taken and
 * let go by outcome, leases lost, and the queue's depth by state at scrape time.
 */
import { shardQueueName, type ShardQueue, type ShardState } from '../distributed/shard-queue.ts';
import type { WorkerEvent } from '../distributed/worker-events.ts';
import type { QueueMetrics } from '../metrics/queue.ts';

/**
 * Count the queue's depth into `metrics`, and return the event handler that records the rest.
 * @example const record = recordWorkerMetrics(createQueueMetrics(registry), queue); runSurveyWorker({ …, onEvent: record })
 */
export function recordWorkerMetrics(metrics: QueueMetrics, queue: ShardQueue): (event: WorkerEvent) => void {
  metrics.watchDepth(async () => {
    const depth = await queue.depth();
    return (Object.entries(depth) as Array<[ShardState, number]>).map(([state, count]) => ({ queue: shardQueueName, state, count }));
  });
  return (event) => {
    if (event.kind === 'shard-started') metrics.leaseTaken(shardQueueName);
    else if (event.kind === 'shard-done') metrics.leaseReleased(shardQueueName, 'done');
    else if (event.kind === 'shard-returned') {
      if (event.cause === 'lease-lost') metrics.leaseExpired(shardQueueName);
      metrics.leaseReleased(shardQueueName, event.cause === 'error' ? 'failed' : 'returned');
    }
  };
}
