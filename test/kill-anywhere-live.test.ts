// R2 for the remaining long-running commands, each killed with SIGKILL at a few random points
// of its work and recovered as a user would: `darknet capture` and `flows collect` (started
// again: bounded loss, test/support/kill-bounded-loss.ts) and `track resurvey` (resumed: the
// uninterrupted run's findings and events). Workers: test/distributed-survey.test.ts kills one
// mid-shard. `npm run reliability -- kill` runs 20 points of each, workers included.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startLab } from '../src/lab/lab.ts';
import { killAnywhere, type KillScenario, measureStartup } from './support/kill-harness.ts';
import { captureScenario, flowCollectorScenario } from './support/kill-live-scenarios.ts';
import { prepareTrackStore, trackResurveyScenario } from './support/kill-track-scenario.ts';

// One point each in the suite (each costs a reference run and several CLI start-ups); the full 20 run in `npm run reliability -- kill`.
const pointsPerCommand = 1;
let directory: string;
let startupMs: number;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-kill-live-'));
  startupMs = await measureStartup();
});

after(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function expectPromiseKept(scenario: KillScenario, prepared: string, seed: number): Promise<void> {
  const figures = await killAnywhere(scenario, { directory, prepared, points: pointsPerCommand, seed, startupMs });
  console.log(`kill anywhere: ${JSON.stringify(figures)}`);
  for (const point of figures.points) assert.ok(point.equal, `${scenario.name} killed after ${point.killAfterMs} ms: ${point.difference}`);
}

test('darknet capture killed anywhere, then started again: what was written stays once, what came after the restart is stored, nothing twice', {
  timeout: 120_000,
}, async () => {
  const scenario = await captureScenario(directory);
  await expectPromiseKept(scenario, scenario.prepared, 5);
});

test('flows collect killed anywhere, then started again: a subset of the uninterrupted aggregates, loss within what the killed one received', {
  timeout: 120_000,
}, async () => {
  const scenario = await flowCollectorScenario(directory);
  await expectPromiseKept(scenario, scenario.prepared, 6);
});

test('track resurvey killed anywhere, then resumed: the same findings, misses and closures as uninterrupted', { timeout: 240_000 }, async () => {
  const cidr = '127.209.64.0/24';
  const lab = await startLab({ cidr, seed: 7, deviceCount: 40, hostile: false });
  try {
    const prepared = join(directory, 'track.sqlite');
    await prepareTrackStore(lab, cidr, prepared);
    await expectPromiseKept(trackResurveyScenario(), prepared, 7);
  } finally {
    await lab.close();
  }
});
