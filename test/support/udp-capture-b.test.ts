import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePcap, wireTotals, withinShare } from './udp-capture-b.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
// A pcap header (little-endian, microseconds) and one Ethernet record of a 5-byte UDP payload, as tcpdump wrote it on lo.
const header = (linkType: number) => Buffer.concat([hex('d4c3b2a1 0200 0400 00000000 00000000 00000400'), Buffer.from([linkType, 0, 0, 0])]);
const ipUdp = hex('45000021abf5400040118e9d 7f660064 7f660109 81f000a1000d0058 68656c6c6f');
const record = (packet: Buffer) => {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(packet.length, 8);
  head.writeUInt32LE(packet.length, 12);
  return Buffer.concat([head, packet]);
};

test('pcap: Ethernet, cooked and raw records of lo give the UDP datagram and its payload length', () => {
  const expected = [{ source: '127.102.0.100', sourcePort: 33264, destination: '127.102.1.9', destinationPort: 161, payloadBytes: 5 }];
  assert.deepEqual(parsePcap(Buffer.concat([header(1), record(Buffer.concat([Buffer.alloc(12), hex('0800'), ipUdp]))])), expected);
  assert.deepEqual(parsePcap(Buffer.concat([header(113), record(Buffer.concat([Buffer.alloc(14), hex('0800'), ipUdp]))])), expected);
  assert.deepEqual(parsePcap(Buffer.concat([header(101), record(ipUdp)])), expected);
  // A record cut by the stop, an ARP frame, and a big-endian file.
  assert.deepEqual(parsePcap(Buffer.concat([header(1), record(Buffer.concat([Buffer.alloc(12), hex('0806'), ipUdp])), hex('0000')])), []);
  const big = Buffer.concat([hex('a1b2c3d4 0002 0004 00000000 00000000 00040000 00000065'), Buffer.alloc(8), hex('00000021 00000021'), ipUdp]);
  assert.deepEqual(parsePcap(big), expected);
  assert.throws(() => parsePcap(Buffer.from('not a capture at all, no')), /not a classic pcap/);
  assert.throws(() => parsePcap(header(147)), /link type 147/);
  const totals = wireTotals(
    [...expected, { ...expected[0], source: '127.102.1.9', sourcePort: 161, destination: '127.102.0.100', destinationPort: 33264, payloadBytes: 50 }],
    '127.102.1.9',
    161,
  );
  assert.deepEqual(totals, { requestBytes: 5, replyBytes: 50, requests: 1, replies: 1 });
  assert.ok(withinShare(100, 91) && !withinShare(100, 89));
});
