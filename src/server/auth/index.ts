/**
 * The server's authentication, assembled from its parts: password verification with a
 * decoy for unknown names, lock-out, sessions, API tokens and the anonymous CSRF signer.
 * One instance per app; nothing here is shared between apps.
 */
import type { LoginFailureStore } from '../../store/roles/login-failures.ts';
import type { WebSessionStore } from '../../store/roles/web-sessions.ts';
import type { WebUserRow, WebUserStore } from '../../store/roles/web-users.ts';
import { createCsrfSigner, type CsrfSigner } from './csrf.ts';
import { createLoginGuard, type LockoutPolicy, type LoginGuard } from './lockout.ts';
import { createPasswordVerifier, defaultScryptCost, type ScryptCost } from './password.ts';
import { createSessionManager, type SessionManager, type SessionPolicy } from './sessions.ts';

export interface AuthOptions {
  /**
   * Key of the anonymous CSRF cookies' signatures. Default: random per app, which is right
   * for one process; several processes behind one address must share one.
   */
  secret?: string | Uint8Array;
  /** Cost of the decoy hash for unknown names; match the cost users' hashes were made with. */
  passwordCost?: ScryptCost;
  sessions?: SessionPolicy;
  lockout?: LockoutPolicy;
}

/** The store roles logging in uses: users, their sessions, and failed logins. */
export type AuthStore = WebUserStore & WebSessionStore & LoginFailureStore;

export type LoginOutcome = { ok: true; user: WebUserRow } | { ok: false };

export interface Auth {
  sessions: SessionManager;
  guard: LoginGuard;
  csrf: CsrfSigner;
  /**
   * Check a name and password from an address. Failure is one outcome whatever the reason
   * (unknown name, wrong password, locked), so the caller cannot tell them apart either.
   */
  login(name: string, password: string, address: string): Promise<LoginOutcome>;
}

/**
 * @example const auth = createAuth({ store, now: () => new Date() }); const outcome = await auth.login(name, password, ip)
 */
export function createAuth(options: { store: AuthStore; now(): Date } & AuthOptions): Auth {
  const { store, now } = options;
  const passwords = createPasswordVerifier(options.passwordCost ?? defaultScryptCost);
  const guard = createLoginGuard({ store, now, policy: options.lockout });
  return {
    sessions: createSessionManager({ store, now, policy: options.sessions }),
    guard,
    csrf: createCsrfSigner(options.secret),
    async login(name, password, address) {
      if (!(await guard.mayTry(name, address))) return { ok: false };
      const user = await store.findWebUser(name);
      const matches = await passwords.verify(password, user?.passwordHash);
      if (!user || !matches) {
        await guard.recordFailure(name, address);
        return { ok: false };
      }
      await guard.recordSuccess(name, address);
      return { ok: true, user };
    },
  };
}
