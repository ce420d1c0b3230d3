/**
 * Web accounts in SQLite: users, sessions, API tokens, failed logins and login locks, one
 * role each. Only hashes of secrets are stored.
 */
import type { ApiTokenRow, ApiTokenStore } from '../roles/api-tokens.ts';
import { knownAddressSubject, type LoginFailureStore } from '../roles/login-failures.ts';
import type { WebSessionRow, WebSessionStore } from '../roles/web-sessions.ts';
import type { WebUserRow, WebUserStore } from '../roles/web-users.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

const userColumns = 'u.id, u.name, u.role, u.isp_id AS ispId, u.password_hash AS passwordHash, u.created_at AS createdAt';
const tokenColumns = `t.id, t.user_id AS userId, u.name AS userName, t.label, t.created_at AS createdAt,
  t.last_used_at AS lastUsedAt, t.revoked_at AS revokedAt`;

/** Splits a joined row whose user columns carry the prefix `user_`. */
function withUser<T>(row: SqlRow): { rest: T; user: WebUserRow } {
  const rest: SqlRow = {};
  const user: SqlRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('user_')) user[key.slice(5)] = value;
    else rest[key] = value;
  }
  return { rest: toRecord<T>(rest), user: toRecord<WebUserRow>(user) };
}

const prefixedUserColumns = `u.id AS user_id, u.name AS user_name, u.role AS user_role, u.isp_id AS user_ispId,
  u.password_hash AS user_passwordHash, u.created_at AS user_createdAt`;

/** @example const id = await sqliteWebUserStore(context).createWebUser({ name: 'ops', role: 'operator', passwordHash, createdAt }) */
export function sqliteWebUserStore({ db, use }: SqliteContext): WebUserStore {
  return {
    createWebUser: (user) =>
      use('createWebUser', () =>
        Number(
          db
            .prepare('INSERT INTO web_users (name, role, isp_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?)')
            .run(user.name, user.role, user.ispId ?? null, user.passwordHash, user.createdAt).lastInsertRowid,
        ),
      ),

    findWebUser: (name) =>
      use('findWebUser', () => {
        const row = db.prepare(`SELECT ${userColumns} FROM web_users u WHERE u.name = ?`).get(name) as SqlRow | undefined;
        return row ? toRecord<WebUserRow>(row) : undefined;
      }),

    listWebUsers: () =>
      use('listWebUsers', () =>
        (db.prepare(`SELECT ${userColumns} FROM web_users u ORDER BY u.name`).all() as SqlRow[]).map((row) => toRecord<WebUserRow>(row)),
      ),
  };
}

/** @example const session = await sqliteWebSessionStore(context).findWebSession(idHash) */
export function sqliteWebSessionStore({ db, use }: SqliteContext): WebSessionStore {
  return {
    createWebSession: (session) =>
      use('createWebSession', () => {
        db.prepare('INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)').run(
          session.idHash,
          session.userId,
          session.csrfToken,
          session.createdAt,
          session.lastSeenAt,
        );
      }),

    findWebSession: (idHash) =>
      use('findWebSession', () => {
        const row = db
          .prepare(`SELECT s.id_hash AS idHash, s.user_id AS userId, s.csrf_token AS csrfToken, s.created_at AS createdAt,
            s.last_seen_at AS lastSeenAt, ${prefixedUserColumns}
          FROM web_sessions s JOIN web_users u ON u.id = s.user_id WHERE s.id_hash = ?`)
          .get(idHash) as SqlRow | undefined;
        if (!row) return undefined;
        const { rest, user } = withUser<Omit<WebSessionRow, 'user'>>(row);
        return { ...rest, user };
      }),

    touchWebSession: (idHash, lastSeenAt) =>
      use('touchWebSession', () => {
        db.prepare('UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?').run(lastSeenAt, idHash);
      }),

    deleteWebSession: (idHash) =>
      use('deleteWebSession', () => {
        db.prepare('DELETE FROM web_sessions WHERE id_hash = ?').run(idHash);
      }),

    deleteExpiredWebSessions: ({ idleBefore, createdBefore }) =>
      use('deleteExpiredWebSessions', () =>
        Number(db.prepare('DELETE FROM web_sessions WHERE last_seen_at < ? OR created_at < ?').run(idleBefore, createdBefore).changes),
      ),
  };
}

/** @example const found = await sqliteApiTokenStore(context).findApiToken(tokenHash) */
export function sqliteApiTokenStore({ db, use }: SqliteContext): ApiTokenStore {
  return {
    createApiToken: (token) =>
      use('createApiToken', () =>
        Number(
          db
            .prepare('INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)')
            .run(token.userId, token.tokenHash, token.label, token.createdAt).lastInsertRowid,
        ),
      ),

    findApiToken: (tokenHash) =>
      use('findApiToken', () => {
        const row = db
          .prepare(`SELECT ${tokenColumns}, ${prefixedUserColumns}
          FROM api_tokens t JOIN web_users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`)
          .get(tokenHash) as SqlRow | undefined;
        if (!row) return undefined;
        const { rest, user } = withUser<ApiTokenRow>(row);
        return { token: rest, user };
      }),

    listApiTokens: (filter = {}) =>
      use('listApiTokens', () => {
        const where = filter.userId !== undefined ? 'WHERE t.user_id = ?' : '';
        const rows = db
          .prepare(`SELECT ${tokenColumns} FROM api_tokens t JOIN web_users u ON u.id = t.user_id ${where} ORDER BY t.id`)
          .all(...(filter.userId !== undefined ? [filter.userId] : [])) as SqlRow[];
        return rows.map((row) => toRecord<ApiTokenRow>(row));
      }),

    touchApiToken: (id, lastUsedAt) =>
      use('touchApiToken', () => {
        db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(lastUsedAt, id);
      }),

    revokeApiToken: (id, at, filter = {}) =>
      use('revokeApiToken', () => {
        const result =
          filter.userId !== undefined
            ? db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL').run(at, id, filter.userId)
            : db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
        return result.changes > 0;
      }),
  };
}

/** @example await sqliteLoginFailureStore(context).loginLockedUntil(['name:alice'], now) */
export function sqliteLoginFailureStore({ db, use }: SqliteContext): LoginFailureStore {
  return {
    recordLoginFailure: (failure) =>
      use('recordLoginFailure', () => {
        db.prepare('INSERT INTO login_failures (name, address, at) VALUES (?, ?, ?)').run(failure.name, failure.address, failure.at);
        // Failures older than a day decide nothing any more; dropping them keeps the table small.
        const dayBefore = new Date(Date.parse(failure.at) - 86_400_000).toISOString();
        db.prepare('DELETE FROM login_failures WHERE at < ?').run(dayBefore);
        db.prepare('DELETE FROM login_locks WHERE locked_until < ?').run(dayBefore);
      }),

    countLoginFailures: (subject, since) =>
      use('countLoginFailures', () => {
        const row =
          'name' in subject && 'address' in subject
            ? db.prepare('SELECT count(*) AS n FROM login_failures WHERE name = ? AND address = ? AND at >= ?').get(subject.name, subject.address, since)
            : 'name' in subject
              ? db.prepare('SELECT count(*) AS n FROM login_failures WHERE name = ? AND at >= ?').get(subject.name, since)
              : db.prepare('SELECT count(*) AS n FROM login_failures WHERE address = ? AND at >= ?').get(subject.address, since);
        return Number((row as { n: number }).n);
      }),

    lockLogin: (subject, until) =>
      use('lockLogin', () => {
        db.prepare(
          'INSERT INTO login_locks (subject, locked_until) VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET locked_until = max(locked_until, excluded.locked_until)',
        ).run(subject, until);
      }),

    loginLockedUntil: (subjects, now) =>
      use('loginLockedUntil', () => {
        if (subjects.length === 0) return undefined;
        const row = db
          .prepare(`SELECT max(locked_until) AS until FROM login_locks WHERE subject IN (${subjects.map(() => '?').join(', ')}) AND locked_until > ?`)
          .get(...subjects, now) as { until: string | null };
        return row.until ?? undefined;
      }),

    clearLoginFailures: (name) =>
      use('clearLoginFailures', () => {
        db.prepare('DELETE FROM login_failures WHERE name = ?').run(name);
        db.prepare('DELETE FROM login_locks WHERE subject = ?').run(`name:${name}`);
      }),

    rememberLoginAddress: (known) =>
      use('rememberLoginAddress', () => {
        db.prepare(
          'INSERT INTO login_locks (subject, locked_until) VALUES (?, ?) ON CONFLICT (subject) DO UPDATE SET locked_until = max(locked_until, excluded.locked_until)',
        ).run(knownAddressSubject(known.name, known.address), known.until);
      }),

    isKnownLoginAddress: (name, address, now) =>
      use('isKnownLoginAddress', () => {
        const row = db.prepare('SELECT 1 AS known FROM login_locks WHERE subject = ? AND locked_until > ?').get(knownAddressSubject(name, address), now);
        return row !== undefined;
      }),
  };
}
