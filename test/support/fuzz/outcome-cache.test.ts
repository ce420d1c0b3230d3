import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzTarget } from './supervisor.ts';
import { createOutcomeCache } from './outcome-cache.ts';

test('an outcome is found again by the same bytes and mode, not by other bytes or another mode; failures are not kept', () => {
  const cache = createOutcomeCache();
  const input = Buffer.from('192.0.2.1\n');
  const key = cache.keyOf(input, 8);
  cache.remember(key, { kind: 'rejected', code: 'IMPORT_INVALID' });
  assert.deepEqual(cache.lookup(cache.keyOf(Buffer.from('192.0.2.1\n'), 12)), { kind: 'rejected', code: 'IMPORT_INVALID' }, 'same bytes, same index mod 4');
  assert.equal(cache.lookup(cache.keyOf(input, 9)), undefined, 'another mode (strict or skip) runs again');
  assert.equal(cache.lookup(cache.keyOf(Buffer.from('192.0.2.2\n'), 8)), undefined);
  const failing = cache.keyOf(Buffer.from('x'), 0);
  cache.remember(failing, { kind: 'failure', signature: 's', detail: 'd' });
  assert.equal(cache.lookup(failing), undefined);
});

test('a run past the truncation walk counts repeated inputs with their first outcome: every input counted once', { timeout: 60_000 }, async () => {
  // The hit-list seed is 80 bytes: its 81 truncations are inputs 0, 4, … 320; from 324 on they repeat.
  const report = await fuzzTarget('hit-list', { inputs: 1200, seed: 7 });
  assert.ok(report.repeats >= 150, `repeats: ${report.repeats}`);
  const rejected = Object.values(report.rejected).reduce((sum, count) => sum + count, 0);
  assert.equal(report.accepted + rejected + report.failures, 1200);
  assert.equal(report.failures, 0);
});
