// The reliability scenarios of docs/reliability.md at full scale (the test suite runs each at a
// smaller one): `npm run reliability -- delivery [--notices N]`. Each prints its figures as JSON
// and one line per promise, `reliability: NAME = VALUE`; the exit status is 1 when a promise failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import { deliverUnderFaults } from '../test/support/delivery-under-faults.ts';
import { killAnywhere, type KillScenario, type ScenarioFigures } from '../test/support/kill-harness.ts';
import { darknetScenario, honeypotScenario, notifyScenario, surveyScenario } from '../test/support/kill-scenarios.ts';
import { prepareNotifyStore } from '../test/support/notify-store.ts';

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
    const { values } = parseArgs({ args, options: { points: { type: 'string', default: '20' } } });
    const points = Number(values.points);
    if (!Number.isInteger(points) || points < 1) throw new Error(`--points must be a whole number ≥ 1, got ${values.points}`);
    const directory = mkdtempSync(join(tmpdir(), 'opennotice-kill-'));
    const lab = await startLab({ cidr: '127.206.0.0/24', seed: 12, deviceCount: 40, hostile: false });
    const notify = notifyScenario();
    try {
      const empty = join(directory, 'empty.sqlite');
      await (await openStore(empty)).close();
      const notifyStore = join(directory, 'notify.sqlite');
      await prepareNotifyStore(notifyStore, 12);
      const scenarios: Array<[KillScenario, string]> = [
        [surveyScenario(lab, '127.206.0.0/24'), empty],
        [await darknetScenario(directory), empty],
        [honeypotScenario(directory), empty],
        [notify, notifyStore],
      ];
      const table: ScenarioFigures[] = [];
      for (const [index, [scenario, prepared]] of scenarios.entries()) {
        const figures = await killAnywhere(scenario, { directory, prepared, points, seed: index + 1 });
        table.push(figures);
        for (const point of figures.points.filter((candidate) => !candidate.equal))
          process.stdout.write(`${scenario.name} killed after ${point.killAfterMs} ms: ${point.difference}\n`);
      }
      process.stdout.write('\n| command | uninterrupted run | kill points | killed mid-work | same store after recovery |\n|---|---|---|---|---|\n');
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
      await notify.close();
      await lab.close();
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
