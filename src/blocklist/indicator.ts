/**
 * What a blocklist carries: a C&C endpoint the operator approved for blocking. The C&C
 * analysis produces them (after approval); every blocklist format is written from them.
 */
export interface BlockIndicator {
  kind: 'ip' | 'cidr' | 'domain';
  /** Canonical address, CIDR, or a lower-case domain name without the trailing dot. */
  value: string;
  /** A destination port when only that port is to be blocked (ACLs and nftables can say so; RPZ cannot). */
  port?: number;
  /** Why it is listed, short and printable (goes into comments of the exported files). */
  reason: string;
  /** When the operator approved it (ISO time). */
  approvedAt: string;
}
