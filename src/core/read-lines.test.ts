/** The bounded line reader's I/O: files and streams, gzip, too-long lines, broken input, and where its errors point. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from './errors.ts';
import { forEachLine, type LineSource, type ReadLinesOptions, readLines } from './read-lines.ts';

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(source: LineSource, options: ReadLinesOptions): Promise<Array<[number, string]>> {
  const lines: Array<[number, string]> = [];
  await forEachLine(source, (text, number) => lines.push([number, text]), options);
  return lines;
}

const importError = (line: number | undefined, message: RegExp) => (error: unknown) =>
  error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID' && error.context.line === line && message.test(error.message);

/** One folder for the files these tests write, removed when they are done. */
const dir = mkdtempSync(join(tmpdir(), 'opennotice-lines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a stream: numbered lines, CRLF and BOM removed, a last line without line end kept', async () => {
  const bytes = Buffer.from('\uFEFFone\r\n\ntwo\nthree');
  assert.deepEqual(await collect(chunksOf(bytes, 3), { maxLineBytes: 100 }), [
    [1, 'one'],
    [2, ''],
    [3, 'two'],
    [4, 'three'],
  ]);
});

test('gzip is inflated when asked for and told by its magic, not the name; without the option the bytes are read as they are', async () => {
  const file = join(dir, 'plain-name.txt');
  writeFileSync(file, gzipSync('a\nb\n'));
  assert.deepEqual(await collect(file, { maxLineBytes: 100, gzip: true }), [
    [1, 'a'],
    [2, 'b'],
  ]);
  const plain = join(dir, 'plain.gz');
  writeFileSync(plain, 'c\n');
  assert.deepEqual(await collect(plain, { maxLineBytes: 100, gzip: true }), [[1, 'c']]);
  assert.notDeepEqual(await collect(file, { maxLineBytes: 100 }), [
    [1, 'a'],
    [2, 'b'],
  ]);
});

test('a too-long line is an error naming the file and line, finished by what was expected; with onTooLong it is skipped', async () => {
  const bytes = () => chunksOf(Buffer.from(`ok\n${'x'.repeat(50)}\nafter\n`), 1000);
  await assert.rejects(
    collect(bytes(), { maxLineBytes: 10, name: 'in.txt', expected: 'list' }),
    (error: unknown) => importError(2, /^line is longer than 10 bytes; is this a list\?$/)(error) && (error as OpenNoticeError).context.file === 'in.txt',
  );
  const skipped: number[] = [];
  assert.deepEqual(await collect(bytes(), { maxLineBytes: 10, onTooLong: (line) => skipped.push(line) }), [
    [1, 'ok'],
    [3, 'after'],
  ]);
  assert.deepEqual(skipped, [2]);
});

test('readLines yields the lines before a too-long one in the same chunk, then fails', async () => {
  const seen: number[] = [];
  await assert.rejects(
    async () => {
      for await (const line of readLines(chunksOf(Buffer.from(`a\nb\n${'x'.repeat(50)}\n`), 1000), { maxLineBytes: 10 })) seen.push(line.number);
    },
    importError(3, /longer than 10 bytes/),
  );
  assert.deepEqual(seen, [1, 2]);
});

test('a cut gzip stream is an error at the line it broke in; with onBrokenInput the lines before it are kept', async () => {
  const zipped = gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, index) => `line ${index}`).join('\n')));
  const cut = () => chunksOf(zipped.subarray(0, Math.floor(zipped.length / 2)), 512);
  await assert.rejects(collect(cut(), { maxLineBytes: 100, gzip: true }), (error: unknown) => {
    assert.ok(error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID');
    assert.match(error.message, /^corrupt gzip stream: /);
    assert.ok((error.context.line as number) > 1);
    return true;
  });
  let broken: [string, number] | undefined;
  const lines = await collect(cut(), { maxLineBytes: 100, gzip: true, onBrokenInput: (reason, line) => (broken = [reason, line]) });
  assert.ok(lines.length > 0);
  assert.match(broken![0], /^corrupt gzip stream: /);
  assert.equal(broken![1], lines.length + 1);
});

test('a failing stream source is broken input; one failing with an OpenNoticeError keeps its words', async () => {
  async function* failing(error: Error): AsyncGenerator<Uint8Array> {
    yield Buffer.from('a\n');
    throw error;
  }
  await assert.rejects(collect(failing(new Error('pipe closed')), { maxLineBytes: 100 }), importError(2, /^cannot read: pipe closed$/));
  const own = new OpenNoticeError('CAPTURE_FAILED', 'tcpdump died');
  await assert.rejects(collect(failing(own), { maxLineBytes: 100, onBrokenInput: () => assert.fail('not broken input') }), (error) => error === own);
});

test('a file that cannot be opened or read is an error naming it, even with onBrokenInput', async () => {
  const missing = join(dir, 'missing.txt');
  await assert.rejects(collect(missing, { maxLineBytes: 100 }), (error: unknown) => {
    assert.ok(error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID');
    assert.deepEqual(error.context, { file: missing });
    assert.equal(error.message, 'cannot read file: ENOENT');
    return true;
  });
  await assert.rejects(collect(dir, { maxLineBytes: 100, onBrokenInput: () => assert.fail('not broken input') }), importError(1, /^cannot read file: EISDIR$/));
});

test('an error thrown by the line callback comes through as it is', async () => {
  const file = join(dir, 'lines.txt');
  writeFileSync(file, 'a\nb\n');
  const mine = new Error('stop here');
  await assert.rejects(
    forEachLine(
      file,
      () => {
        throw mine;
      },
      { maxLineBytes: 100, onBrokenInput: () => assert.fail('not broken input') },
    ),
    (error) => error === mine,
  );
});
