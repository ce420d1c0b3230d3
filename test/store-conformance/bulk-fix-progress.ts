/**
 * Bulk-fix progress (src/track/bulk-fix-progress.ts) read through each store: it is built from
 * the attribution, report and finding roles, so every store must give the same figures.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Device } from '../../src/core/records.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { bulkFixProgress } from '../../src/track/bulk-fix-progress.ts';
import { camera, covered, isp, openFindings, reportInput, startRun } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const router = (ip: string): Device => ({
  ip,
  identity: { vendor: 'Korvan', model: 'RT-300', deviceType: 'router', firmwareVersion: '1.0', confidence: 0.9, evidence: [] },
});

/**
 * @example describe('SQLite', () => bulkFixProgressConformance(async () => openSqliteStore(':memory:')))
 */
export function bulkFixProgressConformance(open: OpenStore<IspAttributionStore & ReportStore & FindingStore & RunStore & InventoryStore>): void {
  describe('bulk-fix progress', () => {
    test('per model of a managing ISP: devices at the first notice, fixed since, open, % fixed, week by week', () =>
      withStore(open, async (store) => {
        // 'beta' manages its customers' devices; 'alpha' does not and has no bulk-fix progress.
        await store.upsertIsps([isp('alpha', [64500]), isp('beta', [64501])]);
        const routers = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];
        const cameras = ['192.0.2.5', '192.0.2.6'];
        const ids = await openFindings(store, [...routers, ...cameras, '192.0.2.7']);
        const run = await startRun(store, '2026-02-01T00:00:00.000Z');
        await store.recordDevices(run, [...routers.map(router), ...cameras.map((ip) => camera(ip, '2.0')), router('192.0.2.7')]);
        const beta = ids.slice(0, 6);
        await store.recordAttributions([
          ...beta.map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'beta' } })),
          { findingId: ids[6]!, attribution: { source: 'registry' as const, ispId: 'alpha' } },
        ]);
        await store.createReport(reportInput('beta', '2026-02-02T00:00:00.000Z', beta));
        await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [ids[6]!]));
        // The simulated fix: a re-survey on 10 February no longer finds two of the routers.
        const recheck = await startRun(store, '2026-02-10T00:00:00.000Z');
        await store.reconcileFindings(recheck, { found: [], covered: [covered('192.0.2.1'), covered('192.0.2.2')] });

        const progress = await bulkFixProgress(store, { asOf: '2026-02-20T00:00:00.000Z' });
        assert.deepEqual(
          progress.map((row) => [row.ispId, row.vendor, row.model, row.firstNotice, row.devices, row.fixed, row.open, row.percentFixed]),
          [
            ['beta', 'Korvan', 'RT-300', '2026-02-02T00:00:00.000Z', 4, 2, 2, 50],
            ['beta', 'Korvan', 'IPC-2120', '2026-02-02T00:00:00.000Z', 2, 0, 2, 0],
          ],
        );
        assert.deepEqual(progress[0]!.timeline, [
          { at: '2026-02-02T00:00:00.000Z', notified: 4, fixed: 0 },
          { at: '2026-02-09T00:00:00.000Z', notified: 4, fixed: 0 },
          { at: '2026-02-16T00:00:00.000Z', notified: 4, fixed: 2 },
          { at: '2026-02-20T00:00:00.000Z', notified: 4, fixed: 2 },
        ]);
        const before = await bulkFixProgress(store, { asOf: '2026-02-05T00:00:00.000Z', ispId: 'beta' });
        assert.deepEqual(
          before.map((row) => [row.model, row.fixed, row.open]),
          [
            ['RT-300', 0, 4],
            ['IPC-2120', 0, 2],
          ],
          'as of a date before the fix',
        );
        assert.deepEqual(await bulkFixProgress(store, { asOf: '2026-02-20T00:00:00.000Z', ispId: 'alpha' }), []);
      }));
  });
}
