import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestedQuantifier } from './pattern-risk.ts';

test('nested quantifiers that can split a text many ways are found', () => {
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
  ]) {
    assert.match(nestedQuantifier(source, '') ?? 'passed', /^nested quantifiers: /, source);
  }
});

test('repetitions that split a text one way pass: a delimiter the inner part cannot match, or bounded counts', () => {
  for (const source of [
    '^\\d+(?:\\.\\d+)+$',
    '^((?:\\d+\\.)*\\d+)$',
    '^Pure-FTPd(?: \\[\\w+\\])*\\s+-{5,}',
    '(\\d{1,3}\\.){3}\\d+',
    '^(?:-[A-Z0-9]+)*$',
    '^(\\w+){2,5}$',
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
