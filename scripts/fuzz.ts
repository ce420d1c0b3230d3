// `npm run fuzz -- [TARGET…] [--inputs N] [--seed S] [--slow-ms MS] [--failures DIR] [--list]`:
// feed every parser (or the named ones) N mutated inputs each (default 1,000,000), one target at a
// time, and print per target the inputs, accepted, rejected by error code, failures, the slowest
// input (CPU time) and peak memory. Each failure is printed once per cause with its index; its
// input, whole and minimised, is written to DIR (default ./fuzz-failures, made only when something
// failed) so it can be replayed without regenerating it — a printed line is cut at 4,000
// characters, and a failing input can be 1 MB. `fuzzInput(seeds, { seed, target, index })`
// (test/support/fuzz/mutate.ts) regenerates any input too. The exit status is 1 when any target
// had a failure. docs/reliability.md, R5.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { keepFailure } from '../test/support/fuzz/failure-files.ts';
import { fuzzTarget, type TargetReport } from '../test/support/fuzz/supervisor.ts';
import { fuzzTargets, targetNamed } from '../test/support/fuzz/targets/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    inputs: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    'slow-ms': { type: 'string', default: '2000' },
    failures: { type: 'string', default: 'fuzz-failures' },
    list: { type: 'boolean', default: false },
  },
});
if (values.list) {
  for (const target of fuzzTargets) process.stdout.write(`${target.name.padEnd(20)} ${target.about}\n`);
  process.exit(0);
}
const inputs = Number(values.inputs);
const seed = Number(values.seed);
if (!Number.isInteger(inputs) || inputs < 1) throw new Error(`--inputs must be a whole number ≥ 1, got ${values.inputs}`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
const names = positionals.length > 0 ? positionals.map((name) => targetNamed(name).name) : fuzzTargets.map((target) => target.name);

const number = (value: number) => value.toLocaleString('en-US');

function summary(report: TargetReport): string {
  const rejected = Object.entries(report.rejected)
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code} ${number(count)}`)
    .join(', ');
  return [
    `fuzz: ${report.target}: ${number(report.inputs)} inputs in ${report.seconds.toFixed(0)} s (${number(report.inputs - report.repeats)} distinct, ${number(report.repeats)} repeats counted with the first one's outcome)`,
    `accepted ${number(report.accepted)}`,
    `rejected ${number(report.inputs - report.accepted - report.failures - report.unrecorded)}${rejected ? ` (${rejected})` : ''}`,
    ...(report.unrecorded > 0 ? [`outcome not recorded ${number(report.unrecorded)} (run by a worker stopped later)`] : []),
    `failures ${number(report.failures)}`,
    `slowest ${report.slowestMs.toFixed(1)} ms CPU (input ${report.slowestIndex})`,
    `peak RSS ${report.peakRssMb} MB`,
  ].join('; ');
}

const failuresDirectory = resolve(values.failures);

let failed = 0;
for (const name of names) {
  let lastLine = 0;
  const report = await fuzzTarget(name, {
    inputs,
    seed,
    slowMs: Number(values['slow-ms']),
    onProgress(progress) {
      if (!process.stderr.isTTY || Date.now() - lastLine < 1000) return;
      lastLine = Date.now();
      process.stderr.write(`\r${name}: ${number(progress.inputs)} / ${number(inputs)}, ${progress.failures} failures `);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(`${summary(report)}\n`);
  for (const found of report.failuresFound) {
    process.stdout.write(
      `  FAILURE at input ${found.index} (seed ${seed}, ${found.originalBytes} bytes, minimised to ${Buffer.from(found.input, 'base64').length}): ${found.signature}\n`,
    );
    process.stdout.write(`    ${found.detail.split('\n').slice(0, 3).join('\n    ')}\n`);
    process.stdout.write(`    input (base64): ${found.input.length > 4000 ? `${found.input.slice(0, 4000)}…` : found.input}\n`);
    const kept = keepFailure(failuresDirectory, name, seed, found);
    process.stdout.write(`    saved: ${kept.original}, ${kept.minimised}\n`);
  }
  if (report.failures > 0) failed++;
}
process.stdout.write(`fuzz: ${names.length} targets, ${failed} with failures\n`);
process.exit(failed > 0 ? 1 : 0);
