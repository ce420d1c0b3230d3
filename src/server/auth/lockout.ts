/**
 * Lock-out after repeated failed logins, built so that an outsider cannot lock the real user
 * out (a lock on the bare name, as before, let anyone pause `operator` forever with five
 * wrong passwords):
 *
 * - 5 failures for one name from one address within 15 minutes stop *that address* trying that
 *   name for 15 minutes; the user at any other address is not affected;
 * - 20 failures from one address, whatever the names, lock the address;
 * - 100 failures for one name from all addresses together (distributed guessing; the ceiling
 *   NIST SP 800-63B sets) lock the name, except from an address the user logged in from in
 *   the last 30 days: there the right password still passes.
 *
 * An IPv6 address counts as its /64, which one subscriber gets whole, so a guesser cannot take
 * a fresh budget from each of its 2^64 addresses. Names are counted whether or not such a user
 * exists, so a lock says nothing about existence; while refused, no password is checked.
 */
import { canonicalAddress } from '../../scope/canonical-address.ts';
import { formatIPv6, parseIPv6 } from '../../scope/ipv6.ts';
import type { LoginFailureStore } from '../../store/roles/login-failures.ts';

export interface LockoutPolicy {
  /** Failures for one name from one address within the window that stop that address trying the name. */
  nameFromAddressFailures: number;
  /** Failures from one address within the window that lock the address for every name. */
  addressFailures: number;
  /** Failures for one name from all addresses within the window that lock the name, except from its known addresses. */
  nameFailures: number;
  windowMinutes: number;
  lockMinutes: number;
  /** How long an address stays known after a successful login from it. */
  knownAddressDays: number;
}

export const defaultLockoutPolicy: LockoutPolicy = {
  nameFromAddressFailures: 5,
  addressFailures: 20,
  nameFailures: 100,
  windowMinutes: 15,
  lockMinutes: 15,
  knownAddressDays: 30,
};

export interface LoginGuard {
  /** Whether a password for the name from the address may be checked now. */
  mayTry(name: string, address: string): Promise<boolean>;
  recordFailure(name: string, address: string): Promise<void>;
  /** Clears the name's failures and remembers the address as known for it. */
  recordSuccess(name: string, address: string): Promise<void>;
}

const nameSubject = (name: string) => `name:${name}`;
const addressSubject = (address: string) => `address:${address}`;

/**
 * The address as the lock-out counts it: IPv4 as is, IPv6 as its /64.
 * @example lockoutAddress('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function lockoutAddress(address: string): string {
  const canonical = canonicalAddress(address) ?? address;
  const value = canonical.includes(':') ? parseIPv6(canonical) : undefined;
  return value === undefined ? canonical : `${formatIPv6((value >> 64n) << 64n)}/64`;
}

/**
 * @example const guard = createLoginGuard({ store, now: () => new Date() }); if (await guard.mayTry(name, ip)) …
 */
export function createLoginGuard(options: { store: LoginFailureStore; now(): Date; policy?: LockoutPolicy }): LoginGuard {
  const { store, now } = options;
  const policy = options.policy ?? defaultLockoutPolicy;
  const windowStart = (at: Date) => new Date(at.getTime() - policy.windowMinutes * 60_000).toISOString();
  return {
    async mayTry(name, rawAddress) {
      const address = lockoutAddress(rawAddress);
      const at = now();
      if (await store.loginLockedUntil([addressSubject(address)], at.toISOString())) return false;
      // The pair is refused while the window still holds its failures: no lock row, so a success
      // or `users unlock` (which forget the name's failures) lifts it too.
      if ((await store.countLoginFailures({ name, address }, windowStart(at))) >= policy.nameFromAddressFailures) return false;
      if (!(await store.loginLockedUntil([nameSubject(name)], at.toISOString()))) return true;
      return store.isKnownLoginAddress(name, address, at.toISOString());
    },
    async recordFailure(name, rawAddress) {
      const address = lockoutAddress(rawAddress);
      const at = now();
      await store.recordLoginFailure({ name, address, at: at.toISOString() });
      const since = windowStart(at);
      const until = new Date(at.getTime() + policy.lockMinutes * 60_000).toISOString();
      if ((await store.countLoginFailures({ name }, since)) >= policy.nameFailures) await store.lockLogin(nameSubject(name), until);
      if ((await store.countLoginFailures({ address }, since)) >= policy.addressFailures) await store.lockLogin(addressSubject(address), until);
    },
    async recordSuccess(name, rawAddress) {
      await store.clearLoginFailures(name);
      const until = new Date(now().getTime() + policy.knownAddressDays * 86_400_000).toISOString();
      await store.rememberLoginAddress({ name, address: lockoutAddress(rawAddress), until });
    },
  };
}
