import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestedQuantifier } from './pattern-risk.ts';

test('a group repeated many times around a part of variable length is found', () => {
  for (const source of [
    '^(a+)+$',
    '^(\\w+\\s?)*$',
    '(?:[^;]*;?)+x',
    '^(?<model>(?:\\d+)+)$',
    '(x+x+)+y',
    '^((?:ab)+)+c',
    '^(\\w+){2,1000}$',
    '^(?:-\\w+|\\w+)+$',
    '^(?:[a-z]+A)+$',
    '^(?<version>\\d+(?:[.-]\\w+)?)+$',
    '^(?:a?a)+$',
    '^(\\w{1,9})+$',
    '^(?:a+|b)+$',
    '^(?:(\\w)\\1?)+$',
  ]) {
    assert.match(nestedQuantifier(source, '') ?? 'passed', /^nested quantifiers: /, source);
  }
});

test('repetitions that split a text one way pass: a required character the variable parts cannot match, or few passes', () => {
  for (const source of [
    '^\\d+(?:\\.\\d+)+$',
    '^((?:\\d+\\.)*\\d+)$',
    '^Pure-FTPd(?: \\[\\w+\\])*\\s+-{5,}',
    '(\\d{1,3}\\.){3}\\d+',
    '^(?:-[A-Z0-9]+)*$',
    '^(\\w+){2,5}$',
    '^(?:[a-z]?\\d)+$',
    '^(?:\\.\\d{1,3})+$',
    '^(?:(?:-)\\w+)+$',
    '(?:/(?:TL-)?[A-Z]{1,4}\\d{3,4}[A-Z]{0,3})+$',
    '^(?:a|b)+$',
    '[(a+)+]',
    '\\(a+\\)+',
  ]) {
    assert.equal(nestedQuantifier(source, ''), undefined, source);
  }
});

test('a delimiter that only differs in case is no delimiter when case does not count', () => {
  assert.match(nestedQuantifier('^(?:[a-z]+A)+$', 'i') ?? 'passed', /nested quantifiers/);
  assert.match(nestedQuantifier('^(?i:(?:[a-z]+A)+)$', '') ?? 'passed', /nested quantifiers/);
});

test('the message quotes the risky part, cut to 60 characters', () => {
  const problem = nestedQuantifier(`^(?:${'x'.repeat(100)}\\w+)+$`, '') ?? '';
  assert.match(problem, /"\(\?:x{57}…"/);
  assert.ok(problem.length < 400);
});

test('a group holding hundreds of thousands of parts is checked, not a stack overflow (found by npm run fuzz)', () => {
  const alternatives = Array.from({ length: 200_000 }, (_, index) => `W${index}`).join('|');
  assert.equal(nestedQuantifier(`^Linux, (?:${alternatives}) end$`, ''), undefined);
  assert.match(nestedQuantifier(`^(?:(?:${alternatives})\\w*)+$`, '') ?? '', /nested quantifiers/);
});
