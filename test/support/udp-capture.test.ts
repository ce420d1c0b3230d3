import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trafficOf, udpDatagrams } from './udp-capture.ts';

/** An IPv4/UDP packet (with `options` words of IP options) carrying `payload` bytes. */
function ipv4(source: number[], destination: number[], sourcePort: number, destinationPort: number, payload: number, options = 0): Buffer {
  const ip = Buffer.alloc(20 + options * 4);
  ip[0] = 0x40 | (5 + options);
  ip[9] = 17;
  ip.set(source, 12);
  ip.set(destination, 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(sourcePort, 0);
  udp.writeUInt16BE(destinationPort, 2);
  udp.writeUInt16BE(8 + payload, 4);
  return Buffer.concat([ip, udp, Buffer.alloc(payload)]);
}

function pcap(linkType: number, frames: Buffer[], bigEndian = false, snap = 65535): Buffer {
  const u32 = (value: number) => {
    const bytes = Buffer.alloc(4);
    if (bigEndian) bytes.writeUInt32BE(value);
    else bytes.writeUInt32LE(value);
    return bytes;
  };
  const header = Buffer.concat([u32(0xa1b2c3d4), Buffer.from(bigEndian ? [0, 2, 0, 4] : [2, 0, 4, 0]), u32(0), u32(0), u32(snap), u32(linkType)]);
  // Records keep at most `snap` bytes: the UDP header's length still says what the payload was.
  const records = frames.map((frame) => {
    const kept = frame.subarray(0, snap);
    return Buffer.concat([u32(1), u32(0), u32(kept.length), u32(frame.length), kept]);
  });
  return Buffer.concat([header, ...records]);
}

const ethernet = (packet: Buffer) => Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x00]), packet]);

test('Ethernet (Linux lo), little-endian: IPv4 options skipped, payload from the UDP header even when the snap length cut it', () => {
  const request = ipv4([127, 0, 0, 1], [127, 101, 0, 1], 40000, 5683, 25, 1);
  const reply = ipv4([127, 101, 0, 1], [127, 0, 0, 1], 5683, 40000, 1200);
  const announcement = ipv4([127, 101, 0, 1], [224, 0, 1, 187], 5683, 5683, 300);
  const datagrams = udpDatagrams(pcap(1, [ethernet(request), ethernet(reply), ethernet(announcement)], false, 96));
  assert.deepEqual(datagrams[0], { source: '127.0.0.1', sourcePort: 40000, destination: '127.101.0.1', destinationPort: 5683, payloadBytes: 25 });
  assert.equal(datagrams[1]?.payloadBytes, 1200);
  // The multicast announcement from the same port answers no one: not a reply.
  assert.deepEqual(trafficOf(datagrams, 5683, '127.101.0.1'), { requestBytes: 25, requestPackets: 1, replyBytes: 1200, replyPackets: 1 });
});

test('big-endian files, BSD loopback and Linux cooked link types, IPv6; other packets and a cut last record skipped', () => {
  const packet = ipv4([10, 0, 0, 1], [10, 0, 0, 2], 1, 2, 7);
  assert.equal(udpDatagrams(pcap(0, [Buffer.concat([Buffer.from([2, 0, 0, 0]), packet])], true))[0]?.payloadBytes, 7);
  assert.equal(udpDatagrams(pcap(113, [Buffer.concat([Buffer.alloc(16), packet])]))[0]?.destination, '10.0.0.2');
  const ipv6 = Buffer.alloc(48);
  ipv6[0] = 0x60;
  ipv6[6] = 17;
  ipv6[23] = 1;
  ipv6[39] = 1;
  ipv6.writeUInt16BE(5353, 40);
  ipv6.writeUInt16BE(5353, 42);
  ipv6.writeUInt16BE(8 + 46, 44);
  assert.deepEqual(udpDatagrams(pcap(101, [ipv6]))[0], {
    source: '0:0:0:0:0:0:0:1',
    sourcePort: 5353,
    destination: '0:0:0:0:0:0:0:1',
    destinationPort: 5353,
    payloadBytes: 46,
  });
  const tcp = Buffer.from(packet);
  tcp[9] = 6;
  const file = pcap(1, [ethernet(tcp), ethernet(packet)]);
  assert.equal(udpDatagrams(file).length, 1);
  assert.equal(udpDatagrams(file.subarray(0, file.length - 3)).length, 0, 'a record cut short is not read');
  assert.throws(() => udpDatagrams(Buffer.from('not a capture at all, no')), /not a classic pcap/);
});
