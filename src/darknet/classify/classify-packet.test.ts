import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../capture/decode.ts';
import { buildIcmpEcho, buildIcmpUnreachable, buildTcp, buildUdp, ipv4Bytes, ipv4Number, tcpFlag } from '../../lab/darknet/packet-builders.ts';
import { classifyPacket } from './classify-packet.ts';
import { shippedReflectorPorts } from './reflector-ports.ts';

const darknetAddress = '127.200.4.5';
const src = ipv4Bytes('198.51.100.7');
const dst = ipv4Bytes(darknetAddress);
const src6 = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]);
const dst6 = Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2]);

function classOf(ipPacket: Uint8Array): string {
  return classifyPacket(
    decodeFrame({ buffer: ipPacket, offset: 0, captured: ipPacket.length, length: ipPacket.length, linkType: 101, timeMicros: 0 }, { formatAddresses: true }),
  );
}

const syn = (fields: { seq: number; ipId: number; dstPort?: number }): Uint8Array =>
  buildTcp({ src, dst, srcPort: 40000, dstPort: fields.dstPort ?? 23, seq: fields.seq, ipId: fields.ipId, flags: tcpFlag.syn });

test('Mirai: a SYN whose sequence number is the destination address', () => {
  assert.equal(classOf(syn({ seq: ipv4Number(darknetAddress), ipId: 1 })), 'mirai');
  assert.equal(classOf(syn({ seq: ipv4Number(darknetAddress) + 1, ipId: 1 })), 'tcp-syn-scan');
});

test('ZMap: IP id 54321', () => {
  assert.equal(classOf(syn({ seq: 12345, ipId: 54321 })), 'zmap');
});

test('masscan: IP id = (dst ^ dport ^ seq) & 0xffff', () => {
  const seq = 0xdeadbeef;
  const id = (ipv4Number(darknetAddress) ^ 8080 ^ seq) & 0xffff;
  assert.equal(classOf(syn({ seq, ipId: id, dstPort: 8080 })), 'masscan');
  assert.equal(classOf(syn({ seq, ipId: id ^ 1, dstPort: 8080 })), 'tcp-syn-scan');
});

test('backscatter: SYN-ACK, RST, RST-ACK, ICMP errors, echo replies, DNS responses', () => {
  assert.equal(classOf(buildTcp({ src, dst, srcPort: 80, dstPort: 5000, seq: 1, ack: 2, flags: tcpFlag.syn | tcpFlag.ack })), 'backscatter');
  assert.equal(classOf(buildTcp({ src, dst, srcPort: 80, dstPort: 5000, seq: 1, flags: tcpFlag.rst })), 'backscatter');
  assert.equal(classOf(buildTcp({ src, dst, srcPort: 80, dstPort: 5000, seq: 1, ack: 2, flags: tcpFlag.rst | tcpFlag.ack })), 'backscatter');
  assert.equal(classOf(buildIcmpUnreachable({ src, dst, code: 3, offending: buildUdp({ src: dst, dst: src, srcPort: 1, dstPort: 2 }) })), 'backscatter');
  assert.equal(classOf(buildIcmpEcho({ src, dst, identifier: 1, sequence: 1, reply: true })), 'backscatter');
  assert.equal(classOf(buildUdp({ src, dst, srcPort: 53, dstPort: 33333 })), 'backscatter');
  assert.equal(classOf(buildTcp({ src: src6, dst: dst6, srcPort: 80, dstPort: 5000, seq: 1, ack: 2, flags: tcpFlag.syn | tcpFlag.ack })), 'backscatter');
  assert.equal(
    classOf(buildIcmpUnreachable({ src: src6, dst: dst6, code: 4, offending: buildUdp({ src: dst6, dst: src6, srcPort: 1, dstPort: 2 }) })),
    'backscatter',
  );
});

test('probes and the rest', () => {
  assert.equal(classOf(buildUdp({ src, dst, srcPort: 5000, dstPort: 1900 })), 'udp-probe');
  assert.equal(classOf(buildUdp({ src, dst, srcPort: 53, dstPort: 53 })), 'udp-probe');
  assert.equal(classOf(buildIcmpEcho({ src, dst, identifier: 1, sequence: 1 })), 'icmp-probe');
  assert.equal(classOf(buildIcmpEcho({ src: src6, dst: dst6, identifier: 1, sequence: 1 })), 'icmp-probe');
  assert.equal(classOf(buildTcp({ src: src6, dst: dst6, srcPort: 1, dstPort: 23, seq: 1, flags: tcpFlag.syn })), 'tcp-syn-scan');
  assert.equal(classOf(buildTcp({ src, dst, srcPort: 1, dstPort: 23, seq: 1, ack: 1, flags: tcpFlag.ack })), 'other');
  assert.equal(classOf(buildTcp({ src, dst, srcPort: 1, dstPort: 23, seq: 1, flags: tcpFlag.fin })), 'other');
});

test('DRDoS backscatter: replies from every listed reflector port are backscatter, a peer query from the same port is not', () => {
  for (const { port, name } of shippedReflectorPorts.reflectors) {
    assert.equal(classOf(buildUdp({ src, dst, srcPort: port, dstPort: 44123 })), 'backscatter', `${name} reply from ${port}`);
    assert.equal(classOf(buildUdp({ src, dst, srcPort: port, dstPort: port })), 'udp-probe', `${name} ${port} → ${port}`);
  }
  // Scans of the reflector services themselves come from ephemeral ports to the service port.
  assert.equal(classOf(buildUdp({ src, dst, srcPort: 41000, dstPort: 123 })), 'udp-probe');
  assert.equal(classOf(buildUdp({ src, dst, srcPort: 41000, dstPort: 11211 })), 'udp-probe');
  // An unlisted source port stays a probe.
  assert.equal(classOf(buildUdp({ src, dst, srcPort: 5000, dstPort: 44123 })), 'udp-probe');
  // TCP from a reflector port is judged by its flags, not the port.
  assert.equal(classOf(buildTcp({ src, dst, srcPort: 123, dstPort: 23, seq: 1, flags: tcpFlag.syn })), 'tcp-syn-scan');
});
