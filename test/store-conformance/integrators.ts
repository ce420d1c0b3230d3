/** Conformance of IntegratorStore, and of what integrators add to attributions and reports. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DashboardFindingStore } from '../../src/store/roles/dashboard-findings.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { IntegratorRecord, IntegratorStore } from '../../src/store/roles/integrators.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { isp, openFindings, reportInput } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const integrator = (id: string, ranges: string[]): IntegratorRecord => ({
  id,
  name: `${id} Systems`,
  contacts: { email: `psirt@${id}.example`, language: 'ja' },
  ranges,
  customerIds: [`${id}-customer-1`],
});

/**
 * @example describe('SQLite', () => integratorStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function integratorStoreConformance(
  open: OpenStore<IntegratorStore & IspAttributionStore & ReportStore & FindingStore & RunStore & DashboardFindingStore>,
): void {
  describe('IntegratorStore', () => {
    test('integrators are upserted by id and listed by id, every field round-trips', () =>
      withStore(open, async (store) => {
        await store.upsertIntegrators([integrator('kita', ['192.0.2.0/28']), integrator('aoi', ['2001:db8:5::/48'])]);
        await store.upsertIntegrators([{ ...integrator('kita', ['192.0.2.0/28', '198.51.100.0/24']), name: 'Kita Renamed' }]);
        assert.deepEqual(await store.listIntegrators(), [
          integrator('aoi', ['2001:db8:5::/48']),
          { ...integrator('kita', ['192.0.2.0/28', '198.51.100.0/24']), name: 'Kita Renamed' },
        ]);
      }));

    test("a finding's integrator is stored beside its ISP; listing filters by integrator with its name joined in", () =>
      withStore(open, async (store) => {
        await store.upsertIsps([isp('alpha', [64500])]);
        await store.upsertIntegrators([integrator('kita', ['192.0.2.0/28'])]);
        const [one, two] = await openFindings(store, ['192.0.2.1', '192.0.2.100']);
        await store.recordAttributions([
          { findingId: one!, attribution: { asn: 64500, ispId: 'alpha', integratorId: 'kita', source: 'registry' } },
          { findingId: two!, attribution: { asn: 64500, ispId: 'alpha', source: 'registry' } },
        ]);
        const kita = await store.listNotifiableFindings({ integratorId: 'kita', status: 'open' });
        assert.deepEqual(
          kita.map((row) => [row.id, row.attribution.ispId, row.attribution.integratorId, row.attribution.integratorName]),
          [[one, 'alpha', 'kita', 'kita Systems']],
        );
        assert.equal((await store.listNotifiableFindings({ ispId: 'alpha' })).length, 2, 'the ISP still hears of both');
        // Re-attribution without an integrator clears it.
        await store.recordAttributions([{ findingId: one!, attribution: { asn: 64500, ispId: 'alpha', source: 'registry' } }]);
        assert.deepEqual(await store.listNotifiableFindings({ integratorId: 'kita' }), []);
      }));

    test('reports to an integrator are their own audience: their times drive only that integrator', () =>
      withStore(open, async (store) => {
        const [one] = await openFindings(store, ['192.0.2.1']);
        await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [one!]));
        const made = await store.createReport({
          ...reportInput(undefined, '2026-02-03T00:00:00.000Z', [one!], { idempotencyKey: 'integrator/kita/1' }),
          audience: 'integrator',
          integratorId: 'kita',
        });
        assert.equal(made.created, true);
        const reports = await store.listReports();
        assert.deepEqual(
          reports.map((report) => [report.audience, report.ispId, report.integratorId]),
          [
            ['isp', 'alpha', undefined],
            ['integrator', undefined, 'kita'],
          ],
        );
        assert.deepEqual(
          await store.notificationTimes({ integratorId: 'kita' }),
          new Map([[one!, { first: '2026-02-03T00:00:00.000Z', last: '2026-02-03T00:00:00.000Z', reports: 1 }]]),
        );
        assert.equal((await store.notificationTimes()).get(one!)?.last, '2026-02-02T00:00:00.000Z', "an integrator's report is not an ISP notification");
        assert.equal((await store.notificationTimes({ integratorId: 'other' })).size, 0);
        const history = await store.findingHistory(one!);
        assert.deepEqual(
          history?.reports.map((report) => [report.audience, report.ispId, report.integratorId]),
          [
            ['isp', 'alpha', undefined],
            ['integrator', undefined, 'kita'],
          ],
          "a finding's history names the integrator its report went to",
        );
      }));
  });
}
