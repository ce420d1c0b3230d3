import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCpeValues, cpeNameMatches, parseCpeName, parseCpeValue } from './cpe-match.ts';

const value = (bound: string) => {
  const parsed = parseCpeValue(bound);
  assert.ok(parsed, bound);
  return parsed;
};

test('parses a formatted string, unescaping and lower-casing values', () => {
  const name = parseCpeName('cpe:2.3:o:TP-Link:tl-wr841n_\\(9.0\\)_firmware:3.40\\(agd.2\\):*:*:*:*:*:*:*');
  assert.ok(name);
  assert.equal(name.part, 'o');
  assert.deepEqual(name.vendor, { kind: 'value', value: 'tp-link' });
  assert.deepEqual(name.product, { kind: 'value', value: 'tl-wr841n_(9.0)_firmware' });
  assert.deepEqual(name.version, { kind: 'value', value: '3.40(agd.2)' });
  assert.equal(name.update.kind, 'any');
  assert.equal(parseCpeName('cpe:2.3:h:dlink:dir-600:-:*:*:*:*:*:*:*')?.version.kind, 'na');
});

test('escaped colons stay inside a value', () => {
  const name = parseCpeName('cpe:2.3:a:vendor:odd\\:name:1.0:*:*:*:*:*:*:*');
  assert.deepEqual(name?.product, { kind: 'value', value: 'odd:name' });
  assert.deepEqual(name?.version, { kind: 'value', value: '1.0' });
});

test('rejects malformed names', () => {
  assert.equal(parseCpeName('cpe:/o:nec:aterm'), undefined); // CPE 2.2 URI
  assert.equal(parseCpeName('cpe:2.3:x:vendor:product:*:*:*:*:*:*:*:*'), undefined);
  assert.equal(parseCpeName('cpe:2.3:o:vendor:product:1:*:*:*:*:*:*:*:*:extra'), undefined);
  assert.equal(parseCpeName('cpe:2.3:o:vendor::1:*:*:*:*:*:*:*'), undefined);
  assert.equal(parseCpeName('cpe:2.3:o:vendor:product\\'), undefined);
});

test('missing trailing attributes read as ANY', () => {
  const name = parseCpeName('cpe:2.3:o:dlink:dir-600_firmware');
  assert.equal(name?.version.kind, 'any');
  assert.equal(name?.other.kind, 'any');
});

test('wildcards become patterns; escaped wildcards stay literal', () => {
  const pattern = value('dir-8*');
  assert.equal(pattern.kind, 'pattern');
  assert.equal(compareCpeValues(pattern, value('dir-820l')), 'superset');
  assert.equal(compareCpeValues(pattern, value('dir-600')), 'disjoint');
  const single = value('?1.0');
  assert.equal(compareCpeValues(single, value('v1.0')), 'superset');
  assert.equal(compareCpeValues(single, value('v11.0')), 'disjoint');
  const literalStar = value('a\\*b');
  assert.equal(literalStar.kind, 'value');
  assert.equal(compareCpeValues(literalStar, value('a\\*b')), 'equal');
  assert.equal(compareCpeValues(literalStar, value('axb')), 'disjoint');
  // a dot in a pattern is literal, not a regex "any character"
  assert.equal(compareCpeValues(value('1.0*'), value('1x0')), 'disjoint');
});

test('NISTIR 7696 table 6-2 relations', () => {
  const any = value('*');
  const na = value('-');
  const literal = value('dir-600');
  assert.equal(compareCpeValues(any, any), 'equal');
  assert.equal(compareCpeValues(any, na), 'superset');
  assert.equal(compareCpeValues(any, literal), 'superset');
  assert.equal(compareCpeValues(na, any), 'subset');
  assert.equal(compareCpeValues(na, na), 'equal');
  assert.equal(compareCpeValues(na, literal), 'disjoint');
  assert.equal(compareCpeValues(literal, any), 'subset');
  assert.equal(compareCpeValues(literal, na), 'disjoint');
  assert.equal(compareCpeValues(literal, value('DIR-600')), 'equal');
  assert.equal(compareCpeValues(literal, value('dir-601')), 'disjoint');
});

test('name matching: source must cover every attribute of the target', () => {
  const criteria = parseCpeName('cpe:2.3:h:dlink:dir-600:*:*:*:*:*:*:*:*')!;
  assert.equal(cpeNameMatches(criteria, parseCpeName('cpe:2.3:h:dlink:dir-600:b2:*:*:*:*:*:*:*')!), true);
  assert.equal(cpeNameMatches(criteria, parseCpeName('cpe:2.3:o:dlink:dir-600:b2:*:*:*:*:*:*:*')!), false);
  assert.equal(cpeNameMatches(criteria, parseCpeName('cpe:2.3:h:dlink:dir-601:*:*:*:*:*:*:*:*')!), false);
  const specific = parseCpeName('cpe:2.3:h:dlink:dir-605l:b2:*:*:*:*:*:*:*')!;
  // the target says nothing about the revision: the source is a subset, not a match
  assert.equal(cpeNameMatches(specific, parseCpeName('cpe:2.3:h:dlink:dir-605l:*:*:*:*:*:*:*:*')!), false);
  assert.equal(cpeNameMatches(parseCpeName('cpe:2.3:*:dlink:*:*:*:*:*:*:*:*:*')!, specific), true);
});
