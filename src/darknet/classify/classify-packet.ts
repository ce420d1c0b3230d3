/**
 * Per-packet classification of darknet traffic. Every packet to a darknet is unsolicited, so
 * the question is only *why* it was sent: a scan probe (with a tool or botnet fingerprint),
 * a reply to someone else's spoofed traffic (backscatter), or something else.
 * Fingerprints and their sources are listed in docs/darknet.md.
 */
import type { DecodedPacket } from '../packet.ts';

/** Classes in a fixed order: the index is used for compact per-source counters. */
export const packetClasses = ['mirai', 'zmap', 'masscan', 'tcp-syn-scan', 'backscatter', 'udp-probe', 'icmp-probe', 'other'] as const;
export type PacketClass = (typeof packetClasses)[number];

/** Index of each class in `packetClasses`. */
export const classIndex: Readonly<Record<PacketClass, number>> = Object.fromEntries(packetClasses.map((name, index) => [name, index])) as Record<PacketClass, number>;

const synFlag = 0x02;
const rstFlag = 0x04;
const ackFlag = 0x10;
/** ZMap's fixed IPv4 identification (zmap src/probe_modules/packet.c sets id 54321). */
const zmapIpId = 54321;
/** ICMPv4 error types: unreachable, source quench, redirect, time exceeded, parameter problem. */
const icmpErrorTypes = new Set([3, 4, 5, 11, 12]);

/**
 * Classify one decoded packet.
 * @example classifyPacket({ protocol: 'tcp', tcpFlags: 2, seq: 0x7fc80001, dstV4: 0x7fc80001, ... }) === 'mirai'
 */
export function classifyPacket(packet: DecodedPacket): PacketClass {
  if (packet.fragment) return 'other';
  switch (packet.protocol) {
    case 'tcp':
      return classifyTcp(packet);
    case 'udp':
      // A datagram from port 53 to a darknet address answers a query that the darknet never sent.
      return packet.srcPort === 53 && packet.dstPort !== 53 ? 'backscatter' : 'udp-probe';
    case 'icmp':
      if (packet.icmpType === 8) return 'icmp-probe';
      return packet.icmpType === 0 || icmpErrorTypes.has(packet.icmpType ?? -1) ? 'backscatter' : 'other';
    case 'icmpv6':
      if (packet.icmpType === 128) return 'icmp-probe';
      // 1-4 are ICMPv6 errors, 129 an echo reply.
      return packet.icmpType === 129 || (packet.icmpType !== undefined && packet.icmpType >= 1 && packet.icmpType <= 4) ? 'backscatter' : 'other';
    default:
      return 'other';
  }
}

function classifyTcp(packet: DecodedPacket): PacketClass {
  const flags = packet.tcpFlags;
  if (flags === undefined) return 'other';
  if ((flags & (synFlag | ackFlag)) === (synFlag | ackFlag)) return 'backscatter';
  if ((flags & rstFlag) !== 0 && (flags & synFlag) === 0) return 'backscatter';
  if ((flags & (synFlag | ackFlag | rstFlag)) !== synFlag) return 'other';
  const seq = packet.seq;
  const dst = packet.dstV4;
  if (packet.ipVersion === 4 && dst !== undefined && seq !== undefined) {
    // Mirai (scanner.c): the SYN's sequence number is the target address.
    if (seq === dst) return 'mirai';
    if (packet.ipId === zmapIpId) return 'zmap';
    // masscan (templ-pkt.c): ip_id = ip_them ^ port_them ^ seqno, truncated to 16 bits.
    if (packet.ipId !== undefined && packet.dstPort !== undefined && packet.ipId === ((dst ^ packet.dstPort ^ seq) & 0xffff)) return 'masscan';
  }
  return 'tcp-syn-scan';
}
