import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { startGcClock } from './gc-clock.ts';

test('collections inside a stretch of time are counted in it, split stretches add up, and a stretch before the clock has none', async () => {
  const beforeClock = performance.now();
  const clock = startGcClock();
  try {
    const from = performance.now();
    let kept: number[][] = [];
    for (let round = 0; round < 20; round++) kept = Array.from({ length: 200_000 }, (_, index) => [index, round]);
    assert.ok(kept.length > 0);
    const to = performance.now();
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    const whole = clock.collectedWithin(from, to);
    assert.ok(whole > 0, '~200 MB of short-lived arrays make the young generation collect');
    assert.ok(whole <= to - from);
    const middle = (from + to) / 2;
    assert.ok(Math.abs(clock.collectedWithin(from, middle) + clock.collectedWithin(middle, to) - whole) < 1e-6);
    assert.equal(clock.collectedWithin(0, beforeClock), 0);
  } finally {
    clock.stop();
  }
});
