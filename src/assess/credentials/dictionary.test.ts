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

test('the shipped dictionary loads: about 600 pairs, unique ids and pairs, every entry with its sources and rank', () => {
  const entries = loadDictionary();
  assert.ok(entries.length >= 550 && entries.length <= 650, `${entries.length} entries`);
  assert.equal(new Set(entries.map((entry) => entry.id)).size, entries.length);
  assert.equal(new Set(entries.map((entry) => `${entry.username}\u0000${entry.password}`)).size, entries.length);
  for (const entry of entries) {
    assert.ok(entry.sources.length > 0, `${entry.id} names its sources`);
    assert.ok(entry.rank >= 1 && entry.rank <= 7, `${entry.id} has a rank`);
    assert.ok(['factory-default', 'botnet-dictionary', 'trivial'].includes(entry.reason));
  }
  // Ids keep their meaning across releases: reports cite them.
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  assert.deepEqual(
    ['on-001', 'on-003', 'on-015', 'on-058', 'on-074'].map((id) => [byId.get(id)?.username, byId.get(id)?.password]),
    [
      ['admin', 'admin'],
      ['admin', ''],
      ['root', 'xc3511'],
      ['ubnt', 'ubnt'],
      ['admin', 'qwerty'],
    ],
  );
  assert.deepEqual(byId.get('on-015')?.vendors, ['xiongmai']);
  assert.deepEqual(byId.get('on-015')?.sources, ['mirai']);
  for (let index = 1; index <= 74; index++) assert.ok(byId.has(`on-${String(index).padStart(3, '0')}`), `on-${index} is still there`);
});

test("rank follows botnet frequency: Mirai's weights first, then other botnet lists, vendor defaults, patterns", () => {
  const entries = loadDictionary();
  const rankOf = (username: string, password: string) => entries.find((entry) => entry.username === username && entry.password === password)?.rank;
  assert.equal(rankOf('root', 'xc3511'), 1, 'Mirai weight 10');
  assert.equal(rankOf('root', ''), 2, 'Mirai weight 4');
  assert.equal(rankOf('ubnt', 'ubnt'), 3, 'Mirai weight 1');
  assert.equal(rankOf('root', 'toor'), 5, 'Gafgyt only');
  assert.equal(rankOf('pi', 'raspberry'), 5, 'a successor list and a vendor');
  assert.equal(rankOf('admin', 'x-admin'), 6, 'a vendor default only');
  assert.equal(rankOf('support', '123456'), 7, 'a pattern only');
  for (const entry of entries) {
    if (entry.rank <= 3) assert.ok(entry.sources.includes('mirai'), `${entry.id}: ranks 1 to 3 are Mirai's own`);
    if (entry.rank === 6) assert.ok(entry.sources.some((source) => source.startsWith('vendor-')) && entry.vendors.length > 0, entry.id);
    if (entry.rank === 7) assert.deepEqual(entry.sources, ['pattern'], entry.id);
  }
});

test('an operator file on disk is loaded; a missing file is a located error', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-dict-'));
  try {
    const file = join(directory, 'mine.yaml');
    writeFileSync(file, 'entries:\n  - { id: my-1, username: cam, password: "0000", reason: factory-default, vendors: [Korvan], protocols: [Telnet] }\n');
    // An operator's list may leave sources and rank out: unranked entries keep the file's order.
    assert.deepEqual(loadDictionary(file), [
      { id: 'my-1', username: 'cam', password: '0000', reason: 'factory-default', sources: [], rank: 9, vendors: ['korvan'], protocols: ['telnet'] },
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
    'entries:\n  - { id: a, username: root, password: root, reason: trivial }\n  - { id: a, username: admin, password: admin, reason: trivial }\n',
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

test('provenance is checked: known sources that back the reason, vendors for a vendor source, patterns that hold, one entry per pair', () => {
  const line = (fields: string) => `entries:\n  - { id: a, username: root, ${fields} }\n`;
  expectInvalid(line('password: xc3511, reason: botnet-dictionary, sources: [miria]'), 2, /sources\[0\]: expected one of mirai/);
  expectInvalid(line('password: xc3511, reason: botnet-dictionary, sources: [mirai, mirai]'), 2, /listed twice/);
  expectInvalid(line('password: xc3511, reason: botnet-dictionary, sources: [vendor-manual], vendors: [x]'), 2, /needs a botnet source/);
  expectInvalid(line('password: xc3511, reason: factory-default, sources: [mirai]'), 2, /needs a vendor source/);
  expectInvalid(line('password: xc3511, reason: factory-default, sources: [vendor-manual]'), 2, /needs the vendors/);
  expectInvalid(line('password: hunter2, reason: trivial, sources: [pattern]'), 2, /not trivial by the pattern rule/);
  expectInvalid(line('password: hunter2, reason: botnet-dictionary, sources: [gafgyt, pattern]'), 2, /not trivial/);
  expectInvalid(line('password: root, reason: trivial, rank: 0'), 2, /rank: must be at least 1/);
  expectInvalid(line('password: root, reason: trivial, rank: 2.5'), 2, /whole number/);
  expectInvalid(
    'entries:\n  - { id: a, username: root, password: root, reason: trivial }\n  - { id: b, username: root, password: root, reason: trivial, protocols: [ssh] }\n',
    3,
    /already entries\[0\]/,
  );
  const valid = parse(
    'entries:\n  - { id: a, username: root, password: "123123", reason: trivial, sources: [pattern], rank: 7 }\n  - { id: b, username: cam, password: "x9", reason: factory-default, sources: [vendor-manual], vendors: [acme] }\n',
  );
  assert.deepEqual(
    valid.map((entry) => [entry.id, entry.rank, entry.sources]),
    [
      ['a', 7, ['pattern']],
      ['b', 9, ['vendor-manual']],
    ],
  );
});

const entry = (id: string, vendors: string[] = [], protocols: string[] = [], rank = 9): DictionaryEntry => ({
  id,
  username: 'u',
  password: 'p',
  reason: 'trivial',
  sources: [],
  rank,
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
  // A web interface's pair is the same over TLS: entries known on http are tried on https.
  const web = [entry('any'), entry('web-only', [], ['http'])];
  assert.deepEqual(
    orderEntries(web, { protocol: 'https' }).map((e) => e.id),
    ['any'],
  );
  assert.deepEqual(
    orderEntries(web, { protocol: 'https', plainProtocol: 'http' }).map((e) => e.id),
    ['any', 'web-only'],
  );
});

test('orderEntries sorts by rank, keeps the file order within a rank, and puts the vendor first in that order', () => {
  const entries = [
    entry('r3-a', [], [], 3),
    entry('r1-a', [], [], 1),
    entry('r3-b', ['acme'], [], 3),
    entry('r1-b', [], [], 1),
    entry('r2-acme', ['acme'], [], 2),
  ];
  assert.deepEqual(
    orderEntries(entries, { protocol: 'telnet' }).map((e) => e.id),
    ['r1-a', 'r1-b', 'r2-acme', 'r3-a', 'r3-b'],
  );
  assert.deepEqual(
    orderEntries(entries, { protocol: 'telnet', vendor: 'ACME' }).map((e) => e.id),
    ['r2-acme', 'r3-b', 'r1-a', 'r1-b', 'r3-a'],
  );
});

test('on the shipped list: an unidentified device is offered every entry of its protocol; xiongmai defaults first when identified', () => {
  const dictionary = loadDictionary();
  for (const protocol of ['telnet', 'ssh', 'ftp', 'http']) {
    const ordered = orderEntries(dictionary, { protocol });
    const applicable = dictionary.filter((e) => e.protocols.length === 0 || e.protocols.includes(protocol));
    assert.equal(ordered.length, applicable.length, protocol);
    assert.ok(ordered.length > 500, `${protocol}: ${ordered.length} entries`);
    for (let index = 1; index < ordered.length; index++) assert.ok(ordered[index - 1].rank <= ordered[index].rank);
  }
  const ordered = orderEntries(dictionary, { protocol: 'telnet', vendor: 'Xiongmai' });
  assert.deepEqual(
    ordered.slice(0, 3).map((e) => e.id),
    ['on-015', 'on-017', 'on-003'],
  );
  assert.ok(ordered.slice(0, 3).every((e) => e.vendors.includes('xiongmai')));
  assert.ok(!ordered[3].vendors.includes('xiongmai'));
  assert.equal(ordered[3].id, 'on-001');
});
