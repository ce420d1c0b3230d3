import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contactRhythm, endpointBeaconing } from './beaconing.ts';

test('a steady rhythm with jitter is regular; random contact times are not', () => {
  const steady = [0, 61_000, 119_000, 180_500, 240_000, 299_000];
  const rhythm = contactRhythm(steady)!;
  assert.equal(Math.round(rhythm.periodSeconds), 60);
  assert.ok(rhythm.regularity > 0.9, `regularity ${rhythm.regularity}`);
  const scattered = contactRhythm([0, 5_000, 400_000, 410_000, 2_000_000, 2_003_000])!;
  assert.ok(scattered.regularity < 0.7, `regularity ${scattered.regularity}`);
});

test('too few contacts, or retries within a second, give no rhythm', () => {
  assert.equal(contactRhythm([0, 60_000, 120_000]), undefined);
  assert.equal(contactRhythm([0, 200, 400, 600, 60_000]), undefined);
});

test("an endpoint's beaconing counts only the bots that beacon", () => {
  const beaconing = endpointBeaconing([
    [0, 300_000, 600_000, 900_000],
    [10_000, 310_000, 610_000, 905_000],
    [0, 1_000_000],
  ]);
  assert.deepEqual(beaconing && { period: beaconing.periodSeconds, bots: beaconing.beaconingBots }, { period: 300, bots: 2 });
  assert.equal(endpointBeaconing([[0, 1_000_000]]), undefined);
});
