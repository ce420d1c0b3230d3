/** Conformance of MonitoringStore: the counts a metrics scrape reads equal what the other roles hold. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { MonitoringStore } from '../../src/store/roles/monitoring.ts';
import type { OutboxStore } from '../../src/store/roles/outbox.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { covered, finding, reportInput, startRun, weak } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const delivery = (key: string) => ({ channel: 'smtp' as const, destination: 'abuse@alpha.example', idempotencyKey: key, payload: '{}' });

/**
 * Registers the MonitoringStore tests (data set up through the findings, reports and outbox roles).
 * @example describe('SQLite', () => monitoringStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function monitoringStoreConformance(open: OpenStore<MonitoringStore & FindingStore & RunStore & ReportStore & OutboxStore>): void {
  describe('MonitoringStore', () => {
    test('an empty store counts nothing and has no overdue delivery', () =>
      withStore(open, async (store) => {
        assert.deepEqual(await store.monitoringCounts('2026-02-02T00:00:00.000Z'), { findings: [], outbox: [] });
      }));

    test('findings by kind and status; the outbox by status; the oldest due pending delivery as of now', () =>
      withStore(open, async (store) => {
        const first = await startRun(store, '2026-02-01T00:00:00.000Z');
        await store.reconcileFindings(first, {
          found: [
            weak('192.0.2.1', '2026-02-01T00:01:00.000Z'),
            weak('192.0.2.2', '2026-02-01T00:01:00.000Z'),
            finding('infected', '192.0.2.3', 0, 'darknet', '2026-02-01T00:01:00.000Z'),
          ],
          covered: [],
        });
        const second = await startRun(store, '2026-02-02T00:00:00.000Z');
        await store.reconcileFindings(second, { found: [], covered: [covered('192.0.2.2')] });
        await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [], { outbox: [delivery('a')] }));
        await store.createReport(reportInput('beta', '2026-02-03T00:00:00.000Z', [], { outbox: [delivery('b')] }));
        await store.createReport(reportInput('gamma', '2026-02-01T00:00:00.000Z', [], { outbox: [delivery('c')] }));
        const [delivered] = await store.dueOutbox('2026-02-01T00:00:00.000Z', 1);
        await store.settleOutbox({ id: delivered!.id, at: '2026-02-01T00:00:01.000Z', status: 'delivered' });

        const counts = await store.monitoringCounts('2026-02-02T12:00:00.000Z');
        const byKey = (rows: ReadonlyArray<{ count: number }> & Array<Record<string, unknown>>) =>
          Object.fromEntries(rows.map(({ count, ...key }) => [Object.values(key).join('/'), count]));
        assert.deepEqual(byKey(counts.findings), { 'infected/open': 1, 'weak-credential/closed': 1, 'weak-credential/open': 1 });
        assert.deepEqual(byKey(counts.outbox), { delivered: 1, pending: 2 });
        assert.equal(counts.oldestDueAt, '2026-02-02T00:00:00.000Z', 'the delivered one no longer counts; the one due tomorrow is not due yet');
        assert.equal((await store.monitoringCounts('2026-02-01T12:00:00.000Z')).oldestDueAt, undefined, 'nothing pending is due yet');
      }));
  });
}
