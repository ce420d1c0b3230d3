/** Hourly flow aggregates in SQLite: an upsert that adds counts, a prune by hour, a read newest first. */
import type { FlowAggregate } from '../../flows/flow-aggregates.ts';
import type { FlowAggregateStore } from '../roles/flow-aggregates.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import type { SqlRow } from './rows.ts';

const columns = `hour_ms AS hourMs, source_network AS sourceNetwork, destination_address AS destinationAddress, destination_port AS destinationPort,
  protocol, flows, packets, bytes, first_ms AS firstMs, last_ms AS lastMs`;

const toAggregate = (row: SqlRow): FlowAggregate => ({
  hourMs: Number(row.hourMs),
  sourceNetwork: String(row.sourceNetwork),
  destinationAddress: String(row.destinationAddress),
  destinationPort: Number(row.destinationPort),
  protocol: Number(row.protocol),
  flows: Number(row.flows),
  packets: Number(row.packets),
  bytes: Number(row.bytes),
  firstMs: Number(row.firstMs),
  lastMs: Number(row.lastMs),
});

/** @example await sqliteFlowAggregateStore(context).addFlowAggregates(rows) */
export function sqliteFlowAggregateStore({ db, use }: SqliteContext): FlowAggregateStore {
  return {
    addFlowAggregates: (rows) =>
      use('addFlowAggregates', () => {
        const insert = db.prepare(`INSERT INTO flow_aggregates
            (hour_ms, source_network, destination_address, destination_port, protocol, flows, packets, bytes, first_ms, last_ms)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (hour_ms, source_network, destination_address, destination_port, protocol) DO UPDATE SET
            flows = flows + excluded.flows, packets = packets + excluded.packets, bytes = bytes + excluded.bytes,
            first_ms = MIN(first_ms, excluded.first_ms), last_ms = MAX(last_ms, excluded.last_ms)`);
        inTransaction(db, () => {
          for (const row of rows) {
            insert.run(
              row.hourMs,
              row.sourceNetwork,
              row.destinationAddress,
              row.destinationPort,
              row.protocol,
              row.flows,
              row.packets,
              row.bytes,
              row.firstMs,
              row.lastMs,
            );
          }
        });
      }),

    pruneFlowAggregates: (beforeHourMs) =>
      use('pruneFlowAggregates', () => Number(db.prepare('DELETE FROM flow_aggregates WHERE hour_ms < ?').run(beforeHourMs).changes)),

    listFlowAggregates: (query) =>
      use('listFlowAggregates', () => {
        const rows = db
          .prepare(
            `SELECT ${columns} FROM flow_aggregates WHERE hour_ms >= ? ORDER BY hour_ms DESC, packets DESC, source_network, destination_address, destination_port, protocol LIMIT ?`,
          )
          .all(query.sinceHourMs ?? 0, query.limit) as SqlRow[];
        return rows.map(toAggregate);
      }),
  };
}
