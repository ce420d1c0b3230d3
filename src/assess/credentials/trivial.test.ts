import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTrivialPair } from './trivial.ts';

test('trivial pairs: empty, the user name (reversed, with digits), repeats, runs, keyboard walks, two such parts', () => {
  const trivial: Array<[string, string]> = [
    ['admin', ''],
    ['root', 'root'],
    ['Admin', 'admin'],
    ['root', 'toor'],
    ['admin', 'admin1234'],
    ['admin', '888888'],
    ['root', '123123'],
    ['root', '12341234'],
    ['admin', '54321'],
    ['admin', '1234567890'],
    ['root', '987654321'],
    ['admin', 'abc123'],
    ['admin', 'qwerty'],
    ['root', '1q2w3e4r'],
    ['root', '1qaz2wsx'],
    ['admin', 'abcd1234'],
    ['admin', '123qwe'],
  ];
  for (const [username, password] of trivial) assert.ok(isTrivialPair(username, password), `${username}/${password} is trivial`);
});

test('vendor passwords, words and anything long are not trivial', () => {
  const notTrivial: Array<[string, string]> = [
    ['root', 'xc3511'],
    ['root', 'vizxv'],
    ['admin', 'password'],
    ['root', 'admin1234'],
    ['admin', 'root123'],
    ['admin', '12'],
    ['admin', '1357'],
    ['admin', 'aaaaaaaaaaaaaaaaa'],
    ['admin', 'qwerty123456789x'],
    ['admin', 'admin1234567'],
  ];
  for (const [username, password] of notTrivial) assert.ok(!isTrivialPair(username, password), `${username}/${password} is not trivial`);
});
