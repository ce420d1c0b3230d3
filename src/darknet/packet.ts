/**
 * The decoded form of one captured frame: what the darknet classifier needs from the link,
 * network and transport headers, nothing more. Produced by src/darknet/capture/.
 */

/** Fields of the original packet quoted inside an ICMP/ICMPv6 error (backscatter analysis). */
export interface QuotedHeaders {
  src?: string;
  dst?: string;
  /** IPv4 of the quoted packet as unsigned 32-bit integers (set for IPv4 quotes). */
  srcV4?: number;
  dstV4?: number;
  protocol?: number;
  srcPort?: number;
  dstPort?: number;
}

export interface DecodedPacket {
  /** Capture time in microseconds since the epoch (pcap ns/µs and pcapng resolutions converted). */
  timeMicros: number;
  /** Bytes on the wire and bytes captured (captured < length means the capture was truncated). */
  length: number;
  captured: number;
  linkType: number;
  ipVersion?: 4 | 6;
  /**
   * Addresses as text (dotted quad, RFC 5952 IPv6). For IPv4 the text is only filled when the
   * reader formats addresses (the default); the hot path uses `srcV4`/`dstV4` instead.
   */
  src?: string;
  dst?: string;
  /** IPv4 addresses as unsigned 32-bit integers (always set for IPv4; no string formatting). */
  srcV4?: number;
  dstV4?: number;
  protocol?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';
  /** IP protocol / final IPv6 next-header number. */
  ipProtocol?: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl?: number;
  /** IPv4 identification. */
  ipId?: number;
  /** Set when this is a non-first IP fragment (no transport header in it). */
  fragment?: boolean;
  srcPort?: number;
  dstPort?: number;
  tcpFlags?: number;
  seq?: number;
  ack?: number;
  window?: number;
  icmpType?: number;
  icmpCode?: number;
  /** For ICMP errors: the quoted original packet's src/dst/protocol/ports (backscatter analysis). */
  quoted?: QuotedHeaders;
  /** The packet ended before a header the decoder needed. */
  truncated: boolean;
}
