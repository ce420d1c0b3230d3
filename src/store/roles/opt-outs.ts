/**
 * Opt-out requests: network owners ask, through the public form, that their ranges are never
 * surveyed; the operator approves or rejects each request, and approved ranges become survey
 * exclusions (`opennotice survey` adds them; `opennotice optouts export` writes them as a list).
 */

export type OptOutStatus = 'pending' | 'approved' | 'rejected';

export interface OptOutRequestInput {
  /** Normalised IPv4 or IPv6 CIDRs ("a.b.c.d/n", "2001:db8::/48"), validated before they reach the store. */
  cidrs: string[];
  /** The requester's e-mail address, for the operator's questions. */
  contact: string;
  reason: string;
  requestedAt: string;
  /** The address the request came from (the connection's peer), kept for abuse handling. */
  requesterAddress: string;
}

export interface OptOutRequestRow extends OptOutRequestInput {
  id: number;
  status: OptOutStatus;
  decidedAt?: string;
  /** Who approved or rejected it (operator name). */
  decidedBy?: string;
}

export interface OptOutDecision {
  status: Exclude<OptOutStatus, 'pending'>;
  at: string;
  by: string;
}

export interface OptOutFilter {
  status?: OptOutStatus;
  /** At most this many (1–10000; default 10000). */
  limit?: number;
}

/**
 * The opt-out queue.
 * @example
 * const id = await store.createOptOutRequest({ cidrs: ['192.0.2.0/24'], contact, reason, requestedAt, requesterAddress })
 * await store.decideOptOutRequest(id, { status: 'approved', at: new Date().toISOString(), by: 'ops' })
 */
export interface OptOutStore {
  /** Store a new pending request; returns its id. */
  createOptOutRequest(request: OptOutRequestInput): Promise<number>;
  /** Requests, newest first. */
  listOptOutRequests(filter?: OptOutFilter): Promise<OptOutRequestRow[]>;
  getOptOutRequest(id: number): Promise<OptOutRequestRow | undefined>;
  /**
   * Approve or reject a pending request. Returns the updated row, or undefined when there is
   * no such request; a request already decided is left as it was (and returned unchanged), so
   * two operators deciding at once cannot flip each other's decision.
   */
  decideOptOutRequest(id: number, decision: OptOutDecision): Promise<OptOutRequestRow | undefined>;
}
