/**
 * Per-packet classification of darknet traffic. Every packet to a darknet is unsolicited, so
 * the question is only *why* it was sent: a scan probe (with a tool or botnet fingerprint),
 * a reply to someone else's spoofed traffic (backscatter), or something else.
 * Fingerprints and their sources are listed in docs/darknet.md.
 */
import type { DecodedPacket } from '../packet.ts';
import { shippedReflectorPorts } from './reflector-ports.ts';

/** Classes in a fixed order: the index is used for compact per-source counters. */
export const packetClasses = ['mirai', 'zmap', 'masscan', 'tcp-syn-scan', 'backscatter', 'udp-probe', 'icmp-probe', 'other'] as const;
export type PacketClass = (typeof packetClasses)[number];

/** Index of each class in `packetClasses`. */
export const classIndex: Readonly<Record<PacketClass, number>> = Object.fromEntries(packetClasses.map((name, index) => [name, index])) as Record<
  PacketClass,
  number
>;

const synFlag = 0x02;
const rstFlag = 0x04;
const ackFlag = 0x10;
/** ZMap's fixed IPv4 identification (zmap src/probe_modules/packet.c sets id 54321). */
const zmapIpId = 54321;

/** Class numbers (indexes into `packetClasses`) for the primitive-argument classifier. */
const MIRAI = 0,
  ZMAP = 1,
  MASSCAN = 2,
  TCP_SYN_SCAN = 3,
  BACKSCATTER = 4,
  UDP_PROBE = 5,
  ICMP_PROBE = 6,
  OTHER = 7;
/** `classifyFields`'s class number for backscatter (its top ports are source ports). */
export const backscatterClass = BACKSCATTER;

/** IP protocol numbers for `DecodedPacket.protocol` names ('other' matches none of them). */
const protocolNumbers: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/**
 * Classify one decoded packet.
 * @example classifyPacket({ protocol: 'tcp', tcpFlags: 2, seq: 0x7fc80001, dstV4: 0x7fc80001, ... }) === 'mirai'
 */
export function classifyPacket(packet: DecodedPacket): PacketClass {
  const classNumber = classifyFields(
    packet.ipVersion === 4,
    protocolNumbers[packet.protocol ?? 'other'] ?? -1,
    packet.fragment === true,
    packet.tcpFlags ?? -1,
    packet.seq ?? -1,
    packet.dstV4 ?? -1,
    packet.ipId ?? -1,
    packet.srcPort ?? -1,
    packet.dstPort ?? -1,
    packet.icmpType ?? -1,
  );
  return packetClasses[classNumber]!;
}

/**
 * The classifier on plain numbers (the bulk path calls it per batch row; `classifyPacket`
 * per object). A field the packet lacks is -1. Returns the index into `packetClasses`.
 * @example packetClasses[classifyFields(true, 6, false, 0x02, 0x7fc80001, 0x7fc80001, 1, 40000, 23, -1)] === 'mirai'
 */
export function classifyFields(
  isIPv4: boolean,
  ipProtocol: number,
  fragment: boolean,
  tcpFlags: number,
  seq: number,
  dstV4: number,
  ipId: number,
  srcPort: number,
  dstPort: number,
  icmpType: number,
): number {
  if (fragment) return OTHER;
  if (ipProtocol === 6) {
    if (tcpFlags < 0) return OTHER;
    if ((tcpFlags & (synFlag | ackFlag)) === (synFlag | ackFlag)) return BACKSCATTER;
    if ((tcpFlags & rstFlag) !== 0 && (tcpFlags & synFlag) === 0) return BACKSCATTER;
    if ((tcpFlags & (synFlag | ackFlag | rstFlag)) !== synFlag) return OTHER;
    if (isIPv4 && dstV4 >= 0 && seq >= 0) {
      // Mirai (scanner.c): the SYN's sequence number is the target address.
      if (seq === dstV4) return MIRAI;
      if (ipId === zmapIpId) return ZMAP;
      // masscan (templ-pkt.c): ip_id = ip_them ^ port_them ^ seqno, truncated to 16 bits.
      if (ipId >= 0 && dstPort >= 0 && ipId === ((dstV4 ^ dstPort ^ seq) & 0xffff)) return MASSCAN;
    }
    return TCP_SYN_SCAN;
  }
  // A datagram from a reflector's port (DNS, NTP, SSDP, memcached …: reflector-ports.yaml) to a
  // darknet address answers a request the darknet never sent: DRDoS backscatter. From the same
  // port to the same port it is a peer's own query (ntpd and NetBIOS query from 123 and 137,
  // mDNS from 5353), so it stays a probe.
  if (ipProtocol === 17) return srcPort !== dstPort && shippedReflectorPorts.indexOf(srcPort) >= 0 ? BACKSCATTER : UDP_PROBE;
  if (ipProtocol === 1) {
    if (icmpType === 8) return ICMP_PROBE;
    // Echo reply and the ICMPv4 errors: unreachable, source quench, redirect, time exceeded, parameter problem.
    return icmpType === 0 || icmpType === 3 || icmpType === 4 || icmpType === 5 || icmpType === 11 || icmpType === 12 ? BACKSCATTER : OTHER;
  }
  if (ipProtocol === 58) {
    if (icmpType === 128) return ICMP_PROBE;
    // 1-4 are ICMPv6 errors, 129 an echo reply.
    return icmpType === 129 || (icmpType >= 1 && icmpType <= 4) ? BACKSCATTER : OTHER;
  }
  return OTHER;
}
