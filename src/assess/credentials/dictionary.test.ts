import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDictionary, validateDictionary } from './dictionary.ts';
import { orderEntries } from './order.ts';
import { parseDataFile } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import type { DictionaryEntry } from './dictionary.ts';

const parse = (text: string) => validateDictionary(parseDataFile(text, 'pairs.yaml', 'DICTIONARY_INVALID'));

function expectInvalid(text: string, line: number, messagePart: RegExp): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'DICTIONARY_INVALID');
      assert.equal(error.context.file, 'pairs.yaml');
      assert.equal(error.context.line, line);
      assert.match(error.message, messagePart);
      return true;
    },
  );
}

test('the shipped dictionary loads, with unique ids, defaults and lower-case vendors', () => {
  const entries = loadDictionary();
  assert.ok(entries.length >= 50);
  assert.equal(new Set(entries.map((entry) => entry.id)).size, entries.length);
  const first = entries[0];
  assert.deepEqual(first, { id: 'on-001', username: 'admin', password: 'admin', reason: 'factory-default', vendors: [], protocols: [] });
  assert.deepEqual(entries.find((entry) => entry.id === 'on-015')?.vendors, ['xiongmai']);
  assert.equal(entries.find((entry) => entry.id === 'on-003')?.password, '');
  for (const entry of entries) assert.ok(['factory-default', 'botnet-dictionary', 'trivial'].includes(entry.reason));
});

test('an operator file on disk is loaded; a missing file is a located error', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-dict-'));
  try {
    const file = join(directory, 'mine.yaml');
    writeFileSync(file, 'entries:\n  - { id: my-1, username: cam, password: "0000", reason: factory-default, vendors: [Korvan], protocols: [Telnet] }\n');
    assert.deepEqual(loadDictionary(file), [
      { id: 'my-1', username: 'cam', password: '0000', reason: 'factory-default', vendors: ['korvan'], protocols: ['telnet'] },
    ]);
    assert.throws(
      () => loadDictionary(join(directory, 'absent.yaml')),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'DICTIONARY_INVALID' && error.context.file?.endsWith('absent.yaml') === true,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('JSON dictionaries are accepted too', () => {
  const entries = parse('{"entries": [{"id": "j1", "username": "root", "password": "", "reason": "trivial"}]}');
  assert.equal(entries[0].id, 'j1');
  assert.equal(entries[0].password, '');
});

test('invalid entries report file and line', () => {
  expectInvalid(
    'entries:\n  - { id: a, username: root, password: x, reason: trivial }\n  - { id: a, username: admin, password: y, reason: trivial }\n',
    3,
    /duplicate id "a"/,
  );
  expectInvalid('entries:\n  - id: a\n    username: root\n    password: x\n    reason: because\n', 5, /reason: expected one of/);
  expectInvalid('entries:\n  - { id: a, username: root, reason: trivial }\n', 2, /password: expected text/);
  expectInvalid('entries:\n  - id: a\n    username: root\n    password: 0000\n    reason: trivial\n', 4, /in quotes/);
  expectInvalid('entries:\n  - { id: a, username: root, password: x, reason: trivial, vendor: [x] }\n', 2, /unknown field "vendor"/);
  expectInvalid('entries:\n  - { id: "a b", username: root, password: x, reason: trivial }\n', 2, /may only contain/);
  expectInvalid('entries:\n  - { id: a, username: "", password: x, reason: trivial }\n', 2, /must not be empty/);
  expectInvalid('entries: []\n', 1, /no entries/);
  expectInvalid('version: 2\nentries:\n  - { id: a, username: root, password: x, reason: trivial }\n', 1, /unsupported version/);
  expectInvalid('entries:\n  - { id: a, username: root, password: x, reason: trivial, protocols: ["http basic"] }\n', 2, /not a protocol name/);
});

const entry = (id: string, vendors: string[] = [], protocols: string[] = []): DictionaryEntry => ({
  id,
  username: 'u',
  password: 'p',
  reason: 'trivial',
  vendors,
  protocols,
});

test('orderEntries keeps protocol-compatible entries and puts the vendor first', () => {
  const entries = [entry('any-1'), entry('ssh-only', [], ['ssh']), entry('xm', ['xiongmai']), entry('any-2'), entry('dahua-telnet', ['dahua'], ['telnet'])];
  assert.deepEqual(
    orderEntries(entries, { protocol: 'telnet' }).map((e) => e.id),
    ['any-1', 'xm', 'any-2', 'dahua-telnet'],
  );
  assert.deepEqual(
    orderEntries(entries, { protocol: 'telnet', vendor: 'Dahua' }).map((e) => e.id),
    ['dahua-telnet', 'any-1', 'xm', 'any-2'],
  );
  assert.deepEqual(
    orderEntries(entries, { protocol: 'SSH', vendor: 'XiongMai' }).map((e) => e.id),
    ['xm', 'any-1', 'ssh-only', 'any-2'],
  );
  assert.deepEqual(
    orderEntries(entries, { protocol: 'ftp', vendor: 'unknown' }).map((e) => e.id),
    ['any-1', 'xm', 'any-2'],
  );
});

test('orderEntries on the shipped list puts xiongmai defaults first', () => {
  const ordered = orderEntries(loadDictionary(), { protocol: 'telnet', vendor: 'Xiongmai' });
  assert.deepEqual(
    ordered.slice(0, 2).map((e) => e.id),
    ['on-015', 'on-017'],
  );
  assert.equal(ordered[2].id, 'on-001');
});
