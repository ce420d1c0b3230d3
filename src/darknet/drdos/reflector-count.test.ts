import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { ReflectorCount } from './reflector-count.ts';
import { loadAttackThresholds, validateAttackThresholds } from './thresholds.ts';

const countOf = (addresses: Iterable<number>): ReflectorCount => {
  const count = new ReflectorCount();
  for (const address of addresses) count.add(address);
  return count;
};
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, index) => from + index);

test('exact up to 8 reflectors, then within 3 standard errors (19.5 %) in 256 bytes', () => {
  assert.equal(countOf([1, 2, 2, 3, 3, 3]).count(), 3);
  assert.equal(countOf(range(0, 8)).count(), 8);
  for (const size of [100, 1000, 20_000]) {
    const estimate = countOf(range(0x0a000000, 0x0a000000 + size)).count();
    assert.ok(Math.abs(estimate - size) <= size * 0.195, `${size} counted as ${estimate}`);
  }
});

test('merging two counts gives exactly what one count over both inputs holds, through text too', () => {
  for (const [a, b] of [
    [range(0, 3), range(2, 6)],
    [range(0, 6), range(6, 12)],
    [range(0, 500), range(400, 900)],
    [range(0, 5), range(100, 700)],
  ] as Array<[number[], number[]]>) {
    const merged = ReflectorCount.parse(countOf(a).serialize())!;
    merged.merge(ReflectorCount.parse(countOf(b).serialize())!);
    assert.equal(merged.serialize(), countOf([...a, ...b]).serialize());
  }
  assert.equal(ReflectorCount.parse('x:1'), undefined);
  assert.equal(ReflectorCount.parse('h:AAAA'), undefined);
  assert.equal(ReflectorCount.parse('e:1,2,-3'), undefined);
});

test('the shipped thresholds load; a bad value names its field', () => {
  assert.deepEqual(loadAttackThresholds(), { idleSeconds: 300, minPackets: 100, minReflectors: 5, minPacketsPerReflector: 2, maxOpenAttacks: 65536 });
  const text = (idle: string) =>
    `version: 1\nidleSeconds: { value: ${idle}, why: a }\nminPackets: { value: 1, why: b }\nminReflectors: { value: 1, why: c }\nminPacketsPerReflector: { value: 1, why: d }\nmaxOpenAttacks: { value: 16, why: e }\n`;
  assert.equal(validateAttackThresholds(parseDataFile(text('60'), 't.yaml', 'CONFIG_INVALID')).idleSeconds, 60);
  assert.throws(
    () => validateAttackThresholds(parseDataFile(text('0'), 't.yaml', 'CONFIG_INVALID')),
    (error: unknown) => error instanceof OpenNoticeError && /idleSeconds\.value: must be at least 1/.test(error.message),
  );
  assert.throws(
    () => validateAttackThresholds(parseDataFile(text('1.5'), 't.yaml', 'CONFIG_INVALID')),
    (error: unknown) => error instanceof OpenNoticeError && /not a whole number/.test(error.message),
  );
});
