/**
 * One flow as the collector hands it on, whatever it came from (NetFlow v5, v9, IPFIX, or a
 * pcap file): the shape the C&C analysis and the aggregates read. Times are epoch
 * milliseconds, addresses canonical text (IPv4 or IPv6).
 */
export interface FlowRecord {
  /** The exporter's address and, for v9/IPFIX, its observation domain / source id ("192.0.2.1/0"). */
  exporter: string;
  sourceAddress: string;
  destinationAddress: string;
  sourcePort: number;
  destinationPort: number;
  /** IANA protocol number: 6 TCP, 17 UDP, 1 ICMP … */
  protocol: number;
  packets: number;
  bytes: number;
  startMs: number;
  endMs: number;
  /** OR of the TCP flags seen, when the exporter sends them. */
  tcpFlags?: number;
}
