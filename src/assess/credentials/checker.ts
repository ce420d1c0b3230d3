import type { CredentialAttempt, GrabStatus, ServiceObservation } from '../../core/records.ts';
import type { GrabContext } from '../../protocols/grab.ts';

/** One pair of the shipped (or operator's) dictionary. */
export interface DictionaryEntry {
  /** Stable id used in findings and reports instead of the password, e.g. "mirai-017". */
  id: string;
  username: string;
  /** Empty string means "no password". */
  password: string;
  /** Vendors whose factory default this is (lower-case), used to try likely pairs first. */
  vendors: string[];
  /** Protocols the pair is known on; empty means any. */
  protocols: string[];
  /** Why the pair is allowed in the dictionary (policy category). */
  reason: 'factory-default' | 'botnet-dictionary' | 'trivial';
}

export interface CredentialCheckOutcome {
  status: GrabStatus;
  /** The entry that was accepted, if any. */
  accepted?: DictionaryEntry;
  /** The service gave a shell/admin access without asking for any credential. */
  noAuthentication?: boolean;
  attempts: number;
  /** Non-secret evidence: prompt text seen, what marked success, … */
  evidence: Record<string, unknown>;
  error?: string;
}

/**
 * Tries dictionary entries against one login service. Rules every checker keeps:
 * stop at the first success, disconnect right after it, never send a command,
 * never exceed `maxAttempts`, report every attempt to `audit`.
 */
export interface CredentialChecker {
  protocol: string;
  /** Whether the grabbed service offers a login this checker knows how to try. */
  appliesTo(service: ServiceObservation): boolean;
  check(
    ctx: GrabContext,
    service: ServiceObservation,
    entries: readonly DictionaryEntry[],
    options: { maxAttempts: number; audit: (attempt: CredentialAttempt) => void },
  ): Promise<CredentialCheckOutcome>;
}

export function defineCredentialChecker(checker: CredentialChecker): CredentialChecker {
  return checker;
}
