import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateRubyRegex } from './ruby-regex.ts';

function translate(pattern: string, flags = '', names: Array<[number, string]> = []) {
  return translateRubyRegex(pattern, flags, new Map(names));
}

function compiled(pattern: string, flags = '', names: Array<[number, string]> = []): RegExp {
  const result = translate(pattern, flags, names);
  assert.ok(!('problem' in result), `unexpected problem: ${JSON.stringify(result)}`);
  return new RegExp(result.source, result.flags);
}

test('Ruby ^ and $ match at line breaks, so JS gets the m flag', () => {
  assert.ok(compiled('^login:$').test('Welcome\nlogin:\n'));
});

test('\\A, \\z and \\Z anchor to the whole text even with m set', () => {
  const start = compiled('\\AWelcome');
  assert.ok(start.test('Welcome\nx'));
  assert.ok(!start.test('x\nWelcome'));
  assert.ok(compiled('ready\\z').test('a\nready'));
  assert.ok(!compiled('ready\\z').test('ready\n'));
  assert.ok(compiled('ready\\Z').test('ready\n'));
  assert.ok(!compiled('ready\\Z').test('ready\nmore'));
});

test('inline (?i) covers the rest of its group, alternatives included (Onigmo)', () => {
  assert.deepEqual(translate('^(?i)cisco'), { source: '^(?i:cisco)', flags: 'm' });
  const regex = compiled('x(?:a(?i)b|c)y');
  assert.ok(regex.test('xaBy'));
  assert.ok(regex.test('xaCy'), 'a(?i)b|c reads as a(?i:b|c)');
  assert.ok(!regex.test('xcy'), 'the alternative c is inside the (?i) group, after "a"');
  assert.ok(!regex.test('XaBy'), 'text before (?i) stays case-sensitive');
});

test('Ruby m means dot-matches-newline: (?m:…) and REG_DOT_NEWLINE become JS s', () => {
  assert.deepEqual(translate('(?m:a.b)'), { source: '(?s:a.b)', flags: 'm' });
  assert.ok(compiled('a.b', 'REG_DOT_NEWLINE').test('a\nb'));
  assert.ok(compiled('A.B', 'REG_DOT_NEWLINE,REG_ICASE').test('a\nb'));
  assert.ok(!compiled('a.b').test('a\nb'));
  assert.deepEqual(translate('(?-mix:c)'), { source: '(?-si:c)', flags: 'm' });
});

test('numbered groups named by params become named groups', () => {
  const regex = compiled('^AXIS (\\w+) .* ([\\d.]+) \\(', '', [
    [1, 'model'],
    [2, 'version'],
  ]);
  assert.deepEqual({ ...regex.exec('AXIS 207W Network Camera 4.40 (Oct)')?.groups }, { model: '207W', version: '4.40' });
  assert.match(JSON.stringify(translate('^(a)$', '', [[2, 'model']])), /refers to group 2, but the pattern has 1/);
});

test('escapes and POSIX classes JS lacks are rewritten', () => {
  assert.ok(compiled('^\\h+$').test('0aF9'));
  assert.ok(!compiled('^\\h+$').test('xyz'));
  assert.ok(compiled('^[[:alpha:]_]+$').test('ab_C'));
  assert.ok(compiled('\\x9').test('\t'));
  assert.ok(compiled('\\e\\[').test('\x1b['));
});

test('constructs without a faithful JS form are reported, not guessed', () => {
  const problems: Array<[string, RegExp]> = [
    ['(?>abc)', /atomic group/],
    ['a++', /possessive/],
    ['a?+', /possessive/],
    ['\\Gx', /\\G has no JS form/],
    ['\\p{Alpha}', /\\p has no JS form/],
    ['(?<name>x)', /named groups/],
    ['[a-z&&[^x]]', /intersection/],
    ['(?x) a b', /extended mode/],
    ['(a', /unbalanced/],
    ['x', /unknown flag REG_WHATEVER/],
  ];
  for (const [pattern, message] of problems) {
    const result = translate(pattern, pattern === 'x' ? 'REG_WHATEVER' : '');
    assert.ok('problem' in result, pattern);
    assert.match(result.problem, message, pattern);
  }
  assert.ok(!('problem' in translate('a*?b+?')), 'lazy quantifiers are fine');
  assert.deepEqual(translate('a(?# note)b'), { source: 'ab', flags: 'm' });
});
