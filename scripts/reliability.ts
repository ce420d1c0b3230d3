// The reliability scenarios of docs/reliability.md at full scale (the test suite runs each at a
// smaller one): `npm run reliability -- delivery [--notices N]`. Each prints its figures as JSON
// and one line per promise, `reliability: NAME = VALUE`; the exit status is 1 when a promise failed.
import { parseArgs } from 'node:util';
import { deliverUnderFaults } from '../test/support/delivery-under-faults.ts';

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
};

const [name, ...rest] = process.argv.slice(2);
const scenario = scenarios[name as keyof typeof scenarios];
if (!scenario) {
  process.stderr.write(`usage: npm run reliability -- ${Object.keys(scenarios).join('|')} [OPTIONS]\n`);
  process.exit(2);
}
process.exit((await scenario(rest)) ? 0 : 1);
