/**
 * The outbox: report deliveries queued with their report (reports.ts) and worked off by the
 * delivery loop (notify/outbox.ts), which claims the due ones and settles each attempt.
 */
import type { OutboxEntryInput } from './reports.ts';

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxRow extends OutboxEntryInput {
  id: number;
  reportId: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt?: string;
  lastError?: string;
  deliveredAt?: string;
  detail?: string;
}

/** The outcome of one delivery attempt. */
export interface OutboxSettlement {
  id: number;
  at: string;
  status: OutboxStatus;
  /** For a retry: when to try again (unchanged when absent). */
  nextAttemptAt?: string;
  /** The attempt's error; absent clears the previous one. */
  error?: string;
  /** What the receiver said (e.g. "250 queued"); absent keeps the previous detail. */
  detail?: string;
}

/**
 * Claiming due deliveries and recording their outcomes.
 * @example
 * for (const entry of await store.dueOutbox(now, 50)) await store.settleOutbox({ id: entry.id, at: now, status: 'delivered' })
 */
export interface OutboxStore {
  /** Pending entries due at `now` (nextAttemptAt ≤ now), soonest due first, at most `limit`. */
  dueOutbox(now: string, limit: number): Promise<OutboxRow[]>;
  /** Entries by id, optionally of one status. */
  listOutbox(filter?: { status?: OutboxStatus }): Promise<OutboxRow[]>;
  /** Record one attempt: attempts + 1, last attempt time, status; deliveredAt when delivered. */
  settleOutbox(settlement: OutboxSettlement): Promise<void>;
}
