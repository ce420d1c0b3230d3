/**
 * What a metrics scrape asks the store: findings by kind and status, and the outbox by status
 * with how long its most overdue delivery has waited. Aggregates only (GROUP BY over indexes),
 * cheap enough to recount every few seconds on a large store.
 */
import type { FindingKind } from '../../core/records.ts';
import type { FindingStatus } from '../row-types.ts';
import type { OutboxStatus } from './outbox.ts';

export interface MonitoringCounts {
  findings: Array<{ kind: FindingKind; status: FindingStatus; count: number }>;
  outbox: Array<{ status: OutboxStatus; count: number }>;
  /** The due time of the pending delivery due longest ago (at or before `now`); absent when none is due. */
  oldestDueAt?: string;
}

/**
 * @example const { findings, outbox, oldestDueAt } = await store.monitoringCounts(new Date().toISOString())
 */
export interface MonitoringStore {
  /** Counts as of `now` (ISO time): statuses absent from the store are absent from the lists. */
  monitoringCounts(now: string): Promise<MonitoringCounts>;
}
