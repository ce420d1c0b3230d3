/**
 * Hourly flow aggregates (src/flows/flow-aggregates.ts says what a row is and why the source is
 * a /24 or /48): added to, listed, and pruned after the retention. Raw flows are not stored.
 */
import type { FlowAggregate } from '../../flows/flow-aggregates.ts';

/** Aggregates newest hour first, busiest first within an hour. */
export interface FlowAggregateQuery {
  /** Only hours at or after this (epoch ms). */
  sinceHourMs?: number;
  limit: number;
}

/**
 * @example
 * await store.addFlowAggregates(aggregator.rows())
 * await store.pruneFlowAggregates(Date.now() - 90 * 86_400_000)
 */
export interface FlowAggregateStore {
  /** Adds the rows: a row whose key (hour, source network, destination, port, protocol) is stored already has its counts added and its time span widened. */
  addFlowAggregates(rows: readonly FlowAggregate[]): Promise<void>;
  /** Deletes the hours that start before `beforeHourMs`; returns how many rows went. */
  pruneFlowAggregates(beforeHourMs: number): Promise<number>;
  listFlowAggregates(query: FlowAggregateQuery): Promise<FlowAggregate[]>;
}
