import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTelnetDecoder, type TelnetEvent } from '../protocols/telnet/codec.ts';
import { createLineAssembler, createNegotiationPolicy } from './services/telnet-device.ts';

const IAC = 255;
const [WILL, WONT, DO, DONT, SB, SE] = [251, 252, 253, 254, 250, 240];

function decodeInPieces(bytes: number[], pieceSize: number): TelnetEvent[] {
  const decoder = createTelnetDecoder();
  const events: TelnetEvent[] = [];
  for (let start = 0; start < bytes.length; start += pieceSize) events.push(...decoder.push(Buffer.from(bytes.slice(start, start + pieceSize))).events);
  return events;
}

const dataOf = (events: TelnetEvent[]) => Buffer.concat(events.flatMap((event) => (event.kind === 'data' ? [event.bytes] : []))).toString('latin1');

test('the protocol codec decodes what a client sends a device: negotiation and subnegotiation out, data kept, across any chunk split', () => {
  const bytes = [IAC, WILL, 31, IAC, SB, 31, 0, 80, 0, 24, IAC, SE, ...Buffer.from('ro'), IAC, IAC, ...Buffer.from('ot\r\n'), IAC, DO, 1];
  for (const pieceSize of [1, 2, 3, 5, bytes.length]) {
    const events = decodeInPieces(bytes, pieceSize);
    assert.equal(dataOf(events), 'ro\u00ffot\r\n', `piece size ${pieceSize}`);
    assert.deepEqual(
      events.filter((event) => event.kind === 'negotiation'),
      [
        { kind: 'negotiation', verb: 'will', option: 31 },
        { kind: 'negotiation', verb: 'do', option: 1 },
      ],
    );
    const sub = events.find((event) => event.kind === 'subnegotiation');
    assert.deepEqual(sub, { kind: 'subnegotiation', option: 31, length: 4, data: Buffer.from([0, 80, 0, 24]) });
  }
});

test('negotiation policy refuses unknown options once and never answers twice', () => {
  const policy = createNegotiationPolicy();
  assert.deepEqual(policy.answer('do', 39), Buffer.from([IAC, WONT, 39]), 'NEW-ENVIRON: refused');
  assert.equal(policy.answer('do', 39), undefined, 'a repeated request gets no second answer');
  assert.deepEqual(policy.answer('will', 36), Buffer.from([IAC, DONT, 36]));
  assert.equal(policy.answer('do', 1), undefined, 'echo is what the device offered: nothing to answer');
  assert.equal(policy.answer('will', 31), undefined, 'window size is what the device asked for');
  assert.equal(policy.answer('dont', 1), undefined);
  assert.equal(policy.answer('wont', 31), undefined);
});

test('line assembler: CR LF, CR NUL and bare LF end lines; backspace erases; the LF after CR is ignored', () => {
  const lines: string[] = [];
  let ignored = 0;
  const assembler = createLineAssembler(8);
  for (const byte of Buffer.from('root\r\nadmx\x08in\r\0pass\nthis-line-is-too-long\r')) {
    const step = assembler.push(byte);
    if (step.ignored) ignored++;
    if (step.line !== undefined) lines.push(step.line);
  }
  assert.deepEqual(lines, ['root', 'admin', 'pass', 'this-lin']);
  assert.equal(ignored, 2);
});
