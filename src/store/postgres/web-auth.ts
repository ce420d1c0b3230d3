/**
 * Web accounts in PostgreSQL: users, sessions, API tokens, failed logins and login locks, one
 * role each. Only hashes of secrets are stored. Every method is one statement (or one
 * transaction), so concurrent requests of the web server never see half a change.
 */
import type { ApiTokenRow, ApiTokenStore } from '../roles/api-tokens.ts';
import { knownAddressSubject, type LoginFailureStore } from '../roles/login-failures.ts';
import type { WebSessionRow, WebSessionStore } from '../roles/web-sessions.ts';
import type { WebUserRow, WebUserStore } from '../roles/web-users.ts';
import { type PgRow, toRecord } from './rows.ts';
import type { PostgresContext } from './database.ts';

const userColumns = 'u.id, u.name, u.role, u.isp_id AS "ispId", u.password_hash AS "passwordHash", u.created_at AS "createdAt"';
const tokenColumns = `t.id, t.user_id AS "userId", u.name AS "userName", t.label, t.created_at AS "createdAt",
  t.last_used_at AS "lastUsedAt", t.revoked_at AS "revokedAt"`;
const prefixedUserColumns = `u.id AS user_id, u.name AS user_name, u.role AS user_role, u.isp_id AS "user_ispId",
  u.password_hash AS "user_passwordHash", u.created_at AS "user_createdAt"`;

/** Splits a joined row whose user columns carry the prefix `user_`. */
function withUser<T>(row: PgRow): { rest: T; user: WebUserRow } {
  const rest: PgRow = {};
  const user: PgRow = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('user_')) user[key.slice(5)] = value;
    else rest[key] = value;
  }
  return { rest: toRecord<T>(rest), user: toRecord<WebUserRow>(user) };
}

/** @example const id = await postgresWebUserStore(context).createWebUser({ name: 'ops', role: 'operator', passwordHash, createdAt }) */
export function postgresWebUserStore({ use }: PostgresContext): WebUserStore {
  return {
    createWebUser: (user) =>
      use('createWebUser', async (db) => {
        const { rows } = await db.query<{ id: number }>(
          'INSERT INTO web_users (name, role, isp_id, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [user.name, user.role, user.ispId ?? null, user.passwordHash, user.createdAt],
        );
        return Number(rows[0]!.id);
      }),

    findWebUser: (name) =>
      use('findWebUser', async (db) => {
        const { rows } = await db.query(`SELECT ${userColumns} FROM web_users u WHERE u.name = $1`, [name]);
        return rows[0] ? toRecord<WebUserRow>(rows[0] as PgRow) : undefined;
      }),

    listWebUsers: () =>
      use('listWebUsers', async (db) => {
        const { rows } = await db.query(`SELECT ${userColumns} FROM web_users u ORDER BY u.name`);
        return rows.map((row) => toRecord<WebUserRow>(row as PgRow));
      }),
  };
}

/** @example const session = await postgresWebSessionStore(context).findWebSession(idHash) */
export function postgresWebSessionStore({ use }: PostgresContext): WebSessionStore {
  return {
    createWebSession: (session) =>
      use('createWebSession', async (db) => {
        await db.query('INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)', [
          session.idHash,
          session.userId,
          session.csrfToken,
          session.createdAt,
          session.lastSeenAt,
        ]);
      }),

    findWebSession: (idHash) =>
      use('findWebSession', async (db) => {
        const { rows } = await db.query(
          `SELECT s.id_hash AS "idHash", s.user_id AS "userId", s.csrf_token AS "csrfToken", s.created_at AS "createdAt",
            s.last_seen_at AS "lastSeenAt", ${prefixedUserColumns}
          FROM web_sessions s JOIN web_users u ON u.id = s.user_id WHERE s.id_hash = $1`,
          [idHash],
        );
        if (!rows[0]) return undefined;
        const { rest, user } = withUser<Omit<WebSessionRow, 'user'>>(rows[0] as PgRow);
        return { ...rest, user };
      }),

    touchWebSession: (idHash, lastSeenAt) =>
      use('touchWebSession', async (db) => {
        await db.query('UPDATE web_sessions SET last_seen_at = $1 WHERE id_hash = $2', [lastSeenAt, idHash]);
      }),

    deleteWebSession: (idHash) =>
      use('deleteWebSession', async (db) => {
        await db.query('DELETE FROM web_sessions WHERE id_hash = $1', [idHash]);
      }),

    deleteExpiredWebSessions: ({ idleBefore, createdBefore }) =>
      use('deleteExpiredWebSessions', async (db) => {
        const result = await db.query('DELETE FROM web_sessions WHERE last_seen_at < $1 OR created_at < $2', [idleBefore, createdBefore]);
        return result.rowCount ?? 0;
      }),
  };
}

/** @example const found = await postgresApiTokenStore(context).findApiToken(tokenHash) */
export function postgresApiTokenStore({ use }: PostgresContext): ApiTokenStore {
  return {
    createApiToken: (token) =>
      use('createApiToken', async (db) => {
        const { rows } = await db.query<{ id: number }>(
          'INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
          [token.userId, token.tokenHash, token.label, token.createdAt],
        );
        return Number(rows[0]!.id);
      }),

    findApiToken: (tokenHash) =>
      use('findApiToken', async (db) => {
        const { rows } = await db.query(
          `SELECT ${tokenColumns}, ${prefixedUserColumns}
          FROM api_tokens t JOIN web_users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
          [tokenHash],
        );
        if (!rows[0]) return undefined;
        const { rest, user } = withUser<ApiTokenRow>(rows[0] as PgRow);
        return { token: rest, user };
      }),

    listApiTokens: (filter = {}) =>
      use('listApiTokens', async (db) => {
        const byUser = filter.userId !== undefined;
        const { rows } = await db.query(
          `SELECT ${tokenColumns} FROM api_tokens t JOIN web_users u ON u.id = t.user_id ${byUser ? 'WHERE t.user_id = $1' : ''} ORDER BY t.id`,
          byUser ? [filter.userId] : [],
        );
        return rows.map((row) => toRecord<ApiTokenRow>(row as PgRow));
      }),

    touchApiToken: (id, lastUsedAt) =>
      use('touchApiToken', async (db) => {
        await db.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [lastUsedAt, id]);
      }),

    revokeApiToken: (id, at, filter = {}) =>
      use('revokeApiToken', async (db) => {
        const result =
          filter.userId !== undefined
            ? await db.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL', [at, id, filter.userId])
            : await db.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
        return (result.rowCount ?? 0) > 0;
      }),
  };
}

/** @example await postgresLoginFailureStore(context).loginLockedUntil(['name:alice'], now) */
export function postgresLoginFailureStore({ use, transaction }: PostgresContext): LoginFailureStore {
  return {
    recordLoginFailure: (failure) =>
      transaction('recordLoginFailure', async (client) => {
        await client.query('INSERT INTO login_failures (name, address, at) VALUES ($1, $2, $3)', [failure.name, failure.address, failure.at]);
        // Failures older than a day decide nothing any more; dropping them keeps the table small.
        const dayBefore = new Date(Date.parse(failure.at) - 86_400_000).toISOString();
        await client.query('DELETE FROM login_failures WHERE at < $1', [dayBefore]);
        await client.query('DELETE FROM login_locks WHERE locked_until < $1', [dayBefore]);
      }),

    countLoginFailures: (subject, since) =>
      use('countLoginFailures', async (db) => {
        const { rows } =
          'name' in subject && 'address' in subject
            ? await db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_failures WHERE name = $1 AND address = $2 AND at >= $3', [
                subject.name,
                subject.address,
                since,
              ])
            : 'name' in subject
              ? await db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_failures WHERE name = $1 AND at >= $2', [subject.name, since])
              : await db.query<{ n: number }>('SELECT count(*)::int AS n FROM login_failures WHERE address = $1 AND at >= $2', [subject.address, since]);
        return rows[0]!.n;
      }),

    lockLogin: (subject, until) =>
      use('lockLogin', async (db) => {
        // GREATEST inside the upsert: two locks written at once still keep the later end.
        await db.query(
          `INSERT INTO login_locks (subject, locked_until) VALUES ($1, $2)
          ON CONFLICT (subject) DO UPDATE SET locked_until = GREATEST(login_locks.locked_until, excluded.locked_until)`,
          [subject, until],
        );
      }),

    loginLockedUntil: (subjects, now) =>
      use('loginLockedUntil', async (db) => {
        if (subjects.length === 0) return undefined;
        const { rows } = await db.query<{ until: string | null }>(
          'SELECT max(locked_until) AS until FROM login_locks WHERE subject = ANY($1::text[]) AND locked_until > $2',
          [[...subjects], now],
        );
        return rows[0]?.until ?? undefined;
      }),

    clearLoginFailures: (name) =>
      transaction('clearLoginFailures', async (client) => {
        await client.query('DELETE FROM login_failures WHERE name = $1', [name]);
        await client.query('DELETE FROM login_locks WHERE subject = $1', [`name:${name}`]);
      }),

    rememberLoginAddress: (known) =>
      use('rememberLoginAddress', async (db) => {
        await db.query(
          `INSERT INTO login_locks (subject, locked_until) VALUES ($1, $2)
          ON CONFLICT (subject) DO UPDATE SET locked_until = GREATEST(login_locks.locked_until, excluded.locked_until)`,
          [knownAddressSubject(known.name, known.address), known.until],
        );
      }),

    isKnownLoginAddress: (name, address, now) =>
      use('isKnownLoginAddress', async (db) => {
        const { rows } = await db.query('SELECT 1 FROM login_locks WHERE subject = $1 AND locked_until > $2', [knownAddressSubject(name, address), now]);
        return rows.length > 0;
      }),
  };
}
