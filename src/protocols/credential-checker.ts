/**
 * The contract of a protocol's login checker. It lives beside the protocol (each protocol
 * folder has a credentials.ts when it has a login); the dictionary, its order and the
 * attempt log it uses are in assess/credentials/.
 */
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import type { CredentialAttempt, GrabResult, GrabStatus, ServiceObservation } from '../core/records.ts';
import type { GrabContext } from './grab.ts';
import type { LoginPace, LoginTiming } from './login-pacing.ts';

/** A grabbed service as a checker of protocol result R receives it. */
export type ObservedService<R extends GrabResult = GrabResult> = Omit<ServiceObservation, 'result'> & { result: Partial<R> };

export interface CredentialCheckOutcome {
  status: GrabStatus;
  /** The entry that was accepted, if any. */
  accepted?: DictionaryEntry;
  /** The service gave a shell/admin access without asking for any credential. */
  noAuthentication?: boolean;
  attempts: number;
  /** Connections, tries per connection, retries and backoffs (checkers that pace themselves report it). */
  pace?: LoginPace;
  /** Non-secret evidence: prompt text seen, what marked success, … */
  evidence: Record<string, unknown>;
  error?: string;
}

/** Caps, timing and the audit sink of one check. */
export interface CredentialCheckLimits {
  maxAttempts: number;
  audit: (attempt: CredentialAttempt) => void;
  /** Answer wait, connection lifetime and backoff; `defaultLoginTiming` when absent. */
  timing?: LoginTiming;
}

/**
 * Tries dictionary entries against one login service. Rules every checker keeps:
 * stop at the first success, disconnect right after it, never send a command,
 * never exceed `maxAttempts`, report every attempt to `audit`; make several tries per
 * connection where the protocol allows it, wait for answers as long as `timing` says,
 * try an unanswered entry once more on a new connection, back off from a busy device.
 */
export interface CredentialChecker<R extends GrabResult = GrabResult> {
  /** Whether the grabbed service offers a login this checker knows how to try. */
  appliesTo(service: ObservedService<R>): boolean;
  /**
   * The outcome the grab alone already proves, with no traffic and no try: a broker that let the
   * grab's anonymous CONNECT in, a stream described without credentials, a debug bridge that
   * answered CNXN. The survey takes it even when the host's try budget is spent, because it
   * costs nothing; undefined when only trying pairs can tell.
   */
  concludeFromGrab?(service: ObservedService<R>): CredentialCheckOutcome | undefined;
  check(ctx: GrabContext, service: ObservedService<R>, entries: readonly DictionaryEntry[], limits: CredentialCheckLimits): Promise<CredentialCheckOutcome>;
}
