import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '../../test/support/random-share-data.ts';
import { AggregateTable, type AggregateValues, HOUR_MS } from './aggregate-table.ts';
import { FlowAggregator } from './flow-aggregates.ts';
import type { FlowRecord } from './flow-record.ts';

const hour = Date.UTC(2026, 11, 7, 1);

/** Every row of the table as "hour key…" → values, to compare with a Map that summed the same input. */
function contents(table: AggregateTable): Map<string, AggregateValues> {
  const out = new Map<string, AggregateValues>();
  const key = new Uint32Array(table.keyWords);
  for (let row = 0; row < table.size; row++) {
    const values: AggregateValues = { hourMs: 0, flows: 0, packets: 0, bytes: 0, firstMs: 0, lastMs: 0 };
    table.readRow(row, values, key);
    out.set(`${values.hourMs} ${[...key].join(' ')}`, values);
  }
  return out;
}

test('aggregate table: many colliding and growing keys sum exactly as a Map of the same flows does', () => {
  const random = seededRandom(11);
  const table = new AggregateTable(3, 1_000_000);
  const expected = new Map<string, AggregateValues>();
  const key = new Uint32Array(3);
  // 200,000 flows over 5,000 keys: the table starts at 1,024 rows, so it grows several times, and probes collide throughout.
  for (let flow = 0; flow < 200_000; flow++) {
    const which = Math.floor(random() * 5000);
    key[0] = (which * 256) >>> 0;
    key[1] = which % 7;
    key[2] = which % 3 === 0 ? 0xffffffff : which;
    const hourMs = hour + (which % 2) * HOUR_MS;
    const start = hourMs + Math.floor(random() * HOUR_MS);
    assert.ok(table.add(hourMs, key, 1, 2, 100, start, start + 10));
    const name = `${hourMs} ${key.join(' ')}`;
    const row = expected.get(name);
    if (!row) expected.set(name, { hourMs, flows: 1, packets: 2, bytes: 100, firstMs: start, lastMs: start + 10 });
    else {
      row.flows++;
      row.packets += 2;
      row.bytes += 100;
      row.firstMs = Math.min(row.firstMs, start);
      row.lastMs = Math.max(row.lastMs, start + 10);
    }
  }
  assert.equal(table.size, expected.size);
  assert.deepEqual(contents(table), expected);
});

test('aggregate table: at its row cap new keys are refused, existing ones still count; clear empties it', () => {
  const table = new AggregateTable(1, 100);
  const key = new Uint32Array(1);
  for (let index = 0; index < 150; index++) {
    key[0] = index;
    assert.equal(table.add(hour, key, 1, 1, 1, hour, hour), index < 100);
  }
  assert.equal(table.size, 100);
  key[0] = 5;
  assert.ok(table.add(hour, key, 1, 1, 1, hour, hour), 'a hit needs no new row');
  assert.ok(!table.add(hour + HOUR_MS, key, 1, 1, 1, hour, hour), 'another hour is another row');
  assert.ok(!table.add(hour, Uint32Array.of(200), 1, 1, 1, hour, hour, false), 'allowNew false refuses below the cap too');
  assert.equal(contents(table).get(`${hour} 5`)?.flows, 2);
  table.clear();
  assert.equal(table.size, 0);
  assert.ok(table.add(hour, key, 1, 1, 1, hour, hour));
  assert.equal(contents(table).get(`${hour} 5`)?.flows, 1);
});

const flow = (overrides: Partial<FlowRecord>): FlowRecord => ({
  exporter: '192.0.2.254/0',
  sourceAddress: '192.0.2.1',
  destinationAddress: '203.0.113.9',
  sourcePort: 40000,
  destinationPort: 23,
  protocol: 6,
  packets: 1,
  bytes: 60,
  startMs: hour,
  endMs: hour + 1000,
  ...overrides,
});

test('aggregator: an hour boundary splits rows; a flow counts in the hour it started', () => {
  const aggregator = new FlowAggregator();
  aggregator.add(flow({ startMs: hour + HOUR_MS - 1, endMs: hour + HOUR_MS + 5000 }));
  aggregator.add(flow({ startMs: hour + HOUR_MS, packets: 2 }));
  aggregator.add(flow({ startMs: hour, packets: 3 }));
  assert.deepEqual(
    aggregator.rows().map((row) => [row.hourMs, row.flows, row.packets, row.firstMs, row.lastMs]),
    [
      [hour, 2, 4, hour, hour + HOUR_MS + 5000],
      [hour + HOUR_MS, 1, 2, hour + HOUR_MS, hour + 1000],
    ],
  );
});

test('aggregator: IPv6 sources are cut to /48, destinations kept whole; a mixed-family flow keeps both texts', () => {
  const aggregator = new FlowAggregator();
  aggregator.add(flow({ sourceAddress: '2001:db8:1:2::5', destinationAddress: '2001:db8:ff::1' }));
  aggregator.add(flow({ sourceAddress: '2001:db8:1:3::9', destinationAddress: '2001:db8:ff::1', packets: 4 }));
  aggregator.add(flow({ sourceAddress: '2001:db8:2::1', destinationAddress: '198.51.100.7', packets: 9 }));
  aggregator.add(flow({ sourceAddress: '192.0.2.9', destinationAddress: '2001:db8:ff::1', packets: 20 }));
  assert.deepEqual(
    aggregator.rows().map((row) => [row.sourceNetwork, row.destinationAddress, row.flows, row.packets]),
    [
      ['192.0.2.0/24', '2001:db8:ff::1', 1, 20],
      ['2001:db8:2::/48', '198.51.100.7', 1, 9],
      ['2001:db8:1::/48', '2001:db8:ff::1', 2, 5],
    ],
  );
});

test('aggregator: drain empties it; restore sums back, IPv6 included; the row cap calls onFull, then counts what finds no room', () => {
  const aggregator = new FlowAggregator();
  aggregator.add(flow({ sourceAddress: '2001:db8:1::1' }));
  aggregator.add(flow({}));
  const drained = aggregator.drain();
  assert.equal(aggregator.size, 0);
  aggregator.add(flow({ packets: 5 }));
  aggregator.restore(drained);
  assert.deepEqual(
    aggregator.rows().map((row) => [row.sourceNetwork, row.flows, row.packets]),
    [
      ['192.0.2.0/24', 2, 6],
      ['2001:db8:1::/48', 1, 1],
    ],
  );

  let fullCalls = 0;
  const capped = new FlowAggregator({ maxRows: 3, onFull: () => fullCalls++ });
  for (let index = 0; index < 5; index++) capped.add(flow({ destinationPort: index }));
  capped.add(flow({ destinationPort: 0, sourceAddress: '2001:db8::1' }));
  capped.add(flow({ destinationPort: 1 }));
  assert.equal(capped.size, 3);
  assert.equal(capped.droppedFlows, 3);
  assert.equal(fullCalls, 3);
  assert.equal(capped.rows().find((row) => row.destinationPort === 1)?.flows, 2);

  // An onFull that drains makes room: nothing is dropped.
  const stored: number[] = [];
  const early: FlowAggregator = new FlowAggregator({ maxRows: 2, onFull: () => stored.push(early.drain().length) });
  for (let index = 0; index < 5; index++) early.add(flow({ destinationPort: index }));
  assert.deepEqual(stored, [2, 2]);
  assert.equal(early.size, 1);
  assert.equal(early.droppedFlows, 0);
});
