/**
 * The credential audit log: every login attempt a survey made, under the run (and so the
 * approved plan) it was made for. Append-only.
 */
import type { CredentialAttempt } from '../../core/records.ts';
import type { PlanReference } from './runs.ts';

/** An audit-log row: one credential attempt and the plan it was made under. */
export interface AttemptRow extends CredentialAttempt {
  id: number;
  runId: number;
  plan?: PlanReference;
}

/** A page of a run's attempts: after the attempt with id `afterId`, at most `limit`. */
export interface AttemptPage {
  afterId: number;
  limit: number;
}

/**
 * Appending to and reading the credential audit log.
 * @example
 * await store.recordAttempts(runId, attempts)
 * const audited = await store.listAttempts(runId) // each with the run's plan
 */
export interface CredentialAuditStore {
  /** Append to the log of the run (and so of its plan). Fails (STORE_FAILED) for an unknown run. */
  recordAttempts(runId: number, attempts: readonly CredentialAttempt[]): Promise<void>;
  /**
   * The run's attempts in the order they were recorded, each with the run's plan (absent for a
   * run without one). With `page`: only those with id > afterId, at most `limit` (a run of
   * millions of attempts is read a page at a time).
   */
  listAttempts(runId: number, page?: AttemptPage): Promise<AttemptRow[]>;
}
