import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPostgres } from '../../test/support/postgres-server.ts';
import { openShardQueue } from '../distributed/shard-queue.ts';
import { type ShardJob, shardJobVersion } from '../distributed/shard-job.ts';
import { createQueueMetrics } from '../metrics/queue.ts';
import { createMetricsRegistry } from '../metrics/registry.ts';
import { recordWorkerMetrics } from './worker-metrics.ts';

test("a worker's events and the real queue's depth reach the queue metrics", { timeout: 60_000 }, async () => {
  const postgres = await startPostgres();
  try {
    const queue = await openShardQueue({ url: postgres.url });
    try {
      const job = (index: number): ShardJob => ({ version: shardJobVersion, runId: 1, index, count: 3, seed: 1, checks: [], request: {} });
      await queue.enqueue([job(0), job(1), job(2)], { leaseSeconds: 10, maxShardSeconds: 60, retryLimit: 1 });
      const registry = createMetricsRegistry({ command: 'worker', version: 'test' });
      const record = recordWorkerMetrics(createQueueMetrics(registry), queue);
      const shard = { runId: 1, index: 0, count: 3 };
      record({ kind: 'shard-started', shard, attempt: 0 });
      record({ kind: 'shard-returned', shard, cause: 'lease-lost', reason: 'the lease was lost' });
      record({ kind: 'shard-started', shard, attempt: 1 });
      const text = await registry.metrics();
      assert.match(text, /opennotice_queue_jobs\{queue="opennotice-survey-shards",state="waiting"\} 3/);
      assert.match(text, /opennotice_queue_leases_held\{queue="opennotice-survey-shards"\} 1/);
      assert.match(text, /opennotice_queue_leases_expired_total\{queue="opennotice-survey-shards"\} 1/);
      assert.match(text, /opennotice_queue_jobs_finished_total\{queue="opennotice-survey-shards",outcome="returned"\} 1/);
    } finally {
      await queue.close();
    }
  } finally {
    await postgres.stop();
  }
});
