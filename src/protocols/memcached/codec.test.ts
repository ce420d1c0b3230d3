import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeRequest, parseStats, reassemble } from './codec.ts';

const frame = (requestId: number, sequence: number, total: number, payload: string, reserved = 0) => {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(requestId, 0);
  header.writeUInt16BE(sequence, 2);
  header.writeUInt16BE(total, 4);
  header.writeUInt16BE(reserved, 6);
  return Buffer.concat([header, Buffer.from(payload, 'latin1')]);
};

test('the request: a frame header, sequence 0 of 1, and stats', () => {
  assert.deepEqual(encodeRequest(0xbeef, 'stats'), Buffer.concat([Buffer.from('beef000000010000', 'hex'), Buffer.from('stats\r\n')]));
  assert.equal(encodeRequest(1, 'stats').length, 15);
});

test('frames: what is refused', () => {
  assert.equal(decodeFrame(Buffer.from('0001000000', 'hex')), undefined, 'short');
  assert.equal(decodeFrame(frame(1, 0, 1, 'x', 5)), undefined, 'reserved not zero');
  assert.equal(decodeFrame(frame(1, 2, 2, 'x')), undefined, 'sequence beyond the total');
  assert.equal(decodeFrame(frame(1, 0, 0, 'x')), undefined, 'a total of none');
  assert.equal(decodeFrame(frame(1, 0, 5000, 'x')), undefined, 'more parts than read');
  assert.deepEqual(decodeFrame(frame(7, 1, 2, 'ab')), { requestId: 7, sequence: 1, total: 2, payload: Buffer.from('ab') });
});

test('reassembly: by sequence, our request id only, each part once; STAT lines read', () => {
  const parts = [
    frame(9, 1, 2, 'n 1.6.18\r\nSTAT curr_connections 2\r\nEND\r\n'),
    frame(8, 0, 1, 'STAT pid 666\r\nEND\r\n'),
    frame(9, 0, 2, 'STAT pid 42\r\nSTAT versio'),
    frame(9, 1, 2, 'junk'),
  ];
  const assembled = reassemble(
    parts.map((part) => decodeFrame(part)!),
    9,
  );
  assert.equal(assembled.complete, true);
  assert.equal(assembled.frames.length, 2);
  assert.deepEqual(parseStats(assembled.text), { stats: { pid: '42', version: '1.6.18', curr_connections: '2' }, ended: true });
  const half = reassemble([decodeFrame(parts[2])!], 9);
  assert.equal(half.complete, false);
  assert.deepEqual(reassemble([], 9), { text: '', frames: [], complete: false });
});

test('stats: garbage lines, oversized values and repeats are skipped; lines after END ignored', () => {
  const text = `STAT pid 1\r\nSTAT pid 2\r\nSTAT evil ${'x'.repeat(300)}\r\nERROR\r\nSTAT bad\u0001name 1\r\nEND\r\nSTAT after 1\r\n`;
  assert.deepEqual(parseStats(text), { stats: { pid: '1' }, ended: true });
  assert.deepEqual(parseStats('ERROR\r\n'), { stats: {}, ended: false });
  const many = Array.from({ length: 2000 }, (_, index) => `STAT s${index} 1`).join('\r\n');
  assert.equal(Object.keys(parseStats(many).stats).length, 512);
  // A hostile name is an own key, never the prototype.
  const hostile = parseStats('STAT __proto__ 1\r\n').stats;
  assert.equal(Object.getPrototypeOf(hostile), Object.prototype);
  assert.equal(Object.hasOwn(hostile, '__proto__'), true);
});
