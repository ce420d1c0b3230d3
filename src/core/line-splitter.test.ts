/** The bounded line splitter: chunk boundaries, line ends, and the memory bound. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLineSplitter } from './line-splitter.ts';

function split(chunks: Array<string | Buffer>, maxLineBytes = 1024): { lines: string[]; tooLong: number; maxBuffered: number } {
  const lines: string[] = [];
  let tooLong = 0;
  let maxBuffered = 0;
  const splitter = createLineSplitter(maxLineBytes, {
    line: (text) => lines.push(text),
    tooLong: () => {
      tooLong++;
      lines.push('<too long>');
    },
  });
  for (const chunk of chunks) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    maxBuffered = Math.max(maxBuffered, splitter.bufferedBytes);
  }
  splitter.finish();
  return { lines, tooLong, maxBuffered };
}

test('lines split across chunks, CRLF, BOM, empty lines and an unterminated last line', () => {
  assert.deepEqual(split(['\uFEFF{"a"', ':1}\r', '\n\nsecond\nthi', 'rd']).lines, ['{"a":1}', '', 'second', 'third']);
  assert.deepEqual(split(['one\n']).lines, ['one']);
  assert.deepEqual(split([]).lines, []);
});

test('multi-byte UTF-8 split between chunks decodes intact', () => {
  const bytes = Buffer.from('ユーザー\n');
  assert.deepEqual(split([bytes.subarray(0, 4), bytes.subarray(4)]).lines, ['ユーザー']);
});

test('a source that reuses its buffer does not corrupt a pending line', () => {
  const shared = Buffer.from('abc');
  const lines: string[] = [];
  const splitter = createLineSplitter(100, { line: (text) => lines.push(text), tooLong: () => {} });
  splitter.push(shared);
  shared.write('d\nx');
  splitter.push(shared);
  splitter.finish();
  assert.deepEqual(lines, ['abcd', 'x']);
});

test('an overlong line is reported once, never held beyond the limit, and the next line survives', () => {
  const block = 'z'.repeat(300);
  const result = split(['ok\n', block, block, block, block, block, '\nafter\n'], 1000);
  assert.deepEqual(result.lines, ['ok', '<too long>', 'after']);
  assert.equal(result.tooLong, 1);
  assert.ok(result.maxBuffered <= 1000, `buffered ${result.maxBuffered}`);
  assert.deepEqual(split([`${'y'.repeat(1001)}\nnext`], 1000).lines, ['<too long>', 'next'], 'overlong inside one chunk');
  assert.deepEqual(split([`${'y'.repeat(1000)}\n`], 1000).lines, ['y'.repeat(1000)], 'exactly the limit is fine');
  assert.deepEqual(split([block, block, block, block], 1000).lines, ['<too long>'], 'overlong at end of input');
});

test('a long stream without line ends keeps the buffer bounded (100 MiB through a 1 MiB limit)', () => {
  const chunk = Buffer.alloc(1024 * 1024, 0x41);
  let tooLong = 0;
  let maxBuffered = 0;
  const splitter = createLineSplitter(1024 * 1024, { line: () => assert.fail('no line expected'), tooLong: () => tooLong++ });
  for (let index = 0; index < 100; index++) {
    splitter.push(chunk);
    maxBuffered = Math.max(maxBuffered, splitter.bufferedBytes);
  }
  splitter.finish();
  assert.equal(tooLong, 1);
  assert.ok(maxBuffered <= 1024 * 1024);
});

test('only a last line the input ended in, without a line end, is unterminated', () => {
  const seen: Array<[string, boolean]> = [];
  const splitter = createLineSplitter(1024, { line: (text, _number, terminated) => seen.push([text, terminated]), tooLong: () => undefined });
  splitter.push(Buffer.from('one\r\ntwo\nhal'));
  splitter.push(Buffer.from('f'));
  splitter.finish();
  assert.deepEqual(seen, [
    ['one', true],
    ['two', true],
    ['half', false],
  ]);
});
