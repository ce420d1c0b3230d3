// R2 for the commands that keep running: `darknet capture`, `flows collect`, `track resurvey`
// and survey workers, each killed with SIGKILL at a few random points of its work and recovered
// as a user would. Capture and collector promise bounded loss (test/support/kill-bounded-loss.ts);
// the others the uninterrupted run's store. `npm run reliability -- kill` runs 20 points each.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { killAnywhere, type KillScenario } from './support/kill-harness.ts';
import { captureScenario, flowCollectorScenario } from './support/kill-live-scenarios.ts';

const pointsPerCommand = 2;
let directory: string;

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-kill-live-'));
});

after(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function expectPromiseKept(scenario: KillScenario, prepared: string, seed: number): Promise<void> {
  const figures = await killAnywhere(scenario, { directory, prepared, points: pointsPerCommand, seed });
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
