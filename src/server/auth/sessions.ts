/**
 * Browser sessions. The cookie carries 32 random bytes; the store keeps only their SHA-256,
 * the user, the session's CSRF token and two times. A session ends after 30 idle minutes or
 * 12 hours in all, whichever comes first, and at logout; every login starts a new one.
 */
import type { WebSessionStore } from '../../store/roles/web-sessions.ts';
import type { WebUserRow } from '../../store/roles/web-users.ts';
import type { Principal } from '../route-types.ts';
import { principalOf } from './principal.ts';
import { randomSecret, sha256Hex } from './secrets.ts';

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

export const defaultSessionPolicy: SessionPolicy = { idleMinutes: 30, absoluteHours: 12 };

/** Last-seen times are written at most this often, so busy sessions do not write on every request. */
const touchIntervalMs = 60_000;

const cookieValuePattern = /^[A-Za-z0-9_-]{43}$/;

export interface ActiveSession {
  principal: Principal;
  csrfToken: string;
}

export interface SessionManager {
  /** A new session for the user; returns the cookie value (shown to nobody else) and its CSRF token. */
  start(user: WebUserRow): Promise<{ cookieValue: string; csrfToken: string }>;
  /** The live session behind a cookie value; an expired one is deleted and gives undefined. */
  resolve(cookieValue: string | undefined): Promise<ActiveSession | undefined>;
  end(cookieValue: string | undefined): Promise<void>;
}

/**
 * @example const sessions = createSessionManager({ store, now: () => new Date() }); const { cookieValue } = await sessions.start(user)
 */
export function createSessionManager(options: { store: WebSessionStore; now(): Date; policy?: SessionPolicy }): SessionManager {
  const { store, now } = options;
  const policy = options.policy ?? defaultSessionPolicy;
  const idleMs = policy.idleMinutes * 60_000;
  const absoluteMs = policy.absoluteHours * 3_600_000;
  return {
    async start(user) {
      const at = now();
      // Logins are rare next to requests: a good moment to drop what has expired.
      await store.deleteExpiredWebSessions({
        idleBefore: new Date(at.getTime() - idleMs).toISOString(),
        createdBefore: new Date(at.getTime() - absoluteMs).toISOString(),
      });
      const cookieValue = randomSecret();
      const csrfToken = randomSecret();
      await store.createWebSession({ idHash: sha256Hex(cookieValue), userId: user.id, csrfToken, createdAt: at.toISOString(), lastSeenAt: at.toISOString() });
      return { cookieValue, csrfToken };
    },
    async resolve(cookieValue) {
      if (cookieValue === undefined || !cookieValuePattern.test(cookieValue)) return undefined;
      const idHash = sha256Hex(cookieValue);
      const session = await store.findWebSession(idHash);
      if (!session) return undefined;
      const at = now().getTime();
      const lastSeen = Date.parse(session.lastSeenAt);
      if (at - lastSeen > idleMs || at - Date.parse(session.createdAt) > absoluteMs) {
        await store.deleteWebSession(idHash);
        return undefined;
      }
      if (at - lastSeen > touchIntervalMs) await store.touchWebSession(idHash, new Date(at).toISOString());
      return { principal: principalOf(session.user, 'session'), csrfToken: session.csrfToken };
    },
    async end(cookieValue) {
      if (cookieValue !== undefined && cookieValuePattern.test(cookieValue)) await store.deleteWebSession(sha256Hex(cookieValue));
    },
  };
}
