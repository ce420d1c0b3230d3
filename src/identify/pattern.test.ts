import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern, namedGroups } from './pattern.ts';
import { readResultText } from './result-fields.ts';

test('namedGroups finds (?<name> groups but not look-behinds, escapes or class contents', () => {
  assert.deepEqual(namedGroups('(?<vendor>\\w+) (?<=x)(?<!y)\\(?<no>[(?<nor>]-(?<model>\\d+)'), ['vendor', 'model']);
  assert.deepEqual(namedGroups('(?<version>a)|(?<version>b)'), ['version']);
});

test('compilePattern says which part is wrong', () => {
  const broken = compilePattern('a(', '');
  assert.ok('problem' in broken && broken.on === 'pattern');
  assert.match(broken.problem, /^invalid regex: /);
  assert.equal((compilePattern('a', 'y') as { on: string }).on, 'flags');
  const ok = compilePattern('^(?<model>X\\d)$', 'is');
  assert.ok('regex' in ok && ok.regex.test('x1') && ok.regex.test('X1') && !ok.regex.test('y1'));
});

test('readResultText returns text, numbers and booleans as text, and skips objects and lists', () => {
  const result = { status: 401, loginForm: true, title: 'T', headers: { server: 'S' }, redirects: ['a'], auth: null };
  assert.equal(readResultText(result, ['status']), '401');
  assert.equal(readResultText(result, ['loginForm']), 'true');
  assert.equal(readResultText(result, ['headers', 'server']), 'S');
  assert.equal(readResultText(result, ['headers']), undefined);
  assert.equal(readResultText(result, ['redirects']), undefined);
  assert.equal(readResultText(result, ['auth', 'realm']), undefined);
  assert.equal(readResultText(result, ['title', 'length']), undefined, 'no walking into strings');
});

test('a pattern too large for the regex engine is refused at load, not when it first meets a banner (found by npm run fuzz)', () => {
  const compiled = compilePattern(`^Acme${'- '.repeat(20_000)}`, '');
  assert.ok('problem' in compiled && compiled.on === 'pattern', 'refused');
  assert.match(compiled.problem, /too large/);
  assert.ok(compiled.problem.length < 300, 'the message does not repeat the whole pattern');
});
