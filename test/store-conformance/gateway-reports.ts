/** Conformance of GatewayReportStore: reports round-trip with their counts, newest first, per ISP and by keyset. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GatewayReport, GatewayReportStore } from '../../src/store/roles/gateway-reports.ts';
import { type OpenStore, withStore } from './harness.ts';

const report = (ispId: string, gateway: string, receivedAt: string): GatewayReport => ({
  receivedAt,
  ispId,
  userId: 7,
  userName: `gw@${ispId}`,
  gateway,
  windowStart: '2026-03-01T00:00:00.000Z',
  windowEnd: receivedAt,
  policyVersion: 'a1b2c3',
  blocked: [{ indicator: '203.0.113.5 port 8080', packets: 12, bytes: 720 }],
  quarantined: [{ ip: '192.0.2.7', droppedPackets: 40, pagesServed: 2 }],
});

/**
 * Registers the GatewayReportStore tests.
 * @example describe('SQLite', () => gatewayReportStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function gatewayReportStoreConformance(open: OpenStore<GatewayReportStore>): void {
  describe('GatewayReportStore', () => {
    test('reports are stored with their counts and read back newest first, per ISP and by keyset', () =>
      withStore(open, async (store) => {
        const first = await store.recordGatewayReport(report('isp-a', 'office-1', '2026-03-01T01:00:00.000Z'));
        const second = await store.recordGatewayReport(report('isp-b', 'home-9', '2026-03-01T02:00:00.000Z'));
        const third = await store.recordGatewayReport(report('isp-a', 'office-2', '2026-03-01T03:00:00.000Z'));
        assert.ok(first < second && second < third, 'ids grow');
        const all = await store.listGatewayReports({ limit: 10 });
        assert.deepEqual(
          all.map((row) => [row.id, row.gateway]),
          [
            [third, 'office-2'],
            [second, 'home-9'],
            [first, 'office-1'],
          ],
        );
        assert.deepEqual(all[2], { id: first, ...report('isp-a', 'office-1', '2026-03-01T01:00:00.000Z') }, 'every field round-trips');
        assert.deepEqual(
          (await store.listGatewayReports({ ispId: 'isp-a', limit: 10 })).map((row) => row.id),
          [third, first],
          "only the ISP's own",
        );
        assert.deepEqual(
          (await store.listGatewayReports({ beforeId: third, limit: 1 })).map((row) => row.id),
          [second],
          'keyset and limit',
        );
      }));
  });
}
