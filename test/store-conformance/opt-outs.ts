/** Conformance of OptOutStore: requests are stored pending and decided once. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OptOutStore } from '../../src/store/roles/opt-outs.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the OptOutStore tests.
 * @example describe('SQLite', () => optOutStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function optOutStoreConformance(open: OpenStore<OptOutStore>): void {
  describe('OptOutStore', () => {
    test('opt-out requests: stored pending, decided once, listed newest first', () =>
      withStore(open, async (store) => {
        const first = await store.createOptOutRequest({
          cidrs: ['192.0.2.0/24'],
          contact: 'a@example.net',
          reason: 'r',
          requestedAt: '2026-01-01T00:00:00.000Z',
          requesterAddress: '203.0.113.1',
        });
        const second = await store.createOptOutRequest({
          cidrs: ['198.51.100.0/24', '203.0.113.0/28'],
          contact: 'b@example.net',
          reason: '',
          requestedAt: '2026-01-02T00:00:00.000Z',
          requesterAddress: '2001:db8::1',
        });
        assert.deepEqual(
          (await store.listOptOutRequests()).map((row) => row.id),
          [second, first],
        );
        assert.deepEqual(await store.getOptOutRequest(first), {
          id: first,
          cidrs: ['192.0.2.0/24'],
          contact: 'a@example.net',
          reason: 'r',
          requestedAt: '2026-01-01T00:00:00.000Z',
          requesterAddress: '203.0.113.1',
          status: 'pending',
        });
        const approved = await store.decideOptOutRequest(first, { status: 'approved', at: '2026-01-03T00:00:00.000Z', by: 'ops' });
        assert.deepEqual([approved?.status, approved?.decidedBy, approved?.cidrs], ['approved', 'ops', ['192.0.2.0/24']]);
        assert.equal(approved?.decidedAt, '2026-01-03T00:00:00.000Z');
        const again = await store.decideOptOutRequest(first, { status: 'rejected', at: '2026-01-04T00:00:00.000Z', by: 'someone else' });
        assert.deepEqual([again?.status, again?.decidedBy], ['approved', 'ops'], 'a decided request does not change');
        assert.equal(await store.decideOptOutRequest(999, { status: 'approved', at: '2026-01-04T00:00:00.000Z', by: 'ops' }), undefined);
        assert.deepEqual(
          (await store.listOptOutRequests({ status: 'pending' })).map((row) => row.id),
          [second],
        );
        assert.equal((await store.getOptOutRequest(second))?.requesterAddress, '2001:db8::1');
        assert.equal(await store.getOptOutRequest(999), undefined);
        const rejected = await store.decideOptOutRequest(second, { status: 'rejected', at: '2026-01-05T00:00:00.000Z', by: 'ops' });
        assert.equal(rejected?.status, 'rejected');
        assert.deepEqual(await store.listOptOutRequests({ status: 'pending' }), []);
        assert.deepEqual(
          (await store.listOptOutRequests({ status: 'approved' })).map((row) => row.id),
          [first],
        );
        assert.deepEqual(
          (await store.listOptOutRequests({ limit: 1 })).map((row) => row.id),
          [second],
          'limit caps, newest first',
        );
      }));
  });
}
