/**
 * readCowrieLog against the shared real Cowrie logs (figures checked against an independent
 * count done here with plain JSON.parse), gzip input, corrupt and oversized lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from '../../core/errors.ts';
import { readCowrieLog } from './read-cowrie-log.ts';
import type { HoneypotReport } from './types.ts';
import { sharedData } from '../../../test/support/shared-data.ts';

const sharedDir = sharedData('cowrie');
const sharedFiles = ['2018-05-06', '2018-05-24', '2018-06-12', '2018-06-30'].map((day) => `${sharedDir}/kareiva-cowrie.json.${day}`);

interface Expected {
  sessions: Set<string>;
  loginAttempts: number;
  loginSuccesses: number;
  commands: number;
  files: Set<string>;
  usernames: Map<string, number>;
  first: number;
  last: number;
}

/** The oracle: a deliberately plain count over the raw events, no code shared with the importer. */
function countIndependently(file: string): Map<string, Expected> {
  const byIp = new Map<string, Expected>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line);
    let entry = byIp.get(event.src_ip);
    if (!entry) {
      entry = {
        sessions: new Set(),
        loginAttempts: 0,
        loginSuccesses: 0,
        commands: 0,
        files: new Set(),
        usernames: new Map(),
        first: Infinity,
        last: -Infinity,
      };
      byIp.set(event.src_ip, entry);
    }
    const time = Date.parse(event.timestamp);
    entry.first = Math.min(entry.first, time);
    entry.last = Math.max(entry.last, time);
    entry.sessions.add(event.session);
    if (event.eventid === 'cowrie.login.success' || event.eventid === 'cowrie.login.failed') {
      entry.loginAttempts++;
      if (event.eventid === 'cowrie.login.success') entry.loginSuccesses++;
      entry.usernames.set(event.username, (entry.usernames.get(event.username) ?? 0) + 1);
    }
    if (event.eventid === 'cowrie.command.input') entry.commands++;
    if (event.eventid.startsWith('cowrie.session.file_')) entry.files.add(`${event.url}|${event.shasum}`);
  }
  return byIp;
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const streamOf = (lines: string[]): AsyncGenerator<Uint8Array> => chunksOf(Buffer.from(`${lines.join('\n')}\n`), 7);

const event = (fields: Record<string, unknown>): string => JSON.stringify({ timestamp: '2018-05-24T09:00:00.000000Z', sensor: 's1', ...fields });

test('every shared Cowrie log imports with no skip, and per-source figures match an independent count', async () => {
  for (const file of sharedFiles) {
    const report = await readCowrieLog(file, { onCorrupt: 'skip' });
    const expected = countIndependently(file);
    const lineCount = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '').length;
    assert.equal(report.stats.skipped, 0, file);
    assert.equal(report.stats.unknownEvents, 0, file);
    assert.equal(report.stats.lines, lineCount, file);
    assert.equal(report.stats.events, lineCount, file);
    assert.deepEqual(report.sources.map((source) => source.ip).sort(), [...expected.keys()].sort(), file);
    for (const source of report.sources) {
      const oracle = expected.get(source.ip)!;
      const where = `${file} ${source.ip}`;
      assert.equal(source.sessions, oracle.sessions.size, `${where} sessions`);
      assert.equal(source.loginAttempts, oracle.loginAttempts, `${where} loginAttempts`);
      assert.equal(source.loginSuccesses, oracle.loginSuccesses, `${where} loginSuccesses`);
      assert.equal(source.commands, oracle.commands, `${where} commands`);
      assert.equal(source.downloads.length, Math.min(20, oracle.files.size), `${where} downloads`);
      assert.equal(Date.parse(source.firstSeen), oracle.first, `${where} firstSeen`);
      assert.equal(Date.parse(source.lastSeen), oracle.last, `${where} lastSeen`);
      if (oracle.usernames.size <= 20) {
        const top = [...oracle.usernames].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
        assert.deepEqual(
          source.usernames.map((entry) => [entry.username, entry.count]),
          top,
          `${where} usernames`,
        );
      }
    }
  }
});

test('known infections in the shared logs are bots, with their downloads', async () => {
  const report = await readCowrieLog(`${sharedDir}/kareiva-cowrie.json.2018-05-24`);
  const dropper = report.sources.find((source) => source.ip === '101.254.149.145')!;
  assert.equal(dropper.verdict, 'bot');
  assert.equal(dropper.confidence, 0.95);
  assert.ok(
    dropper.downloads.some(
      (file) => file.url === 'http://101.254.149.145:6636/tdff' && file.sha256 === '9cc38c074833ea871c81324d0b55efe66e71a301d6c24cbed745b9a33f3dccc5',
    ),
  );
  assert.ok(
    dropper.downloads.some((file) => file.url === 'http://mdb7.cn:8081/exp' && file.sha256 === undefined),
    'failed download kept as url only',
  );
  assert.ok(dropper.commandSamples.length > 0 && dropper.commandSamples.length <= 10);
  assert.ok(dropper.commandSamples.every((command) => command.length <= 200));
  assert.deepEqual(dropper.protocols, ['ssh']);
  const relay = report.sources.find((source) => source.ip === '193.201.224.206')!;
  assert.equal(relay.verdict, 'bot');
  assert.match(relay.reason, /relay/);
  const sorted = report.sources.map((source) => source.ip.split('.').map(Number));
  for (let index = 1; index < sorted.length; index++) {
    const [a, b] = [sorted[index - 1]!, sorted[index]!];
    const order = a.findIndex((part, at) => part !== b[at]);
    assert.ok(order >= 0 && a[order]! < b[order]!, `sources sorted numerically at ${index}`);
  }
});

test('passwords tried by attackers never appear in the report', async () => {
  const file = `${sharedDir}/kareiva-cowrie.json.2018-06-30`;
  const raw = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  const keptText = raw.map((e) => [e.username, e.input, e.url, e.version, e.sensor, e.src_ip].join('\u0000')).join('\u0000');
  const passwords = new Set(raw.filter((e) => typeof e.password === 'string' && e.password.length >= 4).map((e) => e.password as string));
  const distinctive = [...passwords].filter((password) => !keptText.includes(password));
  assert.ok(distinctive.length >= 10, 'the sample has passwords to look for');
  const text = JSON.stringify(await readCowrieLog(file));
  for (const password of distinctive) assert.ok(!text.includes(password), `password ${JSON.stringify(password)} leaked`);
  assert.ok(!text.includes('"password"'));
});

test('gzip input is detected by its magic and gives the same report, even when the magic is split across chunks', async () => {
  const file = sharedFiles[1]!;
  const plain = await readCowrieLog(file, { name: 'x' });
  const zipped = gzipSync(readFileSync(file));
  assert.deepEqual(await readCowrieLog(chunksOf(zipped, 1000), { name: 'x' }), plain);
  async function* oneByteFirst(): AsyncGenerator<Uint8Array> {
    yield zipped.subarray(0, 1);
    yield* chunksOf(zipped.subarray(1), 4096);
  }
  assert.deepEqual(await readCowrieLog(oneByteFirst(), { name: 'x' }), plain);
});

test('a cut gzip stream: IMPORT_INVALID in throw mode, counted once in skip mode with the lines before it kept', async () => {
  const zipped = gzipSync(readFileSync(sharedFiles[3]!));
  const cut = zipped.subarray(0, Math.floor(zipped.length / 2));
  await assert.rejects(
    readCowrieLog(chunksOf(cut, 4096), { name: 'cut.gz' }),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && /^cut\.gz:\d+: corrupt gzip/.test(error.describe()),
  );
  const report = await readCowrieLog(chunksOf(cut, 4096), { name: 'cut.gz', onCorrupt: 'skip' });
  assert.equal(report.stats.skipped, 1);
  assert.equal(report.stats.corruptLines[0], report.stats.lines + 1);
  assert.ok(report.stats.lines > 100 && report.sources.length > 0);
});

test('a corrupt line raises IMPORT_INVALID with its line number; skip mode counts it and goes on', async () => {
  const good = event({ eventid: 'cowrie.login.failed', src_ip: '192.0.2.1', session: 'a', username: 'root' });
  const cases: Array<[string, RegExp]> = [
    ['{"eventid": "cowrie.login.failed", ', /not JSON/],
    ['[1, 2]', /not a JSON object/],
    [event({ eventid: 'cowrie.login.failed', src_ip: '192.0.2.1', timestamp: 'yesterday' }), /timestamp "yesterday" is not a time/],
    [event({ eventid: 'cowrie.login.failed', src_ip: '192.0.2.1', timestamp: '2018-02-30T00:00:00Z' }), /timestamp/],
    [event({ eventid: 'cowrie.login.failed', timestamp: undefined, src_ip: '192.0.2.1' }), /timestamp/],
    [event({ eventid: 'cowrie.login.failed', src_ip: '999.0.2.1' }), /src_ip "999.0.2.1" is not an IP address/],
  ];
  for (const [bad, message] of cases) {
    await assert.rejects(readCowrieLog(streamOf([good, '', bad, good]), { name: 'log.json' }), (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'IMPORT_INVALID');
      assert.deepEqual(error.context, { file: 'log.json', line: 3 });
      assert.match(error.describe(), /^log\.json:3: /);
      assert.equal(error.describe().split('log.json').length, 2, `the file is named once: ${error.describe()}`);
      assert.match(error.message, /--skip-corrupt/, 'the message says how to skip and count');
      assert.match(error.message, message);
      return true;
    });
    const report = await readCowrieLog(streamOf([good, '', bad, good]), { onCorrupt: 'skip' });
    assert.equal(report.stats.skipped, 1);
    assert.deepEqual(report.stats.corruptLines, [3]);
    assert.equal(report.stats.lines, 4);
    assert.equal(report.sources[0]!.loginAttempts, 2, 'lines around the corrupt one still count');
  }
});

test('skip mode lists only the first 100 corrupt line numbers but counts them all', async () => {
  const report = await readCowrieLog(streamOf(Array.from({ length: 150 }, () => 'garbage')), { onCorrupt: 'skip' });
  assert.equal(report.stats.skipped, 150);
  assert.equal(report.stats.corruptLines.length, 100);
  assert.equal(report.stats.corruptLines[99], 100);
});

test('a line over the byte limit is corrupt, and the line after it is read', async () => {
  const good = event({ eventid: 'cowrie.login.failed', src_ip: '192.0.2.1', username: 'root' });
  async function* withHugeLine(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(`${good}\n`);
    const block = Buffer.alloc(64 * 1024, 0x61);
    for (let index = 0; index < 48; index++) yield block; // 3 MiB, no line end
    yield Buffer.from(`\n${good}\n`);
  }
  await assert.rejects(readCowrieLog(withHugeLine(), { name: 'huge' }), (error: unknown) =>
    /^huge:2: line is longer than 1048576 bytes/.test((error as OpenNoticeError).describe()),
  );
  const report = await readCowrieLog(withHugeLine(), { onCorrupt: 'skip' });
  assert.deepEqual(report.stats.corruptLines, [2]);
  assert.equal(report.stats.lines, 3);
  assert.equal(report.sources[0]!.loginAttempts, 2);
});

test('a file that cannot be opened is IMPORT_INVALID naming the file', async () => {
  await assert.rejects(
    readCowrieLog('/nonexistent/cowrie.json'),
    (error: unknown) =>
      error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && /ENOENT/.test(error.message) && error.context.file === '/nonexistent/cowrie.json',
  );
});

test('empty input gives an empty report', async () => {
  const report: HoneypotReport = await readCowrieLog(chunksOf(Buffer.alloc(0), 1));
  assert.deepEqual(report, {
    sources: [],
    stats: { lines: 0, events: 0, skipped: 0, unfinishedLines: 0, corruptLines: [], unknownEvents: 0, unattributed: 0 },
  });
});

test('a real log copied while Cowrie wrote it ends in half an event: that line is counted as unfinished, not an error, in either mode', async () => {
  const whole = readFileSync(sharedFiles[1]!);
  // Cut in the middle of a line, as a copy taken mid-write is.
  const cutAt = whole.indexOf(0x0a, Math.floor(whole.length / 2)) - 40;
  const copied = whole.subarray(0, cutAt);
  const complete = whole.subarray(0, copied.lastIndexOf(0x0a) + 1);
  const expected = await readCowrieLog(chunksOf(complete, 4096), { name: 'complete' });
  for (const onCorrupt of ['throw', 'skip'] as const) {
    const report = await readCowrieLog(chunksOf(copied, 4096), { name: 'copied', onCorrupt });
    assert.equal(report.stats.unfinishedLines, 1, onCorrupt);
    assert.equal(report.stats.skipped, 0, 'not a corrupt line');
    assert.equal(report.stats.lines, expected.stats.lines + 1);
    assert.deepEqual(report.sources, expected.sources, 'every whole event read, the half one not');
  }
  // A last line without a line end that is whole is an event like any other.
  const good = event({ eventid: 'cowrie.login.failed', src_ip: '192.0.2.1', session: 'a', username: 'root' });
  const unterminated = await readCowrieLog(chunksOf(Buffer.from(`${good}\n${good}`), 4096), { name: 'x' });
  assert.equal(unterminated.stats.unfinishedLines, 0);
  assert.equal(unterminated.sources[0]!.loginAttempts, 2);
  // Half a line in the middle is still corrupt.
  await assert.rejects(readCowrieLog(streamOf([good, '{"eventid": "cowrie', good]), { name: 'mid' }), (error: unknown) =>
    /^mid:2: not JSON/.test((error as OpenNoticeError).describe()),
  );
});
