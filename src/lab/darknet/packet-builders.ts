/**
 * Builders for the raw IP packets the darknet generator writes: IPv4/IPv6 with TCP, UDP,
 * ICMP echo and ICMP destination-unreachable (quoting the offending header). Checksums are
 * computed properly so that tshark and the reader see well-formed packets.
 */

/** An address as network-order bytes: 4 for IPv4, 16 for IPv6. */
export type AddressBytes = Uint8Array;

/** TCP flag bits as they appear in the header's flags byte. */
export const tcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

/** Fields shared by every IP packet we build. */
export interface IpFields {
  src: AddressBytes;
  dst: AddressBytes;
  ttl?: number;
  /** IPv4 identification (ignored for IPv6). */
  ipId?: number;
}

export interface TcpFields extends IpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
}

export interface UdpFields extends IpFields {
  srcPort: number;
  dstPort: number;
  payload?: Uint8Array;
}

/**
 * Parse a dotted IPv4 address into bytes.
 * @example ipv4Bytes('127.0.0.1') // Uint8Array [127, 0, 0, 1]
 */
export function ipv4Bytes(address: string | number): AddressBytes {
  if (typeof address === 'number') {
    return Uint8Array.of(address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff);
  }
  const parts = address.split('.').map(Number);
  return Uint8Array.from(parts);
}

/**
 * IPv4 address as an unsigned 32-bit number.
 * @example ipv4Number('0.0.1.2') === 258
 */
export function ipv4Number(address: string): number {
  const parts = address.split('.');
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

/**
 * Dotted text of an unsigned 32-bit IPv4 address.
 * @example ipv4Text(258) === '0.0.1.2'
 */
export function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** One's-complement sum of 16-bit words (RFC 1071), not yet folded or inverted. */
function sumWords(bytes: Uint8Array, start: number, end: number, initial: number): number {
  let sum = initial;
  let index = start;
  for (; index + 1 < end; index += 2) sum += (bytes[index] << 8) | bytes[index + 1];
  if (index < end) sum += bytes[index] << 8;
  return sum;
}

function foldChecksum(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}

/**
 * Internet checksum of a byte range.
 * @example internetChecksum(Uint8Array.of(0, 1, 0xf2, 3)) === 0x0dfb
 */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return foldChecksum(sumWords(bytes, start, end, 0));
}

const ipv4HeaderLength = 20;
const ipv6HeaderLength = 40;

/** Write the IP header for a payload of `payloadLength` bytes and return the payload offset. */
function writeIpHeader(packet: Uint8Array, fields: IpFields, protocol: number, payloadLength: number): number {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (fields.src.length === 4) {
    packet[0] = 0x45;
    view.setUint16(2, ipv4HeaderLength + payloadLength);
    view.setUint16(4, (fields.ipId ?? 0) & 0xffff);
    packet[8] = fields.ttl ?? 64;
    packet[9] = protocol;
    packet.set(fields.src, 12);
    packet.set(fields.dst, 16);
    view.setUint16(10, internetChecksum(packet, 0, ipv4HeaderLength));
    return ipv4HeaderLength;
  }
  packet[0] = 0x60;
  view.setUint16(4, payloadLength);
  packet[6] = protocol;
  packet[7] = fields.ttl ?? 64;
  packet.set(fields.src, 8);
  packet.set(fields.dst, 24);
  return ipv6HeaderLength;
}

/** Transport checksum over the pseudo-header (RFC 793 / RFC 8200 §8.1) plus the segment. */
function transportChecksum(packet: Uint8Array, fields: IpFields, protocol: number, offset: number): number {
  const length = packet.length - offset;
  let sum = sumWords(fields.src, 0, fields.src.length, 0);
  sum = sumWords(fields.dst, 0, fields.dst.length, sum);
  sum += protocol + (length & 0xffff) + Math.floor(length / 0x10000);
  sum = sumWords(packet, offset, packet.length, sum);
  return foldChecksum(sum);
}

function ipHeaderLength(fields: IpFields): number {
  return fields.src.length === 4 ? ipv4HeaderLength : ipv6HeaderLength;
}

/**
 * An IP packet carrying a 20-byte TCP header (no options, no payload).
 * @example buildTcp({ src: ipv4Bytes('10.0.0.1'), dst: ipv4Bytes('127.200.0.9'), srcPort: 40000, dstPort: 23, seq: 1, flags: tcpFlag.syn })
 */
export function buildTcp(fields: TcpFields): Uint8Array {
  const headerLength = ipHeaderLength(fields);
  const packet = new Uint8Array(headerLength + 20);
  const offset = writeIpHeader(packet, fields, 6, 20);
  const view = new DataView(packet.buffer);
  view.setUint16(offset, fields.srcPort);
  view.setUint16(offset + 2, fields.dstPort);
  view.setUint32(offset + 4, fields.seq >>> 0);
  view.setUint32(offset + 8, (fields.ack ?? 0) >>> 0);
  packet[offset + 12] = 5 << 4;
  packet[offset + 13] = fields.flags;
  view.setUint16(offset + 14, fields.window ?? 1024);
  view.setUint16(offset + 16, transportChecksum(packet, fields, 6, offset));
  return packet;
}

/**
 * An IP packet carrying UDP.
 * @example buildUdp({ src, dst, srcPort: 53, dstPort: 33000, payload: dnsAnswer })
 */
export function buildUdp(fields: UdpFields): Uint8Array {
  const payload = fields.payload ?? new Uint8Array(0);
  const headerLength = ipHeaderLength(fields);
  const packet = new Uint8Array(headerLength + 8 + payload.length);
  const offset = writeIpHeader(packet, fields, 17, 8 + payload.length);
  const view = new DataView(packet.buffer);
  view.setUint16(offset, fields.srcPort);
  view.setUint16(offset + 2, fields.dstPort);
  view.setUint16(offset + 4, 8 + payload.length);
  packet.set(payload, offset + 8);
  // A computed UDP checksum of 0 is sent as 0xffff (0 means "none" in IPv4).
  view.setUint16(offset + 6, transportChecksum(packet, fields, 17, offset) || 0xffff);
  return packet;
}

/** ICMP over IPv4 (no pseudo-header) or ICMPv6 (with one). */
function buildIcmp(fields: IpFields, type: number, code: number, rest: number, body: Uint8Array): Uint8Array {
  const isV4 = fields.src.length === 4;
  const protocol = isV4 ? 1 : 58;
  const packet = new Uint8Array(ipHeaderLength(fields) + 8 + body.length);
  const offset = writeIpHeader(packet, fields, protocol, 8 + body.length);
  const view = new DataView(packet.buffer);
  packet[offset] = type;
  packet[offset + 1] = code;
  view.setUint32(offset + 4, rest >>> 0);
  packet.set(body, offset + 8);
  const checksum = isV4 ? internetChecksum(packet, offset) : transportChecksum(packet, fields, protocol, offset);
  view.setUint16(offset + 2, checksum);
  return packet;
}

/**
 * ICMP echo request (or reply with `reply: true`); ICMPv6 when the addresses are IPv6.
 * @example buildIcmpEcho({ src, dst, identifier: 7, sequence: 1 })
 */
export function buildIcmpEcho(fields: IpFields & { identifier: number; sequence: number; reply?: boolean }): Uint8Array {
  const isV4 = fields.src.length === 4;
  const type = isV4 ? (fields.reply ? 0 : 8) : fields.reply ? 129 : 128;
  return buildIcmp(fields, type, 0, ((fields.identifier & 0xffff) << 16) | (fields.sequence & 0xffff), new Uint8Array(8));
}

/**
 * ICMP destination unreachable quoting the offending packet: its IP header plus the first
 * 8 bytes of its payload (RFC 792), or as much as fits the minimum MTU for ICMPv6.
 * @example buildIcmpUnreachable({ src: router, dst: spoofedSource, code: 3, offending: buildUdp(...) })
 */
export function buildIcmpUnreachable(fields: IpFields & { code: number; offending: Uint8Array }): Uint8Array {
  const isV4 = fields.src.length === 4;
  const quotedLength = isV4 ? Math.min(fields.offending.length, (fields.offending[0] & 0x0f) * 4 + 8) : Math.min(fields.offending.length, 1232);
  return buildIcmp(fields, isV4 ? 3 : 1, fields.code, 0, fields.offending.subarray(0, quotedLength));
}

/**
 * Wrap an IP packet in an Ethernet II frame (fixed lab MAC addresses).
 * @example wrapEthernet(buildTcp(...)).length === 14 + 40
 */
export function wrapEthernet(ipPacket: Uint8Array): Uint8Array {
  const frame = new Uint8Array(14 + ipPacket.length);
  frame.set([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02], 0);
  const isV4 = ipPacket[0] >> 4 === 4;
  frame[12] = isV4 ? 0x08 : 0x86;
  frame[13] = isV4 ? 0x00 : 0xdd;
  frame.set(ipPacket, 14);
  return frame;
}
