/** Hand-built frames for every supported link type and the IP/transport corner cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, linkTypes } from './decode.ts';
import { formatIPv4, formatIPv6 } from './address.ts';
import type { DecodedPacket } from '../packet.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function ipv4(
  protocol: number,
  payload: Buffer,
  extra: { src?: string; dst?: string; ttl?: number; id?: number; fragmentOffset?: number; options?: Buffer } = {},
): Buffer {
  const options = extra.options ?? Buffer.alloc(0);
  const header = Buffer.alloc(20 + options.length);
  header[0] = 0x40 | ((20 + options.length) / 4);
  header.writeUInt16BE(header.length + payload.length, 2);
  header.writeUInt16BE(extra.id ?? 0x1234, 4);
  header.writeUInt16BE(extra.fragmentOffset ?? 0, 6);
  header[8] = extra.ttl ?? 64;
  header[9] = protocol;
  header.set((extra.src ?? '192.0.2.1').split('.').map(Number), 12);
  header.set((extra.dst ?? '198.51.100.7').split('.').map(Number), 16);
  options.copy(header, 20);
  return Buffer.concat([header, payload]);
}

function tcp(srcPort: number, dstPort: number, seq: number, flags: number): Buffer {
  const segment = Buffer.alloc(20);
  segment.writeUInt16BE(srcPort, 0);
  segment.writeUInt16BE(dstPort, 2);
  segment.writeUInt32BE(seq, 4);
  segment.writeUInt32BE(7, 8);
  segment[12] = 0x50;
  segment[13] = flags;
  segment.writeUInt16BE(1024, 14);
  return segment;
}

function udp(srcPort: number, dstPort: number): Buffer {
  const datagram = Buffer.alloc(8);
  datagram.writeUInt16BE(srcPort, 0);
  datagram.writeUInt16BE(dstPort, 2);
  datagram.writeUInt16BE(8, 4);
  return datagram;
}

const SRC6 = hex('20010db8000000000000000000000001');
const DST6 = hex('20010db8000100000000000000abcdef');

function ipv6(nextHeader: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(payload.length, 4);
  header[6] = nextHeader;
  header[7] = 55;
  SRC6.copy(header, 8);
  DST6.copy(header, 24);
  return Buffer.concat([header, payload]);
}

function ethernet(etherType: number, payload: Buffer, tags: Array<[number, number]> = []): Buffer {
  const parts = [Buffer.alloc(12, 0xaa)];
  for (const [tpid, vlan] of tags) {
    const tag = Buffer.alloc(4);
    tag.writeUInt16BE(tpid, 0);
    tag.writeUInt16BE(vlan, 2);
    parts.push(tag);
  }
  const type = Buffer.alloc(2);
  type.writeUInt16BE(etherType, 0);
  return Buffer.concat([...parts, type, payload]);
}

function decode(linkType: number, frame: Buffer, formatAddresses = true): DecodedPacket {
  return decodeFrame({ buffer: frame, offset: 0, captured: frame.length, length: frame.length, linkType, timeMicros: 5 }, { formatAddresses });
}

const SYN = ipv4(6, tcp(40000, 23, 0xc6336407, 0x02));

test('Ethernet IPv4 TCP SYN: addresses, ports, seq, flags, window, ttl, id', () => {
  const packet = decode(linkTypes.ETHERNET, ethernet(0x0800, SYN));
  assert.deepEqual(
    [
      packet.ipVersion,
      packet.src,
      packet.dst,
      packet.protocol,
      packet.srcPort,
      packet.dstPort,
      packet.seq,
      packet.ack,
      packet.tcpFlags,
      packet.window,
      packet.ttl,
      packet.ipId,
      packet.truncated,
    ],
    [4, '192.0.2.1', '198.51.100.7', 'tcp', 40000, 23, 0xc6336407, 7, 2, 1024, 64, 0x1234, false],
  );
  assert.equal(packet.dstV4, 0xc6336407);
});

test('numeric-only mode keeps IPv4 as integers and skips the text', () => {
  const packet = decode(linkTypes.ETHERNET, ethernet(0x0800, SYN), false);
  assert.equal(packet.src, undefined);
  assert.equal(packet.srcV4, 0xc0000201);
});

test('802.1Q, QinQ (88a8 + 8100) and 9100 tags are walked', () => {
  for (const tags of [
    [[0x8100, 10]],
    [
      [0x88a8, 100],
      [0x8100, 20],
    ],
    [
      [0x9100, 1],
      [0x8100, 2],
    ],
  ] as Array<Array<[number, number]>>) {
    const packet = decode(linkTypes.ETHERNET, ethernet(0x0800, SYN, tags));
    assert.equal(packet.dstPort, 23, JSON.stringify(tags));
  }
});

test('Linux cooked v1 and v2, raw IP (101, 12, 14), IPv4/IPv6 link types, BSD null and OpenBSD loop', () => {
  const sll = Buffer.concat([Buffer.alloc(14), hex('0800'), SYN]);
  assert.equal(decode(linkTypes.LINUX_SLL, sll).dstPort, 23);
  const sll2 = Buffer.concat([hex('0800 0000 00000002 0001 00 06 aaaaaaaaaaaa0000'), SYN]);
  assert.equal(decode(linkTypes.LINUX_SLL2, sll2).dstPort, 23);
  for (const raw of [linkTypes.RAW, linkTypes.RAW_DLT12, linkTypes.RAW_DLT14, linkTypes.IPV4]) assert.equal(decode(raw, SYN).dstPort, 23);
  const v6 = ipv6(17, udp(5353, 5353));
  assert.equal(decode(linkTypes.RAW, v6).src, '2001:db8::1');
  assert.equal(decode(linkTypes.IPV6, v6).dst, '2001:db8:1::ab:cdef');
  assert.equal(decode(linkTypes.NULL, Buffer.concat([hex('02000000'), SYN])).dstPort, 23, 'null, little-endian host');
  assert.equal(decode(linkTypes.NULL, Buffer.concat([hex('00000002'), SYN])).dstPort, 23, 'null, big-endian host');
  assert.equal(decode(linkTypes.NULL, Buffer.concat([hex('1e000000'), v6])).ipVersion, 6, 'null, AF_INET6 (30)');
  assert.equal(decode(linkTypes.LOOP, Buffer.concat([hex('00000018'), v6])).ipVersion, 6, 'loop, AF_INET6 (24)');
});

test('non-IP frames and unknown link types decode to metadata only', () => {
  const arp = decode(linkTypes.ETHERNET, ethernet(0x0806, Buffer.alloc(28)));
  assert.equal(arp.ipVersion, undefined);
  assert.equal(arp.truncated, false);
  assert.equal(decode(147, SYN).ipVersion, undefined);
});

test('IPv4 options are skipped; only the first fragment carries ports', () => {
  const withOptions = decode(linkTypes.RAW, ipv4(17, udp(1, 53), { options: hex('01010101') }));
  assert.equal(withOptions.dstPort, 53);
  const later = decode(linkTypes.RAW, ipv4(17, udp(1, 53), { fragmentOffset: 0x2001 & 0x1fff }));
  assert.equal(later.dstPort, undefined);
  assert.equal(later.fragment, true);
  const first = decode(linkTypes.RAW, ipv4(17, udp(1, 53), { fragmentOffset: 0x2000 }));
  assert.equal(first.dstPort, 53, 'more-fragments flag alone is the first fragment');
});

test('IPv6 extension headers: hop-by-hop, routing, destination options, AH, fragment', () => {
  const hopByHop = Buffer.concat([hex('2b00'), Buffer.alloc(6)]); // next: routing (43), 8 bytes
  const routing = Buffer.concat([hex('3c01'), Buffer.alloc(14)]); // next: dest opts (60), 16 bytes
  const destination = Buffer.concat([hex('3300'), Buffer.alloc(6)]); // next: AH (51)
  const ah = Buffer.concat([hex('0601'), Buffer.alloc(10)]); // next: TCP, (1+2)*4 = 12 bytes
  const packet = decode(linkTypes.RAW, ipv6(0, Buffer.concat([hopByHop, routing, destination, ah, tcp(1, 443, 9, 0x12)])));
  assert.deepEqual([packet.protocol, packet.ipProtocol, packet.dstPort, packet.tcpFlags], ['tcp', 6, 443, 0x12]);
  const firstFragment = decode(linkTypes.RAW, ipv6(44, Buffer.concat([hex('1100 0001 00000001'), udp(7, 161)])));
  assert.equal(firstFragment.dstPort, 161);
  const laterFragment = decode(linkTypes.RAW, ipv6(44, Buffer.concat([hex('1100 0100 00000001'), udp(7, 161)])));
  assert.deepEqual([laterFragment.dstPort, laterFragment.fragment, laterFragment.protocol], [undefined, true, 'udp']);
});

test('ICMP errors expose the quoted packet (backscatter), echo does not', () => {
  const quotedSyn = ipv4(6, tcp(40000, 23, 1, 0x02), { src: '203.0.113.9', dst: '198.51.100.7' }).subarray(0, 28);
  const unreachable = decode(linkTypes.RAW, ipv4(1, Buffer.concat([hex('0303 0000 00000000'), quotedSyn])));
  assert.deepEqual([unreachable.icmpType, unreachable.icmpCode], [3, 3]);
  assert.deepEqual(unreachable.quoted, {
    srcV4: 0xcb007109,
    dstV4: 0xc6336407,
    src: '203.0.113.9',
    dst: '198.51.100.7',
    protocol: 6,
    srcPort: 40000,
    dstPort: 23,
  });
  const echo = decode(linkTypes.RAW, ipv4(1, hex('0800 0000 00010001')));
  assert.deepEqual([echo.protocol, echo.icmpType, echo.quoted], ['icmp', 8, undefined]);
  const quoted6 = ipv6(17, udp(5000, 53)).subarray(0, 48);
  const tooBig = decode(linkTypes.RAW, ipv6(58, Buffer.concat([hex('0100 0000 00000000'), quoted6])));
  assert.deepEqual([tooBig.protocol, tooBig.icmpType, tooBig.quoted?.dst, tooBig.quoted?.dstPort], ['icmpv6', 1, '2001:db8:1::ab:cdef', 53]);
});

test('cut-short frames set truncated and keep what was decoded', () => {
  const frame = ethernet(0x0800, SYN);
  const cutInTcp = decodeFrame(
    { buffer: frame, offset: 0, captured: 14 + 20 + 10, length: frame.length, linkType: 1, timeMicros: 0 },
    { formatAddresses: true },
  );
  assert.deepEqual([cutInTcp.truncated, cutInTcp.dstPort, cutInTcp.seq], [true, 23, undefined]);
  const cutInIp = decodeFrame({ buffer: frame, offset: 0, captured: 20, length: frame.length, linkType: 1, timeMicros: 0 }, { formatAddresses: true });
  assert.deepEqual([cutInIp.truncated, cutInIp.ipVersion], [true, undefined]);
  const cutInEthernet = decodeFrame({ buffer: frame, offset: 0, captured: 10, length: frame.length, linkType: 1, timeMicros: 0 }, { formatAddresses: true });
  assert.equal(cutInEthernet.truncated, true);
});

test('address text: dotted quad and RFC 5952 IPv6', () => {
  assert.equal(formatIPv4(0xffffffff), '255.255.255.255');
  assert.equal(formatIPv6(hex('00000000000000000000000000000001'), 0), '::1');
  assert.equal(formatIPv6(hex('00000000000000000000000000000000'), 0), '::');
  assert.equal(formatIPv6(hex('20010db8000000010000000000000001'), 0), '2001:db8:0:1::1');
  assert.equal(formatIPv6(hex('20010db8000000000001000000000001'), 0), '2001:db8::1:0:0:1', 'first of equal runs');
  assert.equal(formatIPv6(hex('20010db8000100010001000100010001'), 0), '2001:db8:1:1:1:1:1:1');
  assert.equal(formatIPv6(hex('20010db8000000010001000100010001'), 0), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
});
