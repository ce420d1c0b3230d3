/**
 * What a blocklist carries: a C&C endpoint the operator approved for blocking. The C&C
 * analysis produces them (after approval); every blocklist format is written from them.
 */
/** The transport protocols a port-limited block can name. */
export type BlockProtocol = 'tcp' | 'udp';

export interface BlockIndicator {
  kind: 'ip' | 'cidr' | 'domain';
  /** Canonical address, CIDR, or a lower-case domain name without the trailing dot. */
  value: string;
  /** A destination port when only that port is to be blocked (ACLs and nftables can say so; RPZ cannot). */
  port?: number;
  /**
   * With a port: the transport protocol when only that protocol's traffic to the port is to be
   * blocked (a C&C on UDP 6881 says nothing about TCP 6881). Absent: both TCP and UDP.
   */
  protocol?: BlockProtocol;
  /** Why it is listed, short and printable (goes into comments of the exported files). */
  reason: string;
  /** When the operator approved it (ISO time). */
  approvedAt: string;
}
