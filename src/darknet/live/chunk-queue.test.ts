import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChunkQueue, type ChunkQueueOptions } from './chunk-queue.ts';

function recordingQueue(overrides: Partial<ChunkQueueOptions> = {}) {
  const events: string[] = [];
  const queue = createChunkQueue({
    highWaterBytes: 10,
    hardCapBytes: 30,
    pause: () => events.push('pause'),
    resume: () => events.push('resume'),
    onAbandon: () => events.push('abandon'),
    onOverflow: () => events.push('overflow'),
    ...overrides,
  });
  return { queue, events };
}

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

test('delivers chunks in order, pauses above the high-water mark and resumes at half', async () => {
  const { queue, events } = recordingQueue();
  queue.push(bytes(6, 1));
  assert.deepEqual(events, []);
  queue.push(bytes(6, 2));
  assert.deepEqual(events, ['pause']);
  queue.end();
  const received: number[] = [];
  for await (const chunk of queue.chunks) received.push(chunk[0], chunk.length);
  assert.deepEqual(received, [1, 6, 2, 6]);
  assert.deepEqual(events, ['pause', 'resume']);
});

test('a consumer waiting for data is woken by push and by end', async () => {
  const { queue } = recordingQueue();
  const collected = (async () => {
    const all: number[] = [];
    for await (const chunk of queue.chunks) all.push(chunk.length);
    return all;
  })();
  await Promise.resolve();
  queue.push(bytes(3));
  setImmediate(() => {
    queue.push(bytes(4));
    queue.end();
  });
  assert.deepEqual(await collected, [3, 4]);
});

test('unlimit resumes a paused producer and never pauses again, up to the hard cap', () => {
  const { queue, events } = recordingQueue();
  queue.push(bytes(12));
  queue.unlimit();
  queue.push(bytes(12));
  assert.deepEqual(events, ['pause', 'resume']);
  queue.push(bytes(12));
  assert.deepEqual(events, ['pause', 'resume', 'overflow']);
  queue.push(bytes(12));
  assert.equal(queue.queuedBytes, 36, 'chunks after the overflow are dropped');
});

test('a failure is thrown after the queued chunks', async () => {
  const { queue } = recordingQueue();
  queue.push(bytes(2));
  queue.end(new Error('tcpdump died'));
  const received: number[] = [];
  await assert.rejects(async () => {
    for await (const chunk of queue.chunks) received.push(chunk.length);
  }, /tcpdump died/);
  assert.deepEqual(received, [2]);
});

test('leaving the loop early abandons: queue dropped, producer resumed, later chunks ignored', async () => {
  const { queue, events } = recordingQueue();
  queue.push(bytes(12));
  for await (const chunk of queue.chunks) {
    assert.equal(chunk.length, 12);
    break;
  }
  assert.deepEqual(events, ['pause', 'resume', 'abandon']);
  queue.push(bytes(5));
  assert.equal(queue.queuedBytes, 0);
});

test('the stream can be read only once', () => {
  const { queue } = recordingQueue();
  queue.chunks[Symbol.asyncIterator]();
  assert.throws(() => queue.chunks[Symbol.asyncIterator](), /only once/);
});
