// R2 in the test suite: each long-running command killed with SIGKILL at a few random points of
// its work and recovered as a user would (resume, or run again) ends with the store an
// uninterrupted run leaves: the same findings, services, windows, reports and deliveries.
// `npm run reliability -- kill` runs 20 points per command and prints the table.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startLab, type LabHandle } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import { killAnywhere, type KillScenario } from './support/kill-harness.ts';
import { darknetScenario, honeypotScenario, notifyScenario, surveyScenario } from './support/kill-scenarios.ts';
import { prepareNotifyStore } from './support/notify-store.ts';

const pointsPerCommand = 2;
let directory: string;
let emptyStore: string;
let lab: LabHandle;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-kill-'));
  emptyStore = join(directory, 'empty.sqlite');
  await (await openStore(emptyStore)).close();
  lab = await startLab({ cidr: '127.206.0.0/24', seed: 12, deviceCount: 40, hostile: false });
});

after(async () => {
  await lab?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function expectSameStore(scenario: KillScenario, prepared: string, seed: number): Promise<void> {
  const figures = await killAnywhere(scenario, { directory, prepared, points: pointsPerCommand, seed });
  console.log(`kill anywhere: ${JSON.stringify(figures)}`);
  for (const point of figures.points) assert.ok(point.equal, `${scenario.name} killed after ${point.killAfterMs} ms: ${point.difference}`);
}

test('survey killed anywhere, then resumed: the same findings, services and devices', { timeout: 600_000 }, async () => {
  await expectSameStore(surveyScenario(lab, '127.206.0.0/24'), emptyStore, 1);
});

test('darknet ingest killed anywhere, then run again: the same windows, sources and findings', { timeout: 300_000 }, async () => {
  await expectSameStore(await darknetScenario(directory), emptyStore, 2);
});

test('honeypot import killed anywhere, then run again: the same infected findings', { timeout: 300_000 }, async () => {
  await expectSameStore(honeypotScenario(directory), emptyStore, 3);
});

test('notify killed anywhere, then run again: the same reports, every one delivered, none twice in effect', { timeout: 300_000 }, async () => {
  const prepared = join(directory, 'notify.sqlite');
  await prepareNotifyStore(prepared, 12);
  const scenario = notifyScenario();
  try {
    await expectSameStore(scenario, prepared, 4);
  } finally {
    await scenario.close();
  }
});
