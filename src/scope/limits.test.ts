import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createAdmission } from './limits.ts';

const fast = { connectionsPerSecond: 1_000_000, maxConcurrent: 4, perHostConcurrent: 2 };

test('at most maxConcurrent open, at most perHostConcurrent to one host; waiters are served in order', async () => {
  const admission = createAdmission(fast);
  const releases = await Promise.all(['a', 'a', 'b', 'c'].map((host) => admission.admit(host)));
  assert.equal(admission.open, 4);
  const order: string[] = [];
  const third = admission.admit('a').then((release) => {
    order.push('a');
    return release;
  });
  const other = admission.admit('d').then((release) => {
    order.push('d');
    return release;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, [], 'nothing admitted beyond the caps');
  releases[2]!(); // b goes: a third "a" still exceeds its host's cap, "d" may go
  await other;
  assert.deepEqual(order, ['d']);
  releases[0]!(); // an "a" goes: the waiting "a" is admitted
  await third;
  assert.deepEqual(order, ['d', 'a']);
  releases[0]!(); // a release function is safe to call twice
  assert.equal(admission.open, 4);
});

test('an abort rejects a waiting admission and frees its place', async () => {
  const admission = createAdmission({ ...fast, maxConcurrent: 1 });
  const release = await admission.admit('a');
  const controller = new AbortController();
  const waiting = admission.admit('b', controller.signal);
  controller.abort(new Error('stopped'));
  await assert.rejects(waiting, /stopped/);
  release();
  const next = await admission.admit('c');
  assert.equal(admission.open, 1);
  next();
});

test('a survey-long signal keeps no listener of an admission once it is granted (thousands of admissions stay linear)', async () => {
  const admission = createAdmission({ ...fast, maxConcurrent: 8, perHostConcurrent: 1 });
  const controller = new AbortController();
  let running = 0;
  await Promise.all(
    Array.from({ length: 2000 }, async (_, index) => {
      const release = await admission.admit(`host-${index % 5}`, controller.signal);
      running++;
      await new Promise((resolve) => setImmediate(resolve));
      release();
    }),
  );
  assert.equal(running, 2000);
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
});
