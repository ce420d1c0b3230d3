/**
 * Browser sessions of the web server. The store keeps the SHA-256 of the cookie value, never
 * the value itself.
 */
import type { WebUserRow } from './web-users.ts';

export interface WebSessionInput {
  /** SHA-256 (hex) of the cookie value. */
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
}

/** A session with its user, as the server resolves it on every request. */
export interface WebSessionRow extends WebSessionInput {
  user: WebUserRow;
}

/** Sessions idle since before `idleBefore`, or created before `createdBefore`, are expired. */
export interface SessionExpiry {
  idleBefore: string;
  createdBefore: string;
}

/**
 * Starting, resolving, refreshing and ending sessions.
 * @example const session = await store.findWebSession(sha256Hex(cookieValue)) // with session.user
 */
export interface WebSessionStore {
  createWebSession(session: WebSessionInput): Promise<void>;
  findWebSession(idHash: string): Promise<WebSessionRow | undefined>;
  /** Note activity: the session's lastSeenAt becomes `lastSeenAt`. */
  touchWebSession(idHash: string, lastSeenAt: string): Promise<void>;
  deleteWebSession(idHash: string): Promise<void>;
  /** Delete expired sessions; returns how many. */
  deleteExpiredWebSessions(expiry: SessionExpiry): Promise<number>;
}
