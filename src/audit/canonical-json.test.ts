import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson } from './canonical-json.ts';

test('canonical JSON: keys sorted at every depth, no whitespace, undefined left out, arrays kept in order', () => {
  assert.equal(
    canonicalJson({ b: 1, a: [{ z: 'x', y: undefined, m: null }, true], ä: 'ü', A: -2.5 }),
    '{"A":-2.5,"a":[{"m":null,"z":"x"},true],"b":1,"ä":"ü"}',
  );
  assert.equal(canonicalJson({ b: 2, a: 1 }), canonicalJson({ a: 1, b: 2 }), 'the same value in any key order is the same text');
  assert.equal(
    canonicalJson(JSON.parse(canonicalJson({ s: 'line\nbreak "quoted"', n: 7 }))),
    '{"n":7,"s":"line\\nbreak \\"quoted\\""}',
    'stable through a parse',
  );
  assert.throws(() => canonicalJson({ n: Number.NaN }), /cannot hold NaN/);
});
