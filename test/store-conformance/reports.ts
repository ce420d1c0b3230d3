/** Conformance of ReportStore: idempotent reports with their findings, and notification times. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { openFindings, reportInput } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the ReportStore tests (findings come through RunStore and FindingStore).
 * @example describe('SQLite', () => reportStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function reportStoreConformance(open: OpenStore<ReportStore & FindingStore & RunStore>): void {
  describe('ReportStore', () => {
    test('a report is made once per idempotency key, with its findings', () =>
      withStore(open, async (store) => {
        const [one, two] = await openFindings(store, ['192.0.2.1', '192.0.2.2']);
        const input = reportInput('alpha', '2026-02-02T00:00:00.000Z', [two!, one!], {
          idempotencyKey: 'alpha/2026-02-02',
          outbox: [{ channel: 'smtp', destination: 'abuse@alpha.example', idempotencyKey: 'alpha/2026-02-02/smtp', payload: '{}' }],
        });
        const first = await store.createReport(input);
        assert.equal(first.created, true);
        const again = await store.createReport({ ...input, findingIds: [one!] });
        assert.deepEqual(again, { reportId: first.reportId, created: false }, 'the same key makes no second report');
        assert.equal((await store.listReports()).length, 1);
        assert.deepEqual(await store.reportFindingIds(first.reportId), [one, two], 'by finding id');
        assert.deepEqual(await store.listReports(), [
          {
            id: first.reportId,
            ispId: 'alpha',
            audience: 'isp',
            createdAt: '2026-02-02T00:00:00.000Z',
            periodEnd: '2026-02-02T00:00:00.000Z',
            idempotencyKey: 'alpha/2026-02-02',
            findingCount: 2,
            summary: { 'weak-credential': 2 },
          },
        ]);
        assert.deepEqual(await store.reportFindingIds(first.reportId + 1), []);
      }));

    test('reports are listed oldest first, by ISP; vendor reports have no ISP', () =>
      withStore(open, async (store) => {
        const [one] = await openFindings(store, ['192.0.2.1']);
        const alpha = await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [one!]));
        const vendor = await store.createReport(reportInput(undefined, '2026-02-03T00:00:00.000Z', [one!]));
        const beta = await store.createReport(reportInput('beta', '2026-02-04T00:00:00.000Z', []));
        assert.deepEqual(
          (await store.listReports()).map((row) => [row.id, row.ispId, row.audience]),
          [
            [alpha.reportId, 'alpha', 'isp'],
            [vendor.reportId, undefined, 'vendor'],
            [beta.reportId, 'beta', 'isp'],
          ],
        );
        assert.deepEqual(
          (await store.listReports({ ispId: 'beta' })).map((row) => [row.id, row.findingCount]),
          [[beta.reportId, 0]],
        );
      }));

    test('notification times: first and last report to an ISP and how many, per finding, ISP reports only', () =>
      withStore(open, async (store) => {
        const [one, two, three] = await openFindings(store, ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
        await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [one!, two!]));
        assert.deepEqual((await store.notificationTimes({ ispId: 'alpha' })).get(one!), {
          first: '2026-02-02T00:00:00.000Z',
          last: '2026-02-02T00:00:00.000Z',
          reports: 1,
        });
        assert.equal((await store.notificationTimes({ ispId: 'beta' })).size, 0, 'scoped to the ISP');
        await store.createReport(reportInput('alpha', '2026-02-09T00:00:00.000Z', [one!]));
        await store.createReport(reportInput('beta', '2026-02-10T00:00:00.000Z', [three!]));
        await store.createReport(reportInput(undefined, '2026-02-11T00:00:00.000Z', [one!, two!, three!]));
        const alpha = await store.notificationTimes({ ispId: 'alpha' });
        assert.deepEqual(alpha.get(one!), { first: '2026-02-02T00:00:00.000Z', last: '2026-02-09T00:00:00.000Z', reports: 2 });
        assert.deepEqual(alpha.get(two!), { first: '2026-02-02T00:00:00.000Z', last: '2026-02-02T00:00:00.000Z', reports: 1 }, 'vendor reports do not count');
        assert.equal(alpha.get(three!), undefined);
        const all = await store.notificationTimes();
        assert.deepEqual(
          [...all.keys()].sort((a, b) => a - b),
          [one, two, three],
        );
        assert.deepEqual(all.get(three!), { first: '2026-02-10T00:00:00.000Z', last: '2026-02-10T00:00:00.000Z', reports: 1 });
      }));
  });
}
