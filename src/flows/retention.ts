/**
 * How long flow aggregates are kept, and the write that enforces it: every time aggregates are
 * stored, hours older than the retention are pruned, so no timer or cron job is needed.
 */
import type { FlowAggregate } from './flow-aggregates.ts';
import { HOUR_MS } from './flow-aggregates.ts';
import type { FlowAggregateStore } from '../store/roles/flow-aggregates.ts';

/** 90 days: long enough to see a C&C server come back after a takedown, short enough to be data minimisation. */
export const DEFAULT_RETENTION_DAYS = 90;

/** The first hour kept at `nowMs` with a retention of `retentionDays`. */
export function retentionCutoffMs(nowMs: number, retentionDays: number): number {
  const cutoff = nowMs - retentionDays * 86_400_000;
  return cutoff - (cutoff % HOUR_MS);
}

export interface StoredAggregates {
  stored: number;
  /** Rows already past the retention (an old capture): not stored. */
  tooOld: number;
  /** Stored rows the prune removed. */
  pruned: number;
}

/** Stores the aggregates, except rows already past the retention, then prunes the store. */
export async function storeAggregates(
  store: FlowAggregateStore,
  rows: readonly FlowAggregate[],
  nowMs: number,
  retentionDays: number,
): Promise<StoredAggregates> {
  const cutoff = retentionCutoffMs(nowMs, retentionDays);
  const kept = rows.filter((row) => row.hourMs >= cutoff);
  await store.addFlowAggregates(kept);
  return { stored: kept.length, tooOld: rows.length - kept.length, pruned: await store.pruneFlowAggregates(cutoff) };
}
