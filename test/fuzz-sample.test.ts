/**
 * R5 in the test suite: every fuzz target (each file parser and network decoder) gets a sample
 * of the mutated inputs `npm run fuzz` feeds it a million of, and none may fail — no uncoded
 * or misplaced error, no exception from a network decoder, no hang, no memory blow-up.
 * The YAML targets are slower per input (the library parses a few hundred KB/s of noise), so
 * they get fewer; the seed differs from the script's default so the two explore different inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget } from './support/fuzz/supervisor.ts';
import { fuzzTargets } from './support/fuzz/targets/index.ts';

const slowTargets: Record<string, number> = {
  rules: 200,
  dictionary: 200,
  plan: 300,
  'isp-registry': 200,
  'scan-files': 500,
  'cnc-feeds': 300,
  recog: 300,
  'cnc-flow-file': 300,
};
const defaultInputs = 1000;

for (const target of fuzzTargets) {
  test(`fuzz ${target.name}: ${target.about}`, async () => {
    const report = await fuzzTarget(target.name, { inputs: slowTargets[target.name] ?? defaultInputs, seed: 20261207 });
    const found = report.failuresFound.map(
      (failure) => `input ${failure.index}: ${failure.signature}\n${failure.detail.split('\n').slice(0, 4).join('\n')}\nbase64: ${failure.input.slice(0, 600)}`,
    );
    assert.equal(report.failures, 0, found.join('\n\n'));
    assert.equal(report.inputs, slowTargets[target.name] ?? defaultInputs);
  });
}
