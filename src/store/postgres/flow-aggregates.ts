/** Hourly flow aggregates in PostgreSQL, as SQLite's (sqlite/flow-aggregates.ts); BIGINT columns come back as text and are read as numbers. */
import type { FlowAggregate } from '../../flows/flow-aggregates.ts';
import type { FlowAggregateStore } from '../roles/flow-aggregates.ts';
import type { PostgresContext } from './database.ts';
import type { PgRow } from './rows.ts';

const toAggregate = (row: PgRow): FlowAggregate => ({
  hourMs: Number(row.hour_ms),
  sourceNetwork: String(row.source_network),
  destinationAddress: String(row.destination_address),
  destinationPort: Number(row.destination_port),
  protocol: Number(row.protocol),
  flows: Number(row.flows),
  packets: Number(row.packets),
  bytes: Number(row.bytes),
  firstMs: Number(row.first_ms),
  lastMs: Number(row.last_ms),
});

/** @example await postgresFlowAggregateStore(context).addFlowAggregates(rows) */
export function postgresFlowAggregateStore({ use, transaction }: PostgresContext): FlowAggregateStore {
  return {
    addFlowAggregates: (rows) =>
      transaction('addFlowAggregates', async (client) => {
        // One statement per 1,000 rows: arrays of columns unnested, so the parameter count stays fixed.
        for (let start = 0; start < rows.length; start += 1000) {
          const slice = rows.slice(start, start + 1000);
          await client.query(
            `INSERT INTO flow_aggregates
               (hour_ms, source_network, destination_address, destination_port, protocol, flows, packets, bytes, first_ms, last_ms)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
             ON CONFLICT (hour_ms, source_network, destination_address, destination_port, protocol) DO UPDATE SET
               flows = flow_aggregates.flows + excluded.flows, packets = flow_aggregates.packets + excluded.packets,
               bytes = flow_aggregates.bytes + excluded.bytes,
               first_ms = LEAST(flow_aggregates.first_ms, excluded.first_ms), last_ms = GREATEST(flow_aggregates.last_ms, excluded.last_ms)`,
            [
              slice.map((row) => row.hourMs),
              slice.map((row) => row.sourceNetwork),
              slice.map((row) => row.destinationAddress),
              slice.map((row) => row.destinationPort),
              slice.map((row) => row.protocol),
              slice.map((row) => row.flows),
              slice.map((row) => row.packets),
              slice.map((row) => row.bytes),
              slice.map((row) => row.firstMs),
              slice.map((row) => row.lastMs),
            ],
          );
        }
      }),

    pruneFlowAggregates: (beforeHourMs) =>
      use('pruneFlowAggregates', async (db) => (await db.query('DELETE FROM flow_aggregates WHERE hour_ms < $1', [beforeHourMs])).rowCount ?? 0),

    listFlowAggregates: (query) =>
      use('listFlowAggregates', async (db) => {
        const { rows } = await db.query(
          `SELECT * FROM flow_aggregates WHERE hour_ms >= $1
           ORDER BY hour_ms DESC, packets DESC, source_network, destination_address, destination_port, protocol LIMIT $2`,
          [query.sinceHourMs ?? 0, query.limit],
        );
        return rows.map((row) => toAggregate(row as PgRow));
      }),
  };
}
