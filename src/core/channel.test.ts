import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChannel } from './channel.ts';
import { runPool } from './pool.ts';

test('items pushed before and while a pool takes them are all taken, and the pool ends when the channel closes', async () => {
  const channel = createChannel<number>();
  const taken: number[] = [];
  channel.push(1);
  const pool = runPool(channel, 3, async (item) => {
    taken.push(item);
    if (item === 2) channel.push(3);
  });
  await new Promise((resolve) => setImmediate(resolve));
  channel.push(2);
  await new Promise((resolve) => setImmediate(resolve));
  channel.close();
  channel.push(4);
  await pool;
  assert.deepEqual(taken, [1, 2, 3]);
});
