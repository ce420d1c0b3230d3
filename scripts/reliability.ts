// The reliability scenarios of docs/reliability.md at full scale (the test suite runs each at a
// smaller one): `npm run reliability -- delivery [--notices N]`, `npm run reliability -- kill
// [--points N] [--only survey,ingest,honeypot,notify,capture,track,worker,flows]`. Each prints its figures as JSON
// and one line per promise, `reliability: NAME = VALUE`; the exit status is 1 when a promise failed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import { deliverUnderFaults } from '../test/support/delivery-under-faults.ts';
import { killAnywhere, type KillScenario, measureStartup, type ScenarioFigures } from '../test/support/kill-harness.ts';
import { captureScenario, flowCollectorScenario } from '../test/support/kill-live-scenarios.ts';
import { prepareTrackStore, trackResurveyScenario } from '../test/support/kill-track-scenario.ts';
import { workerScenario } from '../test/support/kill-worker-scenario.ts';
import { startPostgres } from '../test/support/postgres-server.ts';
import { darknetScenario, honeypotScenario, notifyScenario, surveyScenario } from '../test/support/kill-scenarios.ts';
import { prepareNotifyStore } from '../test/support/notify-store.ts';

type PreparedScenario = { scenario: KillScenario; prepared: string };

/**
 * The kill harness's scenarios by name (`--only`), each set up when chosen: its scenario, the
 * store it starts from, and what to stop afterwards (added to `cleanups`).
 */
const killScenarios = {
  async survey(directory: string, cleanups: Array<() => Promise<void>>): Promise<PreparedScenario> {
    const lab = await startLab({ cidr: '127.206.0.0/24', seed: 12, deviceCount: 40, hostile: false });
    cleanups.push(() => lab.close());
    return { scenario: surveyScenario(lab, '127.206.0.0/24'), prepared: await emptyStore(directory) };
  },
  async ingest(directory: string): Promise<PreparedScenario> {
    return { scenario: await darknetScenario(directory), prepared: await emptyStore(directory) };
  },
  async honeypot(directory: string): Promise<PreparedScenario> {
    return { scenario: honeypotScenario(directory), prepared: await emptyStore(directory) };
  },
  async notify(directory: string, cleanups: Array<() => Promise<void>>): Promise<PreparedScenario> {
    const notify = notifyScenario();
    cleanups.push(() => notify.close());
    const prepared = join(directory, 'notify.sqlite');
    await prepareNotifyStore(prepared, 12);
    return { scenario: notify, prepared };
  },
  async capture(directory: string): Promise<PreparedScenario> {
    const scenario = await captureScenario(directory);
    return { scenario, prepared: scenario.prepared };
  },
  async track(directory: string, cleanups: Array<() => Promise<void>>): Promise<PreparedScenario> {
    const cidr = '127.209.64.0/24';
    const lab = await startLab({ cidr, seed: 7, deviceCount: 40, hostile: false });
    cleanups.push(() => lab.close());
    const prepared = join(directory, 'track.sqlite');
    await prepareTrackStore(lab, cidr, prepared);
    return { scenario: trackResurveyScenario(), prepared };
  },
  async worker(directory: string, cleanups: Array<() => Promise<void>>): Promise<PreparedScenario> {
    const cidr = '127.209.128.0/24';
    const lab = await startLab({ cidr, seed: 7, deviceCount: 40, hostile: false });
    cleanups.push(() => lab.close());
    const postgres = await startPostgres();
    cleanups.push(() => postgres.stop());
    // Each point's store is a PostgreSQL database the scenario creates: the file is a name only.
    const prepared = join(directory, 'worker-store-name');
    writeFileSync(prepared, '');
    return { scenario: workerScenario(postgres, cidr), prepared };
  },
  async flows(directory: string): Promise<PreparedScenario> {
    const scenario = await flowCollectorScenario(directory);
    return { scenario, prepared: scenario.prepared };
  },
};

async function emptyStore(directory: string): Promise<string> {
  const file = join(directory, 'empty.sqlite');
  await (await openStore(file)).close();
  return file;
}

const scenarios = {
  /** R3: notices through failing SMTP and webhook receivers with a sender killed mid-batch. */
  async delivery(args: string[]): Promise<boolean> {
    const { values } = parseArgs({ args, options: { notices: { type: 'string', default: '10000' } } });
    const notices = Number(values.notices);
    if (!Number.isInteger(notices) || notices < 100) throw new Error(`--notices must be a whole number ≥ 100, got ${values.notices}`);
    const figures = await deliverUnderFaults({ notices, killAfter: [Math.round(notices * 0.12), Math.round(notices * 0.3)], timeoutMs: 300, seed: 7 });
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    const lost = figures.smtp.missing + figures.webhook.missing;
    const foreign = figures.smtp.unexpected + figures.webhook.unexpected;
    const undelivered = figures.outbox.pending + figures.outbox.failed;
    process.stdout.write(
      `reliability: delivery_lost = ${lost}\nreliability: delivery_unexpected = ${foreign}\nreliability: delivery_undelivered = ${undelivered}\n`,
    );
    process.stdout.write(`reliability: delivery_wire_duplicates_recognised = ${figures.smtp.wireCopies + figures.webhook.duplicatesIgnored}\n`);
    return lost === 0 && foreign === 0 && undelivered === 0;
  },

  /** R2: each long-running command killed with SIGKILL at N random points of its work, then recovered. */
  async kill(args: string[]): Promise<boolean> {
    const { values } = parseArgs({ args, options: { points: { type: 'string', default: '20' }, only: { type: 'string' } } });
    const points = Number(values.points);
    if (!Number.isInteger(points) || points < 1) throw new Error(`--points must be a whole number ≥ 1, got ${values.points}`);
    const names = Object.keys(killScenarios);
    const only = values.only === undefined ? names : values.only.split(',').map((name) => name.trim());
    const unknown = only.filter((name) => !names.includes(name));
    if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: the scenarios are ${names.join(', ')}`);
    const directory = mkdtempSync(join(tmpdir(), 'opennotice-kill-'));
    const cleanups: Array<() => Promise<void>> = [];
    try {
      const startupMs = await measureStartup();
      const table: ScenarioFigures[] = [];
      for (const [index, name] of names.entries()) {
        if (!only.includes(name)) continue;
        const { scenario, prepared } = await killScenarios[name as keyof typeof killScenarios](directory, cleanups);
        const figures = await killAnywhere(scenario, { directory, prepared, points, seed: index + 1, startupMs });
        table.push(figures);
        for (const point of figures.points.filter((candidate) => !candidate.equal))
          process.stdout.write(`${scenario.name} killed after ${point.killAfterMs} ms: ${point.difference}\n`);
      }
      process.stdout.write('\n| command | uninterrupted run | kill points | killed mid-work | promise kept after recovery |\n|---|---|---|---|---|\n');
      for (const figures of table) {
        const killed = figures.points.filter((point) => !point.finishedBeforeKill).length;
        const same = figures.points.filter((point) => point.equal).length;
        process.stdout.write(
          `| ${figures.scenario} | ${(figures.referenceMs / 1000).toFixed(1)} s | ${figures.points.length} | ${killed} | ${same} of ${figures.points.length} |\n`,
        );
      }
      const failed = table.flatMap((figures) => figures.points).filter((point) => !point.equal).length;
      process.stdout.write(
        `reliability: kill_points = ${table.reduce((sum, figures) => sum + figures.points.length, 0)}\nreliability: kill_mismatches = ${failed}\n`,
      );
      return failed === 0;
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
      rmSync(directory, { recursive: true, force: true });
    }
  },
};

const [name, ...rest] = process.argv.slice(2);
const scenario = scenarios[name as keyof typeof scenarios];
if (!scenario) {
  process.stderr.write(`usage: npm run reliability -- ${Object.keys(scenarios).join('|')} [OPTIONS]\n`);
  process.exit(2);
}
process.exit((await scenario(rest)) ? 0 : 1);
