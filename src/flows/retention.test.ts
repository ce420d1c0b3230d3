import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowAggregator, HOUR_MS, sourceNetworkOf } from './flow-aggregates.ts';
import type { FlowRecord } from './flow-record.ts';
import { retentionCutoffMs, storeAggregates } from './retention.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';

const now = Date.UTC(2026, 11, 7, 1, 30);
const flow = (startMs: number, sourceAddress: string, packets: number): FlowRecord => ({
  exporter: '192.0.2.254/0',
  sourceAddress,
  destinationAddress: '203.0.113.9',
  sourcePort: 40000,
  destinationPort: 23,
  protocol: 6,
  packets,
  bytes: packets * 60,
  startMs,
  endMs: startMs + 1000,
});

test('sources are kept as their /24 or /48, never the address', () => {
  assert.equal(sourceNetworkOf('192.0.2.77'), '192.0.2.0/24');
  assert.equal(sourceNetworkOf('2001:db8:1:2:3::4'), '2001:db8:1::/48');
  assert.equal(sourceNetworkOf('::1'), '::/48');
});

// Busiest first: the hour with 7 packets before the one with 5.
test('flows sum into hour × source network × destination × port × protocol', () => {
  const aggregator = new FlowAggregator();
  aggregator.add(flow(now, '192.0.2.1', 3));
  aggregator.add(flow(now + 60_000, '192.0.2.200', 4));
  aggregator.add(flow(now + HOUR_MS, '192.0.2.1', 5));
  assert.deepEqual(
    aggregator.rows().map((row) => [row.hourMs, row.sourceNetwork, row.flows, row.packets]),
    [
      [now - (now % HOUR_MS), '192.0.2.0/24', 2, 7],
      [now - (now % HOUR_MS) + HOUR_MS, '192.0.2.0/24', 1, 5],
    ],
  );
});

test('storing enforces the retention: rows already too old are not stored, older stored hours are pruned', async () => {
  const store = await openSqliteStore(':memory:');
  try {
    const old = new FlowAggregator();
    old.add(flow(now - 10 * 86_400_000, '192.0.2.1', 1));
    // Stored at a time when it was within the retention…
    assert.deepEqual(await storeAggregates(store, old.rows(), now - 9 * 86_400_000, 7), { stored: 1, tooOld: 0, pruned: 0 });
    const fresh = new FlowAggregator();
    fresh.add(flow(now, '192.0.2.1', 2));
    fresh.add(flow(now - 8 * 86_400_000, '192.0.2.1', 3));
    // …and pruned by the next write, once it is not; the 8-day-old row is refused.
    assert.deepEqual(await storeAggregates(store, fresh.rows(), now, 7), { stored: 1, tooOld: 1, pruned: 1 });
    const rows = await store.listFlowAggregates({ limit: 10 });
    assert.deepEqual(
      rows.map((row) => row.packets),
      [2],
    );
    assert.ok(rows.every((row) => row.hourMs >= retentionCutoffMs(now, 7)));
  } finally {
    await store.close();
  }
});

test('drained rows leave the aggregator empty; restored rows sum into what came since', () => {
  const aggregator = new FlowAggregator();
  aggregator.add(flow(now, '192.0.2.1', 3));
  const drained = aggregator.drain();
  assert.equal(aggregator.size, 0);
  aggregator.add(flow(now, '192.0.2.7', 4));
  aggregator.restore(drained);
  assert.deepEqual(
    aggregator.rows().map((row) => [row.flows, row.packets]),
    [[2, 7]],
  );
});
