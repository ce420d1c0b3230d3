import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monlistReply, readVariablesReply } from '../../../test/support/ntp-peer-b.ts';
import { decodeControl, encodeReadVariables, parseVariables, reassembleControl } from './codec.ts';
import { decodeMonlistReply, encodeMonlistRequest } from './monlist.ts';

const ntpsecAnswer =
  'version="ntpd ntpsec-1.2.2 2023-05-06T10:19:59Z", processor="x86_64",\r\nsystem="Linux/6.1.0", leap=3, stratum=16, precision=-24,\r\nrefid=INIT, mintc=3, tai=0';

test('requests: READVAR is 12 bytes with our sequence; MON_GETLIST_1 is the 8-byte header and 40 zero bytes', () => {
  assert.deepEqual(encodeReadVariables(0x4242), Buffer.from('160242420000000000000000', 'hex'));
  const monlist = encodeMonlistRequest();
  assert.equal(monlist.length, 48);
  assert.deepEqual([...monlist.subarray(0, 8)], [0x17, 0x00, 0x03, 0x2a, 0, 0, 0, 0]);
});

test('mode 6: fragments put together by offset, in any order, and the variables read', () => {
  const request = encodeReadVariables(7);
  const fragments = readVariablesReply(request, ntpsecAnswer, 40)
    .map((datagram) => decodeControl(datagram)!)
    .reverse();
  assert.ok(fragments.length > 3 && fragments.every((fragment) => fragment.sequence === 7 && fragment.opcode === 2));
  const assembled = reassembleControl(fragments);
  assert.equal(assembled.complete, true);
  assert.deepEqual(parseVariables(assembled.text), {
    version: 'ntpd ntpsec-1.2.2 2023-05-06T10:19:59Z',
    processor: 'x86_64',
    system: 'Linux/6.1.0',
    leap: '3',
    stratum: '16',
    precision: '-24',
    refid: 'INIT',
    mintc: '3',
    tai: '0',
  });
  assert.equal(reassembleControl(fragments.slice(1)).complete, false, 'the first fragment is missing');
});

test('mode 6: what is refused', () => {
  const good = readVariablesReply(encodeReadVariables(1), 'stratum=2')[0];
  assert.ok(decodeControl(good));
  assert.equal(decodeControl(good.subarray(0, 11)), undefined, 'short');
  assert.equal(decodeControl(encodeReadVariables(1)), undefined, 'a request');
  const overrun = Buffer.from(good);
  overrun.writeUInt16BE(400, 10);
  assert.equal(decodeControl(overrun), undefined, 'a count past the datagram');
  const mode3 = Buffer.from(good);
  mode3[0] = 0x1b;
  assert.equal(decodeControl(mode3), undefined, 'a client packet');
  // Unterminated quotes, junk names and endless input stay bounded.
  assert.deepEqual(parseVariables('version="unterminated, stratum=2'), { version: 'unterminated, stratum=2' });
  assert.equal(Object.keys(parseVariables('a=1,'.repeat(10_000))).length, 1);
  assert.ok(Object.keys(parseVariables(Array.from({ length: 500 }, (_, index) => `v${index}=1`).join(','))).length <= 128);
});

test('mode 7: the monitor list as the reference implementation sends it, and what is refused', () => {
  const packets = monlistReply(14);
  assert.equal(packets.length, 3);
  const decoded = packets.map((packet) => decodeMonlistReply(packet)!);
  assert.deepEqual(
    decoded.map((reply) => [reply.more, reply.sequence, reply.items, reply.itemSize, reply.error]),
    [
      [true, 0, 6, 72, 0],
      [true, 1, 6, 72, 0],
      [false, 2, 2, 72, 0],
    ],
  );
  assert.equal(decodeMonlistReply(encodeMonlistRequest()), undefined, 'our own request');
  assert.equal(decodeMonlistReply(Buffer.from('9700032a40000048', 'hex'))?.error, 4, 'INFO_ERR_NODATA: an answer, but no list');
  const otherCode = Buffer.from(packets[0]);
  otherCode[3] = 20;
  assert.equal(decodeMonlistReply(otherCode), undefined, 'another request code');
  assert.equal(decodeMonlistReply(packets[0].subarray(0, 100)), undefined, 'items past the datagram');
  assert.equal(decodeMonlistReply(Buffer.from('17000000', 'hex')), undefined, 'short');
});

test('fuzz: random datagrams never throw', () => {
  let seed = 123;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const samples = [...readVariablesReply(encodeReadVariables(3), ntpsecAnswer, 64), ...monlistReply(8)];
  for (let round = 0; round < 3000; round++) {
    const input = Buffer.from(samples[round % samples.length]);
    for (let flips = 0; flips < 3; flips++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
    const fragment = decodeControl(input);
    if (fragment) parseVariables(reassembleControl([fragment]).text);
    decodeMonlistReply(input);
  }
});
