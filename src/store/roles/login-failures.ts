/**
 * Failed logins and the locks they lead to (server/auth/lockout.ts decides when to lock).
 * Subjects are 'name:<name>' and 'address:<address>'.
 */

export interface LoginFailure {
  /** The name as typed (unknown names count like known ones). */
  name: string;
  address: string;
  at: string;
}

/** Whose failures to count: one name's, or one address's. */
export type LoginFailureSubject = { name: string } | { address: string };

/**
 * Counting failures and keeping locks.
 * @example if ((await store.countLoginFailures({ name }, since)) >= 5) await store.lockLogin(`name:${name}`, until)
 */
export interface LoginFailureStore {
  /** Note a failure. Failures (and locks) that ended more than a day before it may be forgotten. */
  recordLoginFailure(failure: LoginFailure): Promise<void>;
  /** Failures for a name, or from an address, at or after `since`. */
  countLoginFailures(subject: LoginFailureSubject, since: string): Promise<number>;
  /** Lock a subject until a time; an earlier end never shortens an existing lock. */
  lockLogin(subject: string, until: string): Promise<void>;
  /** The latest lock end among the subjects that is after `now`, if any. */
  loginLockedUntil(subjects: readonly string[], now: string): Promise<string | undefined>;
  /** Forget a name's failures and its lock (after a successful login, or `users unlock`). */
  clearLoginFailures(name: string): Promise<void>;
}
