/**
 * What secure gateways (`opennotice gateway` on a home or office edge router) report back:
 * per time window, how much traffic to each approved C&C endpoint they dropped and what each
 * quarantined device tried. The operator and the ISP read them to see that blocking works.
 */

/** Traffic a gateway dropped towards one blocklist entry. */
export interface GatewayBlockedCount {
  /** The indicator as the gateway's rules name it: "203.0.113.5/32", "203.0.113.0/24", "203.0.113.5/32 port 8080" or "203.0.113.5/32 udp port 6881". */
  indicator: string;
  packets: number;
  bytes: number;
}

/** What one quarantined device did in the window. */
export interface GatewayQuarantineCount {
  ip: string;
  /** Packets the quarantine dropped (everything that was not DNS, the update path or the notice page). */
  droppedPackets: number;
  /** Walled-garden pages served to it. */
  pagesServed: number;
}

/** One report as stored: who sent it (the token's user and ISP) and what it says. */
export interface GatewayReport {
  /** When the server received it (ISO-8601). */
  receivedAt: string;
  /** The ISP whose token sent it. */
  ispId: string;
  userId: number;
  userName: string;
  /** The name the gateway gave itself (`--name`), for telling several gateways of one ISP apart. */
  gateway: string;
  windowStart: string;
  windowEnd: string;
  /** The policy version the gateway enforced in the window. */
  policyVersion: string;
  blocked: GatewayBlockedCount[];
  quarantined: GatewayQuarantineCount[];
}

export interface GatewayReportRow extends GatewayReport {
  id: number;
}

/** Reports newest first (keyset: ids below `beforeId`), optionally of one ISP. */
export interface GatewayReportQuery {
  ispId?: string;
  beforeId?: number;
  limit: number;
}

/**
 * @example
 * const id = await store.recordGatewayReport({ receivedAt, ispId: 'sakura', userId: 4, userName: 'gw@sakura', gateway: 'office-1', windowStart, windowEnd, policyVersion: 'c3…', blocked: [], quarantined: [] })
 * const latest = await store.listGatewayReports({ limit: 20 })
 */
export interface GatewayReportStore {
  /** Store one report; returns its id. */
  recordGatewayReport(report: GatewayReport): Promise<number>;
  /** Stored reports, newest first. */
  listGatewayReports(query: GatewayReportQuery): Promise<GatewayReportRow[]>;
}
