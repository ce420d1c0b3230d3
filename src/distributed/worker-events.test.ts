import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkerTally } from './worker-events.ts';

test("a worker's tally follows its events: the shard in hand, shards done and handed back, what they found", () => {
  const tally = createWorkerTally();
  const shard = { runId: 3, index: 0, count: 4 };
  tally.add({ kind: 'shard-started', shard, attempt: 0 });
  const progress = { phase: 'discovery' as const, done: 10, total: 40, openPorts: 2, services: 0, identified: 0, findings: 0, elapsedMs: 5 };
  tally.add({ kind: 'shard-progress', shard, progress });
  assert.deepEqual(tally.read().current, { shard, progress });
  tally.add({
    kind: 'shard-done',
    shard,
    outcome: {
      worker: 'w:1',
      targets: 40,
      openPorts: 4,
      hosts: 3,
      services: 4,
      identified: 3,
      attempts: 12,
      findings: { 'weak-credential': 2, reflector: 1 },
      elapsedMs: 900,
    },
  });
  tally.add({ kind: 'shard-started', shard: { ...shard, index: 1 }, attempt: 1 });
  tally.add({ kind: 'shard-returned', shard: { ...shard, index: 1 }, cause: 'stopping', reason: 'the worker is stopping' });
  assert.deepEqual(tally.read(), { shardsDone: 1, shardsReturned: 1, targets: 40, hosts: 3, findings: 3, current: undefined });
});
