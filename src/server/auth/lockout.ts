/**
 * Lock-out after repeated failed logins: 5 failures for a name within 15 minutes lock that
 * name for 15 minutes, and 20 failures from one address lock the address. Names are
 * counted whether or not such a user exists, so a lock says nothing about existence;
 * while locked, no password is checked at all.
 */
import type { LoginFailureStore } from '../../store/roles/login-failures.ts';

export interface LockoutPolicy {
  /** Failures for one name within the window that lock the name. */
  nameFailures: number;
  /** Failures from one address within the window that lock the address. */
  addressFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export const defaultLockoutPolicy: LockoutPolicy = { nameFailures: 5, addressFailures: 20, windowMinutes: 15, lockMinutes: 15 };

export interface LoginGuard {
  /** When the name or the address is locked: until when (ISO-8601). */
  lockedUntil(name: string, address: string): Promise<string | undefined>;
  recordFailure(name: string, address: string): Promise<void>;
  recordSuccess(name: string): Promise<void>;
}

const nameSubject = (name: string) => `name:${name}`;
const addressSubject = (address: string) => `address:${address}`;

/**
 * @example const guard = createLoginGuard({ store, now: () => new Date() }); if (await guard.lockedUntil(name, ip)) …
 */
export function createLoginGuard(options: { store: LoginFailureStore; now(): Date; policy?: LockoutPolicy }): LoginGuard {
  const { store, now } = options;
  const policy = options.policy ?? defaultLockoutPolicy;
  return {
    lockedUntil: (name, address) => store.loginLockedUntil([nameSubject(name), addressSubject(address)], now().toISOString()),
    async recordFailure(name, address) {
      const at = now();
      await store.recordLoginFailure({ name, address, at: at.toISOString() });
      const since = new Date(at.getTime() - policy.windowMinutes * 60_000).toISOString();
      const until = new Date(at.getTime() + policy.lockMinutes * 60_000).toISOString();
      if ((await store.countLoginFailures({ name }, since)) >= policy.nameFailures) await store.lockLogin(nameSubject(name), until);
      if ((await store.countLoginFailures({ address }, since)) >= policy.addressFailures) await store.lockLogin(addressSubject(address), until);
    },
    recordSuccess: (name) => store.clearLoginFailures(name),
  };
}
