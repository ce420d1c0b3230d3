import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepFailure } from './failure-files.ts';
import { fuzzInput } from './mutate.ts';
import { targetNamed } from './targets/index.ts';

test('a failure is kept as the input the run generated and as minimised, named by target, seed and index', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'fuzz-failures-'));
  try {
    const directory = join(scratch, 'not-yet-made');
    const minimised = Buffer.from([0, 1, 2, 255]);
    const kept = keepFailure(directory, 'cidr-list', 7, { index: 4321, signature: 's', detail: 'd', input: minimised.toString('base64'), originalBytes: 0 });
    assert.equal(kept.original, join(directory, 'cidr-list-seed7-input4321.bin'));
    assert.deepEqual(readFileSync(kept.original), fuzzInput(targetNamed('cidr-list').seeds(), { seed: 7, target: 'cidr-list', index: 4321 }));
    assert.notDeepEqual(readFileSync(kept.original), fuzzInput(targetNamed('cidr-list').seeds(), { seed: 7, target: 'cidr-list', index: 4322 }));
    assert.deepEqual(readFileSync(kept.minimised), minimised);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
