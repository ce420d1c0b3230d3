import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTargetPacer, type PacerClock } from './target-rate.ts';

/** A clock whose time moves only when the test runs the next timer. */
function fakeClock() {
  let time = 0;
  const timers: Array<{ at: number; resolve: () => void }> = [];
  const clock: PacerClock = {
    now: () => time,
    sleep: (milliseconds, signal) =>
      new Promise<void>((resolve, reject) => {
        const timer = { at: time + milliseconds, resolve };
        timers.push(timer);
        signal?.addEventListener(
          'abort',
          () => {
            timers.splice(timers.indexOf(timer), 1);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
  };
  /** Lets pending promises settle, then fires timers in order until `done` settles (bounded). */
  const runUntil = async (done: Promise<unknown>) => {
    let settled = false;
    void done.finally(() => (settled = true));
    for (let step = 0; step < 200 && !settled; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled || timers.length === 0) continue;
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift()!;
      time = next.at;
      next.resolve();
    }
    assert.ok(settled, 'the scenario finished');
  };
  return { clock, runUntil };
}

test('one request per window per address, measured between actual sends; other addresses are not held back', { timeout: 20_000 }, async () => {
  const { clock, runUntil } = fakeClock();
  const pacer = createTargetPacer({ requests: 1, windowMs: 1000 }, clock);
  const sends: Array<[string, number]> = [];
  const request = async (address: string) => {
    const turn = await pacer.turn(address);
    sends.push([address, clock.now()]);
    turn.sent();
  };
  await runUntil(Promise.all([request('192.0.2.1'), request('192.0.2.1'), request('192.0.2.2'), request('192.0.2.1')]));
  assert.deepEqual(sends, [
    ['192.0.2.1', 0],
    ['192.0.2.2', 0],
    ['192.0.2.1', 1001],
    ['192.0.2.1', 2002],
  ]);
});

test('a burst of N per window is allowed, then the oldest send sets the pace', { timeout: 20_000 }, async () => {
  const { clock, runUntil } = fakeClock();
  const pacer = createTargetPacer({ requests: 2, windowMs: 500 }, clock);
  const times: number[] = [];
  const request = async () => {
    const turn = await pacer.turn('192.0.2.9');
    times.push(clock.now());
    turn.sent();
  };
  await runUntil(Promise.all([request(), request(), request(), request(), request()]));
  assert.deepEqual(times, [0, 0, 501, 501, 1002]);
});

test('a cancelled turn records nothing; an aborted waiter leaves the line without blocking it', { timeout: 20_000 }, async () => {
  const { clock, runUntil } = fakeClock();
  const pacer = createTargetPacer({ requests: 1, windowMs: 1000 }, clock);
  const cancelled = await pacer.turn('192.0.2.1');
  const controller = new AbortController();
  const aborted = pacer.turn('192.0.2.1', controller.signal);
  const next = pacer.turn('192.0.2.1');
  controller.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  cancelled.cancel();
  cancelled.sent(); // after cancel: ignored
  let grantedAt = -1;
  await runUntil(
    next.then((turn) => {
      grantedAt = clock.now();
      turn.sent();
    }),
  );
  assert.equal(grantedAt, 0, 'nothing was sent, so nothing to wait for');
  assert.equal(pacer.tracked, 1);
});

test('the memory of past sends stays bounded over many addresses', { timeout: 20_000 }, async () => {
  let time = 0;
  const pacer = createTargetPacer({ requests: 1, windowMs: 100 }, { now: () => time, sleep: async () => {} });
  let peak = 0;
  for (let index = 0; index < 5000; index++) {
    time += 1;
    (await pacer.turn(`10.0.${index >> 8}.${index & 255}`)).sent();
    peak = Math.max(peak, pacer.tracked);
  }
  assert.ok(peak <= 1025, `peak ${peak}`);
});

test('an invalid rate is refused at creation', () => {
  assert.throws(() => createTargetPacer({ requests: 0, windowMs: 1000 }), RangeError);
});
