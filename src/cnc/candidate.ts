/**
 * A C&C candidate: an external endpoint the analysis of flows suspects, with the figures that
 * made it suspect and the sentence an operator reads before approving it for blocking.
 */

/** Periodic contact from bots to one endpoint. */
export interface Beaconing {
  /** Median interval between contacts, seconds (over the bots that beacon). */
  periodSeconds: number;
  /** 1 for clockwork, 0 for no rhythm: 1 − (median absolute deviation ÷ median interval), median over bots. */
  regularity: number;
  /** Bots whose contacts have that rhythm (at least 4 contacts, regularity ≥ 0.7). */
  beaconingBots: number;
}

export interface CncCandidate {
  endpointKind: 'ip' | 'domain';
  /** Canonical address, or a lower-case domain. */
  endpoint: string;
  /** Destination port; 0 when the protocol has none (ICMP) or a feed names none. */
  port: number;
  /** IANA protocol number (6 TCP, 17 UDP). */
  protocol: number;
  /** Known bots (infected findings, darknet scanners, honeypot bots) that contacted it. */
  botsContacting: number;
  /** Other sources that contacted it. */
  benignContacting: number;
  /** Distinct sources of any kind (bots + others). */
  fanIn: number;
  beaconing?: Beaconing;
  /** ISO-8601 times of the first and last flow. */
  firstSeen: string;
  lastSeen: string;
  /** Feeds that list the endpoint (e.g. 'feodo', 'urlhaus'). */
  feedsMatched: string[];
  /** 0–1: the rules' score (see docs/cnc.md#confidence). */
  confidence: number;
  /** Why, in one or two sentences an operator reads. */
  evidence: string;
}

/** Identifies a candidate: what a block would name. */
export const candidateKey = (candidate: Pick<CncCandidate, 'endpoint' | 'port' | 'protocol'>): string =>
  `${candidate.endpoint}|${candidate.port}|${candidate.protocol}`;
