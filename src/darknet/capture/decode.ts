/**
 * Decodes one frame (link layer → IPv4/IPv6 → TCP/UDP/ICMP) straight from the capture buffer
 * by offsets: no Buffer views, no copies. IPv4 addresses stay integers unless text is asked for.
 */
import type { DecodedPacket, QuotedHeaders } from '../packet.ts';
import { formatIPv4, formatIPv6 } from './address.ts';

/** Link-layer header types (LINKTYPE_* numbers as stored in pcap/pcapng files). */
export const linkTypes = {
  NULL: 0,
  ETHERNET: 1,
  RAW_DLT12: 12,
  RAW_DLT14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** Bounds the VLAN tag and IPv6 extension-header walks on hostile input. */
const MAX_STACKED_HEADERS = 16;

export interface DecodeOptions {
  /** Fill `src`/`dst` text for IPv4 too (IPv6 always gets text). Default true. */
  formatAddresses: boolean;
}

/** Frame location and metadata as the container parser hands them over. */
export interface FrameInfo {
  buffer: Uint8Array;
  offset: number;
  captured: number;
  length: number;
  linkType: number;
  timeMicros: number;
}

/**
 * Decodes the frame at `frame.buffer[frame.offset..+captured)`.
 * @example decodeFrame({ buffer, offset: 0, captured: 60, length: 60, linkType: 1, timeMicros: 0 }, { formatAddresses: true })
 */
export function decodeFrame(frame: FrameInfo, options: DecodeOptions): DecodedPacket {
  const packet: DecodedPacket = {
    timeMicros: frame.timeMicros,
    length: frame.length,
    captured: frame.captured,
    linkType: frame.linkType,
    truncated: false,
  };
  const buf = frame.buffer;
  const end = frame.offset + frame.captured;
  const network = locateNetworkLayer(buf, frame.offset, end, frame.linkType);
  const kind = network & 3;
  if (kind === CUT) packet.truncated = true;
  if (kind === 2) decodeIPv4(buf, (network - 2) / 4, end, packet, options);
  else if (kind === 3) decodeIPv6(buf, (network - 3) / 4, end, packet);
  return packet;
}

/**
 * Where the network layer starts, packed into one number so the hot path allocates nothing:
 * offset·4 + kind, kind 0 = not IP, 1 = cut short, 2 = IPv4, 3 = IPv6.
 */
export type NetworkLocation = number;
const NONE = 0;
const CUT = 1;
/** The `kind` of a NetworkLocation that starts an IPv4 header. */
export const IPV4_LOCATION = 2;
const at4 = (offset: number): NetworkLocation => offset * 4 + 2;
const at6 = (offset: number): NetworkLocation => offset * 4 + 3;

function u16(buf: Uint8Array, at: number): number {
  return (buf[at] << 8) | buf[at + 1];
}

function u32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

function byEthertype(type: number, offset: number): NetworkLocation {
  if (type === ETHERTYPE_IPV4) return at4(offset);
  if (type === ETHERTYPE_IPV6) return at6(offset);
  return NONE;
}

/** 802.1Q, 802.1ad (QinQ outer tag) and the older 0x9100 QinQ tag. */
function isVlanTag(type: number): boolean {
  return type === 0x8100 || type === 0x88a8 || type === 0x9100;
}

/**
 * Finds the IP header behind the link-layer header of a frame in `buf[start..end)`.
 * @example locateNetworkLayer(frameBytes, 0, frameBytes.length, linkTypes.ETHERNET) & 3 // 2 for IPv4
 */
export function locateNetworkLayer(buf: Uint8Array, start: number, end: number, linkType: number): NetworkLocation {
  switch (linkType) {
    case linkTypes.ETHERNET: {
      if (end - start < 14) return CUT;
      let at = start + 12;
      let type = u16(buf, at);
      for (let tags = 0; isVlanTag(type) && tags < MAX_STACKED_HEADERS; tags++) {
        at += 4;
        if (at + 2 > end) return CUT;
        type = u16(buf, at);
      }
      return byEthertype(type, at + 2);
    }
    case linkTypes.LINUX_SLL:
      return end - start < 16 ? CUT : byEthertype(u16(buf, start + 14), start + 16);
    case linkTypes.LINUX_SLL2:
      return end - start < 20 ? CUT : byEthertype(u16(buf, start), start + 20);
    case linkTypes.RAW:
    case linkTypes.RAW_DLT12:
    case linkTypes.RAW_DLT14:
      return byVersionNibble(buf, start, end);
    case linkTypes.IPV4:
      return at4(start);
    case linkTypes.IPV6:
      return at6(start);
    case linkTypes.NULL:
    case linkTypes.LOOP: {
      if (end - start < 4) return CUT;
      // NULL stores the address family in the capturing host's byte order; LOOP in network order.
      let family = u32(buf, start);
      if (linkType === linkTypes.NULL && (family & 0xffff) === 0) family = (family >>> 24) | ((family >>> 8) & 0xff00);
      if (family === 2) return at4(start + 4);
      if (family === 24 || family === 28 || family === 30) return at6(start + 4);
      return NONE;
    }
    default:
      return NONE;
  }
}

function byVersionNibble(buf: Uint8Array, start: number, end: number): NetworkLocation {
  if (start >= end) return CUT;
  const version = buf[start] >> 4;
  if (version === 4) return at4(start);
  if (version === 6) return at6(start);
  return NONE;
}

function protocolName(ipProtocol: number): DecodedPacket['protocol'] {
  switch (ipProtocol) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 1:
      return 'icmp';
    case 58:
      return 'icmpv6';
    default:
      return 'other';
  }
}

function decodeIPv4(buf: Uint8Array, at: number, end: number, packet: DecodedPacket, options: DecodeOptions): void {
  if (at + 20 > end || buf[at] >> 4 !== 4) {
    packet.truncated = at + 20 > end;
    return;
  }
  const headerLength = (buf[at] & 15) * 4;
  packet.ipVersion = 4;
  packet.srcV4 = u32(buf, at + 12);
  packet.dstV4 = u32(buf, at + 16);
  if (options.formatAddresses) {
    packet.src = formatIPv4(packet.srcV4);
    packet.dst = formatIPv4(packet.dstV4);
  }
  packet.ttl = buf[at + 8];
  packet.ipId = u16(buf, at + 4);
  const ipProtocol = buf[at + 9];
  packet.ipProtocol = ipProtocol;
  packet.ipLength = u16(buf, at + 2);
  packet.protocol = protocolName(ipProtocol);
  if (headerLength < 20) return;
  if ((u16(buf, at + 6) & 0x1fff) !== 0) {
    packet.fragment = true;
    return;
  }
  // The IP total length excludes Ethernet padding; the capture length bounds truncation.
  const totalLength = u16(buf, at + 2);
  const l4End = totalLength >= headerLength ? Math.min(end, at + totalLength) : end;
  decodeTransport(buf, at + headerLength, l4End, ipProtocol, packet, options);
}

/** Walks IPv6 extension headers; returns the transport offset and protocol, or -1 when cut/fragmented. */
function skipIPv6Extensions(
  buf: Uint8Array,
  at: number,
  end: number,
  first: number,
): { offset: number; protocol: number; fragment: boolean; truncated: boolean } {
  let next = first;
  for (let hops = 0; hops < MAX_STACKED_HEADERS; hops++) {
    if (next !== 0 && next !== 43 && next !== 60 && next !== 44 && next !== 51) break;
    if (at + 8 > end) return { offset: -1, protocol: next, fragment: false, truncated: true };
    const following = buf[at];
    if (next === 44) {
      if ((u16(buf, at + 2) & 0xfff8) !== 0) return { offset: -1, protocol: following, fragment: true, truncated: false };
      at += 8;
    } else if (next === 51) {
      at += (buf[at + 1] + 2) * 4;
    } else {
      at += (buf[at + 1] + 1) * 8;
    }
    next = following;
  }
  return { offset: at, protocol: next, fragment: false, truncated: false };
}

function decodeIPv6(buf: Uint8Array, at: number, end: number, packet: DecodedPacket): void {
  if (at + 40 > end || buf[at] >> 4 !== 6) {
    packet.truncated = at + 40 > end;
    return;
  }
  packet.ipVersion = 6;
  packet.src = formatIPv6(buf, at + 8);
  packet.dst = formatIPv6(buf, at + 24);
  packet.ttl = buf[at + 7];
  const payloadLength = u16(buf, at + 4);
  packet.ipLength = payloadLength + 40;
  const l4Limit = payloadLength > 0 ? Math.min(end, at + 40 + payloadLength) : end;
  const walk = skipIPv6Extensions(buf, at + 40, l4Limit, buf[at + 6]);
  packet.ipProtocol = walk.protocol;
  packet.protocol = protocolName(walk.protocol);
  if (walk.truncated) packet.truncated = true;
  if (walk.fragment) packet.fragment = true;
  if (walk.offset < 0) return;
  decodeTransport(buf, walk.offset, l4Limit, walk.protocol, packet, { formatAddresses: true });
}

function decodeTransport(buf: Uint8Array, at: number, end: number, ipProtocol: number, packet: DecodedPacket, options: DecodeOptions): void {
  if (ipProtocol === 6 || ipProtocol === 17) {
    if (at + 4 > end) {
      packet.truncated = true;
      return;
    }
    packet.srcPort = u16(buf, at);
    packet.dstPort = u16(buf, at + 2);
    if (ipProtocol === 17) {
      if (at + 8 > end) packet.truncated = true;
      return;
    }
    if (at + 16 > end) {
      packet.truncated = true;
      return;
    }
    packet.seq = u32(buf, at + 4);
    packet.ack = u32(buf, at + 8);
    packet.tcpFlags = ((buf[at + 12] & 1) << 8) | buf[at + 13];
    packet.window = u16(buf, at + 14);
    if (at + 20 > end) packet.truncated = true;
    return;
  }
  if (ipProtocol === 1 || ipProtocol === 58) {
    if (at + 2 > end) {
      packet.truncated = true;
      return;
    }
    const type = buf[at];
    packet.icmpType = type;
    packet.icmpCode = buf[at + 1];
    const isError = ipProtocol === 1 ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
    if (isError) packet.quoted = decodeQuoted(buf, at + 8, end, ipProtocol === 1 ? 4 : 6, options);
  }
}

/** The original packet an ICMP error quotes: as much of its headers as the error carries. */
function decodeQuoted(buf: Uint8Array, at: number, end: number, version: 4 | 6, options: DecodeOptions): QuotedHeaders | undefined {
  let l4 = -1;
  let protocol = 0;
  const quoted: QuotedHeaders = {};
  if (version === 4) {
    if (at + 20 > end || buf[at] >> 4 !== 4) return undefined;
    quoted.srcV4 = u32(buf, at + 12);
    quoted.dstV4 = u32(buf, at + 16);
    if (options.formatAddresses) {
      quoted.src = formatIPv4(quoted.srcV4);
      quoted.dst = formatIPv4(quoted.dstV4);
    }
    protocol = buf[at + 9];
    if ((u16(buf, at + 6) & 0x1fff) === 0) l4 = at + (buf[at] & 15) * 4;
  } else {
    if (at + 40 > end || buf[at] >> 4 !== 6) return undefined;
    quoted.src = formatIPv6(buf, at + 8);
    quoted.dst = formatIPv6(buf, at + 24);
    const walk = skipIPv6Extensions(buf, at + 40, end, buf[at + 6]);
    protocol = walk.protocol;
    l4 = walk.offset;
  }
  quoted.protocol = protocol;
  if ((protocol === 6 || protocol === 17) && l4 >= 0 && l4 + 4 <= end) {
    quoted.srcPort = u16(buf, l4);
    quoted.dstPort = u16(buf, l4 + 2);
  }
  return quoted;
}
