/** Conformance of FlowAggregateStore: adding sums into the same key, the prune by hour, the read order. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowAggregate } from '../../src/flows/flow-aggregates.ts';
import type { FlowAggregateStore } from '../../src/store/roles/flow-aggregates.ts';
import { type OpenStore, withStore } from './harness.ts';

const hour = (n: number) => Date.UTC(2026, 11, 1) + n * 3_600_000;

const row = (overrides: Partial<FlowAggregate>): FlowAggregate => ({
  hourMs: hour(0),
  sourceNetwork: '192.0.2.0/24',
  destinationAddress: '198.51.100.7',
  destinationPort: 23,
  protocol: 6,
  flows: 1,
  packets: 10,
  bytes: 600,
  firstMs: hour(0) + 1000,
  lastMs: hour(0) + 2000,
  ...overrides,
});

/**
 * Registers the FlowAggregateStore tests.
 * @example describe('SQLite', () => flowAggregateStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function flowAggregateStoreConformance(open: OpenStore<FlowAggregateStore>): void {
  describe('FlowAggregateStore', () => {
    test('rows with the same key add up; times widen; other keys stay apart', () =>
      withStore(open, async (store) => {
        await store.addFlowAggregates([row({}), row({ destinationPort: 2323, packets: 3 })]);
        // Bytes beyond 2^32 must survive both stores' integer types.
        await store.addFlowAggregates([row({ flows: 2, packets: 5, bytes: 2 ** 33, firstMs: hour(0) + 500, lastMs: hour(0) + 9000 })]);
        assert.deepEqual(await store.listFlowAggregates({ limit: 10 }), [
          row({ flows: 3, packets: 15, bytes: 600 + 2 ** 33, firstMs: hour(0) + 500, lastMs: hour(0) + 9000 }),
          row({ destinationPort: 2323, packets: 3 }),
        ]);
      }));

    test('newest hour first, since and limit honoured; the prune removes whole hours before the cut', () =>
      withStore(open, async (store) => {
        await store.addFlowAggregates([row({ hourMs: hour(0) }), row({ hourMs: hour(1) }), row({ hourMs: hour(2), sourceNetwork: '2001:db8:1::/48' })]);
        assert.deepEqual(
          (await store.listFlowAggregates({ limit: 2 })).map((aggregate) => [aggregate.hourMs, aggregate.sourceNetwork]),
          [
            [hour(2), '2001:db8:1::/48'],
            [hour(1), '192.0.2.0/24'],
          ],
        );
        assert.equal((await store.listFlowAggregates({ sinceHourMs: hour(1), limit: 10 })).length, 2);
        assert.equal(await store.pruneFlowAggregates(hour(2)), 2);
        assert.deepEqual(
          (await store.listFlowAggregates({ limit: 10 })).map((aggregate) => aggregate.hourMs),
          [hour(2)],
        );
        assert.equal(await store.pruneFlowAggregates(hour(2)), 0);
      }));
  });
}
