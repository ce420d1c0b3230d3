/**
 * C&C candidates and the operator's decision on each, and the known-bad feed entries the
 * detector matches against. Nothing is exported for blocking before an operator approves it:
 * `listApprovedIndicators` is what every blocklist format is written from.
 */
import type { BlockIndicator, BlockProtocol } from '../../blocklist/indicator.ts';
import type { CncCandidate } from '../../cnc/candidate.ts';
import type { CncFeedEntry } from '../../cnc/feed-entry.ts';

export type CncCandidateStatus = 'pending' | 'approved' | 'rejected';

export interface CncCandidateRow extends CncCandidate {
  id: number;
  status: CncCandidateStatus;
  /** When the detector last reported it (ISO-8601). */
  detectedAt: string;
  decidedAt?: string;
  decidedBy?: string;
}

export interface CncCandidateFilter {
  status?: CncCandidateStatus;
}

export interface CncDecision {
  status: 'approved' | 'rejected';
  /** ISO-8601. */
  at: string;
  /** Who decided (login or account name). */
  by: string;
}

/**
 * @example
 * await store.saveCncCandidates(candidates, new Date().toISOString())
 * await store.decideCncCandidate(id, { status: 'approved', at, by: 'operator' })
 * const indicators = await store.listApprovedIndicators()
 */
export interface CncCandidateStore {
  /**
   * Store a detection's candidates. A candidate already stored (same endpoint, port, protocol)
   * gets the new figures and evidence, its first/last seen widened; its status and decision are
   * kept (a rejected endpoint stays rejected when detected again). In one transaction.
   */
  saveCncCandidates(candidates: readonly CncCandidate[], detectedAt: string): Promise<void>;
  /** Candidates, most confident first (then by id). */
  listCncCandidates(filter?: CncCandidateFilter): Promise<CncCandidateRow[]>;
  getCncCandidate(id: number): Promise<CncCandidateRow | undefined>;
  /** Decide a pending candidate; a decided one is left as it is. Returns the row after. */
  decideCncCandidate(id: number, decision: CncDecision): Promise<CncCandidateRow | undefined>;
  /** Approved candidates as blocklist indicators, oldest approval first. */
  listApprovedIndicators(): Promise<BlockIndicator[]>;
  /** Add or refresh feed entries (key: feed, value, port); returns how many were read. */
  recordCncFeedEntries(entries: readonly CncFeedEntry[], importedAt: string): Promise<number>;
  listCncFeedEntries(): Promise<CncFeedEntry[]>;
}

/** IANA protocol numbers a port-limited block can name. */
const blockProtocols: Readonly<Record<number, BlockProtocol>> = { 6: 'tcp', 17: 'udp' };

/**
 * The indicator an approved candidate becomes.
 * @example indicatorOf(row).reason // 'C&C candidate 4: 12 known bots, beacons ~300 s, confidence 0.9'
 */
export function indicatorOf(row: CncCandidateRow): BlockIndicator {
  const parts = [`${row.botsContacting} known bots`];
  if (row.beaconing) parts.push(`beacons ~${row.beaconing.periodSeconds} s`);
  if (row.feedsMatched.length > 0) parts.push(`listed by ${row.feedsMatched.join(', ')}`);
  parts.push(`confidence ${row.confidence}`);
  const protocol = row.port > 0 ? blockProtocols[row.protocol] : undefined;
  return {
    kind: row.endpointKind,
    value: row.endpoint,
    ...(row.port > 0 ? { port: row.port } : {}),
    // The block names the protocol the bots used: a C&C on UDP 6881 is no reason to block TCP 6881.
    ...(protocol ? { protocol } : {}),
    reason: `C&C candidate ${row.id}: ${parts.join(', ')}`,
    approvedAt: row.decidedAt ?? row.detectedAt,
  };
}

/** Feed entries keep "no port" as -1 in the table so the key (feed, value, port) is unique. */
export const noFeedPort = -1;
