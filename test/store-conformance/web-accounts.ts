/**
 * Conformance of the web account roles: WebUserStore, WebSessionStore, ApiTokenStore and
 * LoginFailureStore (lock-out windows and locks that never shorten).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiTokenStore } from '../../src/store/roles/api-tokens.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { LoginFailureStore } from '../../src/store/roles/login-failures.ts';
import type { WebSessionStore } from '../../src/store/roles/web-sessions.ts';
import type { WebUserStore } from '../../src/store/roles/web-users.ts';
import { isp } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const at = '2025-01-01T00:00:00.000Z';

/** An ISP user of 'isp-a' (created in the registry first) and an operator; returns their ids. */
async function twoUsers(store: WebUserStore & IspAttributionStore): Promise<{ alice: number; ops: number }> {
  await store.upsertIsps([isp('isp-a')]);
  const alice = await store.createWebUser({ name: 'alice', role: 'isp', ispId: 'isp-a', passwordHash: '$scrypt$x', createdAt: at });
  const ops = await store.createWebUser({ name: 'ops', role: 'operator', passwordHash: '$scrypt$y', createdAt: at });
  return { alice, ops };
}

/**
 * Registers the WebUserStore tests (ISP users need their ISP in the registry: IspAttributionStore).
 * @example describe('SQLite', () => webUserStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function webUserStoreConformance(open: OpenStore<WebUserStore & IspAttributionStore>): void {
  describe('WebUserStore', () => {
    test('users round-trip; names are unique and roles carry an ISP (of the registry) only when ISP', () =>
      withStore(open, async (store) => {
        const { alice, ops } = await twoUsers(store);
        assert.deepEqual(await store.findWebUser('alice'), { id: alice, name: 'alice', role: 'isp', ispId: 'isp-a', passwordHash: '$scrypt$x', createdAt: at });
        assert.deepEqual((await store.findWebUser('ops'))?.ispId, undefined);
        assert.equal(await store.findWebUser('nobody'), undefined);
        await assert.rejects(
          store.createWebUser({ name: 'alice', role: 'operator', passwordHash: 'h', createdAt: at }),
          { code: 'STORE_FAILED' },
          'name taken',
        );
        await assert.rejects(
          store.createWebUser({ name: 'op', role: 'operator', ispId: 'isp-a', passwordHash: 'h', createdAt: at }),
          { code: 'STORE_FAILED' },
          'an operator has no ISP',
        );
        await assert.rejects(
          store.createWebUser({ name: 'x', role: 'isp', passwordHash: 'h', createdAt: at }),
          { code: 'STORE_FAILED' },
          'an ISP user has one',
        );
        await assert.rejects(
          store.createWebUser({ name: 'y', role: 'isp', ispId: 'no-such-isp', passwordHash: 'h', createdAt: at }),
          { code: 'STORE_FAILED' },
          'of the registry',
        );
        assert.deepEqual(
          (await store.listWebUsers()).map((user) => [user.id, user.name]),
          [
            [alice, 'alice'],
            [ops, 'ops'],
          ],
          'by name, and none of the refused ones',
        );
      }));
  });
}

/**
 * Registers the WebSessionStore tests.
 * @example describe('SQLite', () => webSessionStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function webSessionStoreConformance(open: OpenStore<WebSessionStore & WebUserStore & IspAttributionStore>): void {
  describe('WebSessionStore', () => {
    test('sessions resolve with their user, are touched, deleted and expired', () =>
      withStore(open, async (store) => {
        const { alice, ops } = await twoUsers(store);
        await store.createWebSession({ idHash: 'h1', userId: alice, csrfToken: 'c1', createdAt: at, lastSeenAt: at });
        const session = await store.findWebSession('h1');
        assert.equal(session?.user.name, 'alice');
        assert.equal(session?.user.ispId, 'isp-a');
        assert.equal(session?.csrfToken, 'c1');
        assert.deepEqual(session, {
          idHash: 'h1',
          userId: alice,
          csrfToken: 'c1',
          createdAt: at,
          lastSeenAt: at,
          user: { id: alice, name: 'alice', role: 'isp', ispId: 'isp-a', passwordHash: '$scrypt$x', createdAt: at },
        });
        assert.equal(await store.deleteExpiredWebSessions({ idleBefore: '2024-12-31T23:00:00.000Z', createdBefore: '2024-12-31T00:00:00.000Z' }), 0);
        assert.equal(await store.deleteExpiredWebSessions({ idleBefore: '2025-01-01T00:00:01.000Z', createdBefore: at }), 1, 'idle too long');
        assert.equal(await store.findWebSession('h1'), undefined);

        await store.createWebSession({ idHash: 'h2', userId: ops, csrfToken: 'c2', createdAt: at, lastSeenAt: at });
        await store.touchWebSession('h2', '2025-01-01T00:20:00.000Z');
        assert.equal((await store.findWebSession('h2'))?.lastSeenAt, '2025-01-01T00:20:00.000Z');
        assert.equal(await store.deleteExpiredWebSessions({ idleBefore: '2025-01-01T00:10:00.000Z', createdBefore: at }), 0, 'touched: not idle');
        assert.equal(
          await store.deleteExpiredWebSessions({ idleBefore: '2025-01-01T00:10:00.000Z', createdBefore: '2025-01-01T00:00:01.000Z' }),
          1,
          'too old, however active',
        );
        await store.createWebSession({ idHash: 'h3', userId: ops, csrfToken: 'c3', createdAt: at, lastSeenAt: at });
        await store.deleteWebSession('h3');
        assert.equal(await store.findWebSession('h3'), undefined);
        await store.deleteWebSession('h3');
      }));
  });
}

/**
 * Registers the ApiTokenStore tests.
 * @example describe('SQLite', () => apiTokenStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function apiTokenStoreConformance(open: OpenStore<ApiTokenStore & WebUserStore & IspAttributionStore>): void {
  describe('ApiTokenStore', () => {
    test('tokens resolve with their user until revoked, only by their owner when one is named', () =>
      withStore(open, async (store) => {
        const { alice, ops } = await twoUsers(store);
        const tokenId = await store.createApiToken({ userId: alice, tokenHash: 't1', label: 'ci', createdAt: at });
        const other = await store.createApiToken({ userId: ops, tokenHash: 't2', label: 'monitoring', createdAt: at });
        const found = await store.findApiToken('t1');
        assert.equal(found?.user.name, 'alice');
        assert.deepEqual(found?.token, { id: tokenId, userId: alice, userName: 'alice', label: 'ci', createdAt: at });
        await store.touchApiToken(tokenId, '2025-01-02T00:00:00.000Z');
        assert.equal((await store.findApiToken('t1'))?.token.lastUsedAt, '2025-01-02T00:00:00.000Z');
        assert.equal(await store.findApiToken('unknown'), undefined);
        assert.equal(await store.revokeApiToken(tokenId, at, { userId: alice + ops }), false, 'not the owner');
        assert.equal(await store.revokeApiToken(tokenId, at, { userId: alice }), true);
        assert.equal(await store.revokeApiToken(tokenId, at, { userId: alice }), false, 'already revoked');
        assert.equal(await store.findApiToken('t1'), undefined);
        assert.equal((await store.listApiTokens())[0]?.revokedAt, at);
        assert.deepEqual(
          (await store.listApiTokens()).map((token) => [token.id, token.userName]),
          [
            [tokenId, 'alice'],
            [other, 'ops'],
          ],
        );
        assert.deepEqual(
          (await store.listApiTokens({ userId: ops })).map((token) => token.id),
          [other],
        );
        assert.equal(await store.revokeApiToken(other, at), true, 'without an owner filter');
        assert.equal(await store.revokeApiToken(9999, at), false);
      }));
  });
}

/**
 * Registers the LoginFailureStore tests.
 * @example describe('SQLite', () => loginFailureStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function loginFailureStoreConformance(open: OpenStore<LoginFailureStore>): void {
  describe('LoginFailureStore', () => {
    test('login failures are counted by name and address within a window; locks end and can be cleared', () =>
      withStore(open, async (store) => {
        for (const minute of [0, 5, 10])
          await store.recordLoginFailure({ name: 'alice', address: '192.0.2.1', at: `2025-01-01T00:${String(minute).padStart(2, '0')}:00.000Z` });
        await store.recordLoginFailure({ name: 'bob', address: '192.0.2.2', at: '2025-01-01T00:10:00.000Z' });
        assert.equal(await store.countLoginFailures({ name: 'alice' }, '2025-01-01T00:04:00.000Z'), 2);
        assert.equal(await store.countLoginFailures({ name: 'alice' }, '2025-01-01T00:10:00.000Z'), 1, 'since is inclusive');
        assert.equal(await store.countLoginFailures({ address: '192.0.2.1' }, at), 3);
        await store.lockLogin('name:alice', '2025-01-01T00:30:00.000Z');
        await store.lockLogin('name:alice', '2025-01-01T00:20:00.000Z'); // an earlier end never shortens a lock
        assert.equal(await store.loginLockedUntil(['name:alice', 'address:192.0.2.1'], '2025-01-01T00:25:00.000Z'), '2025-01-01T00:30:00.000Z');
        assert.equal(await store.loginLockedUntil(['name:alice'], '2025-01-01T00:31:00.000Z'), undefined);
        await store.lockLogin('address:192.0.2.1', '2025-01-01T00:45:00.000Z');
        assert.equal(await store.loginLockedUntil(['name:alice', 'address:192.0.2.1'], '2025-01-01T00:25:00.000Z'), '2025-01-01T00:45:00.000Z', 'the latest');
        assert.equal(await store.loginLockedUntil([], '2025-01-01T00:25:00.000Z'), undefined);
        await store.clearLoginFailures('alice');
        assert.equal(await store.loginLockedUntil(['name:alice'], '2025-01-01T00:25:00.000Z'), undefined);
        assert.equal(await store.countLoginFailures({ name: 'alice' }, at), 0);
        assert.equal(await store.countLoginFailures({ name: 'bob' }, at), 1, 'other names keep theirs');
        assert.equal(await store.loginLockedUntil(['address:192.0.2.1'], '2025-01-01T00:25:00.000Z'), '2025-01-01T00:45:00.000Z', 'the address lock stays');
      }));

    test("failures are counted for a name from one address; a known address's pass survives clearing and ends on time", () =>
      withStore(open, async (store) => {
        for (const address of ['192.0.2.1', '192.0.2.1', '192.0.2.2'])
          await store.recordLoginFailure({ name: 'alice', address, at: '2025-01-01T00:05:00.000Z' });
        await store.recordLoginFailure({ name: 'bob', address: '192.0.2.1', at: '2025-01-01T00:05:00.000Z' });
        assert.equal(await store.countLoginFailures({ name: 'alice', address: '192.0.2.1' }, at), 2);
        assert.equal(await store.countLoginFailures({ name: 'alice', address: '192.0.2.2' }, at), 1);
        assert.equal(await store.countLoginFailures({ name: 'alice', address: '192.0.2.1' }, '2025-01-01T00:06:00.000Z'), 0);

        await store.rememberLoginAddress({ name: 'alice', address: '2001:db8:1::/64', until: '2025-01-31T00:00:00.000Z' });
        await store.rememberLoginAddress({ name: 'alice', address: '2001:db8:1::/64', until: '2025-01-20T00:00:00.000Z' }); // never shortened
        assert.equal(await store.isKnownLoginAddress('alice', '2001:db8:1::/64', '2025-01-25T00:00:00.000Z'), true);
        assert.equal(await store.isKnownLoginAddress('alice', '2001:db8:1::/64', '2025-01-31T00:00:00.000Z'), false, 'ended');
        assert.equal(await store.isKnownLoginAddress('alice', '2001:db8:2::/64', '2025-01-25T00:00:00.000Z'), false, 'another address');
        assert.equal(await store.isKnownLoginAddress('alice ', '2001:db8:1::/64', '2025-01-25T00:00:00.000Z'), false, 'another name');
        assert.equal(await store.isKnownLoginAddress('bob', '2001:db8:1::/64', '2025-01-25T00:00:00.000Z'), false, 'another name');
        await store.clearLoginFailures('alice');
        assert.equal(await store.countLoginFailures({ name: 'alice', address: '192.0.2.1' }, at), 0);
        assert.equal(await store.isKnownLoginAddress('alice', '2001:db8:1::/64', '2025-01-25T00:00:00.000Z'), true, 'unlocking keeps the pass');
      }));

    test('failures older than a day before the newest may be forgotten, but never those within it', () =>
      withStore(open, async (store) => {
        await store.recordLoginFailure({ name: 'alice', address: '192.0.2.1', at: '2025-01-01T00:00:00.000Z' });
        await store.recordLoginFailure({ name: 'alice', address: '192.0.2.1', at: '2025-01-02T12:00:00.000Z' });
        await store.recordLoginFailure({ name: 'alice', address: '192.0.2.1', at: '2025-01-03T00:00:00.000Z' });
        assert.equal(await store.countLoginFailures({ name: 'alice' }, '2025-01-01T12:00:00.000Z'), 2, 'the last day’s failures all count');
        assert.equal(await store.countLoginFailures({ address: '192.0.2.1' }, '2025-01-02T12:00:00.000Z'), 2);
      }));
  });
}
