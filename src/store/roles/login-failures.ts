/**
 * Failed logins and the locks they lead to (server/auth/lockout.ts decides when to lock).
 * Lock subjects are 'name:<name>' and 'address:<address>'. Addresses a user logged in from
 * ("known addresses", which pass a name's lock) are kept in the same subject-and-end-time table
 * as 'known:<address> <name>' (an address holds no space), so they need no table of their own.
 */

export interface LoginFailure {
  /** The name as typed (unknown names count like known ones). */
  name: string;
  address: string;
  at: string;
}

/** Whose failures to count: one name's, one address's, or one name's from one address. */
export type LoginFailureSubject = { name: string } | { address: string } | { name: string; address: string };

/** A successful login's address: it stays known for the name until `until`. */
export interface KnownLoginAddress {
  name: string;
  address: string;
  until: string;
}

/**
 * The row subject of a known address (the address first: it holds no space, so the split is unambiguous).
 * @example knownAddressSubject('ops', '192.0.2.7') // 'known:192.0.2.7 ops'
 */
export function knownAddressSubject(name: string, address: string): string {
  return `known:${address} ${name}`;
}

/**
 * Counting failures and keeping locks.
 * @example if ((await store.countLoginFailures({ name }, since)) >= 5) await store.lockLogin(`name:${name}`, until)
 */
export interface LoginFailureStore {
  /** Note a failure. Failures (and locks) that ended more than a day before it may be forgotten. */
  recordLoginFailure(failure: LoginFailure): Promise<void>;
  /** Failures for a name, from an address, or for a name from an address, at or after `since`. */
  countLoginFailures(subject: LoginFailureSubject, since: string): Promise<number>;
  /** Lock a subject until a time; an earlier end never shortens an existing lock. */
  lockLogin(subject: string, until: string): Promise<void>;
  /** The latest lock end among the subjects that is after `now`, if any. */
  loginLockedUntil(subjects: readonly string[], now: string): Promise<string | undefined>;
  /** Forget a name's failures and its lock (after a successful login, or `users unlock`); its known addresses stay. */
  clearLoginFailures(name: string): Promise<void>;
  /** Note that an address logged in as a name; a later end extends the pass, an earlier one never shortens it. */
  rememberLoginAddress(known: KnownLoginAddress): Promise<void>;
  /** Whether the address logged in as the name and the pass has not ended at `now`. */
  isKnownLoginAddress(name: string, address: string, now: string): Promise<boolean>;
}
