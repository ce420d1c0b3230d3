import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceSketch } from './source-sketch.ts';

const addresses = (count: number, offset = 0) =>
  Array.from({ length: count }, (_, index) => `10.${(index + offset) >> 16}.${((index + offset) >> 8) & 255}.${(index + offset) & 255}`);

test('small counts are exact or off by one, repeats count once, and the text form round-trips sparse and dense', () => {
  for (const count of [0, 1, 7, 40, 150]) {
    const sketch = new SourceSketch();
    for (const address of [...addresses(count), ...addresses(count)]) sketch.add(address);
    assert.ok(Math.abs(sketch.estimate() - count) <= Math.max(1, count * 0.03), `${count} sources estimated as ${sketch.estimate()}`);
    assert.equal(SourceSketch.parse(sketch.serialize()).estimate(), sketch.estimate());
  }
  assert.match(
    (() => {
      const dense = new SourceSketch();
      for (const address of addresses(500)) dense.add(address);
      return dense.serialize();
    })(),
    /^d:[0-9a-f]{8192}$/,
  );
});

test('merging counts the union: the same device in two hours is one source', () => {
  const hourOne = new SourceSketch();
  const hourTwo = new SourceSketch();
  for (const address of addresses(60)) hourOne.add(address);
  for (const address of addresses(60, 30)) hourTwo.add(address);
  hourOne.merge(SourceSketch.parse(hourTwo.serialize()));
  assert.ok(Math.abs(hourOne.estimate() - 90) <= 2, `union of 60 and 60 sharing 30 estimated as ${hourOne.estimate()}`);
  const large = new SourceSketch();
  for (const address of addresses(20_000)) large.add(address);
  assert.ok(Math.abs(large.estimate() - 20_000) < 20_000 * 0.1, `20,000 sources estimated as ${large.estimate()}`);
});

test('text that is not a sketch is a store error, not a wrong count', () => {
  for (const text of ['', 'x:1', 's:zz', 'd:00', 's:20']) assert.throws(() => SourceSketch.parse(text), { code: 'STORE_FAILED' }, text);
});
