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
  /** IPv4 total length, or the IPv6 payload length plus its 40-byte header: bytes as sent, whatever the link or snap length. */
  ipLength?: number;
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

/**
 * IPv4 packets decoded and classified into flat rows for the bulk path (`aggregateCapture`):
 * a whole chunk of packets goes to the aggregator without an object per packet. Row `r` holds
 * its time in `timeMicros[r]` and `rowFields` int32 values from `fields[r * rowFields]` on,
 * laid out as `rowField` says: exactly what the aggregator reads from a `DecodedPacket` and
 * its class. One interleaved array rather than a typed array per field: the hot loops touch
 * one array instead of five.
 */
export interface PacketBatch {
  /** Rows filled. */
  count: number;
  readonly capacity: number;
  readonly timeMicros: Float64Array;
  readonly fields: Int32Array;
}

/** Int32 values per batch row. */
export const rowFields = 7;

/** Offsets inside a batch row. Addresses are stored as int32: read them with `>>> 0`. */
export const rowField = {
  srcV4: 0,
  dstV4: 1,
  /** Index into `packetClasses` (src/darknet/classify/classify-packet.ts). */
  classNumber: 2,
  /** TCP/UDP ports, -1 when the packet has none (not TCP/UDP, fragment, cut short). */
  srcPort: 3,
  dstPort: 4,
  /** IP protocol number (6 TCP, 17 UDP …): the DRDoS tracker tells UDP replies from TCP ones. */
  ipProtocol: 5,
  /** IPv4 total length (bytes as sent): the DRDoS tracker's byte counts. */
  ipLength: 6,
} as const;

/**
 * An empty batch with room for `capacity` packets (a few thousand keeps it in the CPU cache).
 * @example const batch = createPacketBatch(4096); // batch.count === 0
 */
export function createPacketBatch(capacity: number): PacketBatch {
  return { count: 0, capacity, timeMicros: new Float64Array(capacity), fields: new Int32Array(capacity * rowFields) };
}
