import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition } from '../../test/support/prometheus-text.ts';
import { createQueueMetrics } from './queue.ts';
import { createMetricsRegistry } from './registry.ts';

test('queue metrics: depth counted at scrape time within the bound, leases held, expired and finished', async () => {
  const registry = createMetricsRegistry({ command: 'worker', version: 'test' });
  let clock = 0;
  const queue = createQueueMetrics(registry, { maxAgeMs: 15_000, now: () => clock });
  let counted = 0;
  let waiting = 5;
  queue.watchDepth(async () => {
    counted++;
    return [
      { queue: 'shards', state: 'waiting', count: waiting },
      { queue: 'shards', state: 'leased', count: 2 },
    ];
  });
  queue.leaseTaken('shards');
  queue.leaseTaken('shards');
  queue.leaseReleased('shards', 'done');
  queue.leaseExpired('shards');

  let metrics = parseExposition(await registry.metrics());
  assert.equal(metrics.value('opennotice_queue_jobs', { queue: 'shards', state: 'waiting' }), 5);
  assert.equal(metrics.value('opennotice_queue_leases_held', { queue: 'shards' }), 1);
  assert.equal(metrics.value('opennotice_queue_leases_expired_total', { queue: 'shards' }), 1);
  assert.equal(metrics.value('opennotice_queue_jobs_finished_total', { queue: 'shards', outcome: 'done' }), 1);

  waiting = 3;
  clock = 14_999;
  metrics = parseExposition(await registry.metrics());
  assert.equal(metrics.value('opennotice_queue_jobs', { queue: 'shards', state: 'waiting' }), 5, 'a count younger than the bound is reused');
  assert.equal(counted, 1);
  clock = 15_000;
  metrics = parseExposition(await registry.metrics());
  assert.equal(metrics.value('opennotice_queue_jobs', { queue: 'shards', state: 'waiting' }), 3, 'then the queue is counted again');
  assert.equal(counted, 2);
});
