/**
 * Gauges counted from the store at scrape time: findings by kind and status, the outbox by
 * status, and how long its most overdue delivery has waited. One recount serves every gauge,
 * and a recount younger than `maxAgeMs` is reused, so several Prometheus servers (or a short
 * scrape interval) never put more than one aggregate query per interval on the store.
 */
import { Gauge, type Registry } from 'prom-client';
import type { MonitoringCounts, MonitoringStore } from '../store/roles/monitoring.ts';

export interface StoreCountOptions {
  /** Reuse a recount this young. Default 15 s (a common scrape interval). */
  maxAgeMs?: number;
  now?: () => Date;
}

/**
 * @example registerStoreCounts(registry, store) // the serve and worker processes
 */
export function registerStoreCounts(registry: Registry, store: MonitoringStore, options: StoreCountOptions = {}): void {
  const maxAgeMs = options.maxAgeMs ?? 15_000;
  const now = options.now ?? (() => new Date());
  let cached: { at: number; counts: Promise<MonitoringCounts> } | undefined;
  const recount = (): Promise<MonitoringCounts> => {
    const at = now().getTime();
    if (cached === undefined || at - cached.at >= maxAgeMs) {
      const counts = store.monitoringCounts(new Date(at).toISOString());
      // A failed recount is not kept: the next scrape tries again.
      counts.catch(() => {
        if (cached?.counts === counts) cached = undefined;
      });
      cached = { at, counts };
    }
    return cached.counts;
  };

  new Gauge({
    name: 'opennotice_findings',
    help: 'Findings in the store by kind and status (open, closed), recounted at scrape time.',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      const counts = await recount();
      this.reset();
      for (const row of counts.findings) this.set({ kind: row.kind, status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'opennotice_outbox_entries',
    help: 'Report deliveries in the outbox by status (pending: the backlog; delivered; failed: given up).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const counts = await recount();
      this.reset();
      for (const status of ['pending', 'delivered', 'failed'] as const) this.set({ status }, counts.outbox.find((row) => row.status === status)?.count ?? 0);
    },
  });
  new Gauge({
    name: 'opennotice_outbox_oldest_due_seconds',
    help: 'How long the pending delivery due longest ago has been waiting past its due time (0 when none is due).',
    registers: [registry],
    async collect() {
      const counts = await recount();
      this.set(counts.oldestDueAt === undefined ? 0 : Math.max(0, (now().getTime() - Date.parse(counts.oldestDueAt)) / 1000));
    },
  });
}
