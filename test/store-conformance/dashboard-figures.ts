/**
 * Conformance of DashboardFigureStore: the aggregates of a known programme, the tracked
 * findings, and a change mark that moves with every change the figures depend on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DashboardFigureStore } from '../../src/store/roles/dashboard-figures.ts';
import { darknetWindow, finding, reportInput } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';
import { type ProgrammeWriter, writeProgramme } from './programme.ts';

/** Rows in a fixed order, for comparing groups whose order the role leaves open. */
const sorted = <T>(rows: readonly T[]): T[] =>
  [...rows]
    .map((row) => JSON.stringify(row, Object.keys(row as object).sort()))
    .sort()
    .map((text) => JSON.parse(text) as T);

/**
 * Registers the DashboardFigureStore tests (the programme is written through the other roles).
 * @example describe('SQLite', () => dashboardFigureStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function dashboardFigureStoreConformance(open: OpenStore<DashboardFigureStore & ProgrammeWriter>): void {
  describe('DashboardFigureStore', () => {
    test('an empty store has empty figures', () =>
      withStore(open, async (store) => {
        const aggregates = await store.dashboardAggregates();
        assert.deepEqual(aggregates, {
          foundByMonth: [],
          remediatedByMonth: [],
          reportsByMonth: [],
          infectedByDay: [],
          byIsp: [],
          openByDevice: [],
          isps: [],
          darknetByDay: [],
          darknetTopPorts: [],
          drdosByDay: [],
          totals: { findings: 0, reports: 0, deliveredReports: 0, feedback: 0, pendingOptOuts: 0 },
        });
        assert.deepEqual(await store.listTrackedFindings(), []);
      }));

    test('the aggregates of a programme', () =>
      withStore(open, async (store) => {
        await writeProgramme(store);
        const aggregates = await store.dashboardAggregates();
        assert.deepEqual(aggregates.foundByMonth, [
          { month: '2026-01', kind: 'infected', count: 2 },
          { month: '2026-01', kind: 'no-authentication', count: 1 },
          { month: '2026-01', kind: 'weak-credential', count: 3 },
          { month: '2026-02', kind: 'weak-credential', count: 2 },
        ]);
        assert.deepEqual(aggregates.remediatedByMonth, [{ month: '2026-02', count: 2 }]);
        assert.deepEqual(aggregates.reportsByMonth, [{ month: '2026-01', reports: 2, findingsNotified: 5 }], 'ISP reports only');
        assert.deepEqual(aggregates.infectedByDay, [
          { day: '2026-01-11', hosts: 1 },
          { day: '2026-01-12', hosts: 2 },
        ]);
        assert.deepEqual(
          sorted(aggregates.byIsp),
          sorted([
            { status: 'open', kind: 'weak-credential', ispId: 'sakura', count: 2 },
            { status: 'closed', kind: 'weak-credential', ispId: 'sakura', count: 1 },
            { status: 'open', kind: 'no-authentication', ispId: 'sakura', count: 1 },
            { status: 'closed', kind: 'weak-credential', ispId: 'hikari', count: 1 },
            { status: 'open', kind: 'infected', ispId: 'hikari', count: 1 },
            { status: 'open', kind: 'weak-credential', ispId: 'hikari', count: 1 },
            { status: 'open', kind: 'infected', count: 1 },
          ]),
        );
        assert.deepEqual(
          sorted(aggregates.openByDevice),
          sorted([
            { kind: 'weak-credential', deviceType: 'ip-camera', vendor: 'Korvan', releaseYear: 2014, count: 2 },
            { kind: 'no-authentication', count: 1 },
            { kind: 'infected', deviceType: 'router', vendor: 'Velmora', releaseYear: 2012, count: 1 },
            { kind: 'infected', count: 1 },
            { kind: 'weak-credential', count: 1 },
          ]),
        );
        assert.deepEqual(aggregates.isps, [
          { id: 'hikari', name: 'Hikari Broadband' },
          { id: 'sakura', name: 'Sakura Net' },
        ]);
        assert.deepEqual(aggregates.darknetByDay, [
          { day: '2026-01-11', packets: 1000, sources: 2, scanners: 1, miraiScanners: 1 },
          { day: '2026-01-12', packets: 150, sources: 2, scanners: 0, miraiScanners: 0 },
        ]);
        assert.deepEqual(aggregates.darknetTopPorts, [
          { port: 23, packets: 1100 },
          { port: 80, packets: 40 },
        ]);
        assert.deepEqual(aggregates.totals, { findings: 8, reports: 2, deliveredReports: 1, feedback: 1, pendingOptOuts: 1 });
      }));

    test('tracked findings: reported (finding, ISP) pairs by first-report day and remediation day', () =>
      withStore(open, async (store) => {
        await writeProgramme(store);
        assert.deepEqual(
          sorted(await store.listTrackedFindings()),
          sorted([
            { ispId: 'sakura', startAt: '2026-01-15', count: 2 },
            { ispId: 'sakura', startAt: '2026-01-15', remediatedAt: '2026-02-05', count: 1 },
            { ispId: 'hikari', startAt: '2026-01-20', count: 1 },
            { ispId: 'hikari', startAt: '2026-01-20', remediatedAt: '2026-02-05', count: 1 },
          ]),
        );
      }));

    test('the change mark stays while nothing changes and moves with every change the figures are made from', () =>
      withStore(open, async (store) => {
        const programme = await writeProgramme(store);
        let mark = await store.dashboardChangeMark();
        assert.equal(await store.dashboardChangeMark(), mark, 'reading changes nothing');
        await store.dashboardAggregates();
        assert.equal(await store.dashboardChangeMark(), mark);
        const changes: Array<[string, () => Promise<unknown>]> = [
          ['a run starts', () => store.startRun({ startedAt: '2026-03-01T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: ['credentials'] })],
          [
            'the run finishes',
            async () => store.finishRun((await store.listRuns()).at(-1)!.id, { finishedAt: '2026-03-01T01:00:00.000Z', status: 'completed', counts: {} }),
          ],
          [
            'a finding is found',
            async () =>
              store.reconcileFindings((await store.listRuns()).at(-1)!.id, {
                found: [finding('weak-credential', '192.0.2.50', 23, 'telnet', '2026-03-01T00:10:00.000Z')],
                covered: [],
              }),
          ],
          [
            'a finding is attributed',
            () =>
              store.recordAttributions([{ findingId: programme.findings.F, attribution: { source: 'registry', ispId: 'hikari' } }], {
                at: '2026-03-02T00:00:00.000Z',
              }),
          ],
          ['an ISP is renamed', async () => store.upsertIsps([{ ...(await store.listIsps())[0]!, name: 'Renamed' }], { at: '2026-03-02T00:00:00.000Z' })],
          [
            'a report is made',
            () =>
              store.createReport(
                reportInput('hikari', '2026-03-03T00:00:00.000Z', [programme.findings.F], {
                  outbox: [{ channel: 'webhook', destination: 'https://hikari.example/hook', idempotencyKey: 'hikari-3/webhook', payload: '{}' }],
                }),
              ),
          ],
          [
            'a delivery is attempted',
            async () =>
              store.settleOutbox({ id: (await store.dueOutbox('2026-03-03T00:00:00.000Z', 1))[0]!.id, at: '2026-03-03T00:01:00.000Z', status: 'delivered' }),
          ],
          [
            'feedback arrives',
            () => store.recordFeedback({ findingId: programme.findings.F, ispId: 'hikari', action: 'handled', at: '2026-03-04T00:00:00.000Z' }),
          ],
          ['a darknet window is stored', () => store.recordDarknetWindows(programme.runs.darknet, [darknetWindow('2026-03-01T00:00:00.000Z', 86400, 5)])],
          [
            'a finding is closed',
            async () =>
              store.reconcileFindings((await store.listRuns()).at(-1)!.id, {
                found: [],
                covered: [{ ip: '192.0.2.50', port: 23, protocol: 'telnet', kind: 'weak-credential' }],
              }),
          ],
          [
            'an opt-out request is decided',
            () => store.decideOptOutRequest(programme.optOutId, { status: 'approved', at: '2026-03-05T00:00:00.000Z', by: 'ops' }),
          ],
        ];
        for (const [change, make] of changes) {
          await make();
          const next = await store.dashboardChangeMark();
          assert.notEqual(next, mark, change);
          mark = next;
        }
      }));
  });
}
