/** Conformance of DashboardFindingStore: the drill-down list's filters and pages, and a finding's history. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DashboardFindingFilter, DashboardFindingStore } from '../../src/store/roles/dashboard-findings.ts';
import { type OpenStore, withStore } from './harness.ts';
import { type ProgrammeWriter, writeProgramme } from './programme.ts';

/**
 * Registers the DashboardFindingStore tests (the programme is written through the other roles).
 * @example describe('SQLite', () => dashboardFindingStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function dashboardFindingStoreConformance(open: OpenStore<DashboardFindingStore & ProgrammeWriter>): void {
  describe('DashboardFindingStore', () => {
    test('every filter narrows the list, newest first; following the cursor visits each finding once', () =>
      withStore(open, async (store) => {
        const { findings } = await writeProgramme(store);
        const { A, B, C, D, E, F, G, H } = findings;
        /** Every matching id, page after page (a page may stop early: `partial`). */
        const all = async (filter: DashboardFindingFilter, limit = 50): Promise<number[]> => {
          const ids: number[] = [];
          let before: number | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page = await store.listDashboardFindings({ ...filter, limit, ...(before !== undefined ? { before } : {}) });
            assert.ok(page.findings.length <= limit);
            ids.push(...page.findings.map((row) => row.id));
            if (page.next === undefined) return ids;
            before = page.next;
          }
          throw new Error('the cursor never ended');
        };
        assert.deepEqual(await all({}), [H, G, F, E, D, C, B, A]);
        assert.deepEqual(await all({}, 2), [H, G, F, E, D, C, B, A], 'pages of two');
        assert.deepEqual(await all({}, 3), [H, G, F, E, D, C, B, A], 'pages of three');
        assert.deepEqual(await all({ kind: 'weak-credential' }), [H, G, D, B, A]);
        assert.deepEqual(await all({ status: 'closed' }), [D, B]);
        assert.deepEqual(await all({ isp: 'sakura' }), [H, C, B, A]);
        assert.deepEqual(await all({ isp: 'sakura', status: 'open', kind: 'weak-credential' }), [H, A]);
        assert.deepEqual(await all({ isp: 'unattributed' }), [F]);
        assert.deepEqual(await all({ vendor: 'Korvan' }), [H, B, A]);
        assert.deepEqual(await all({ vendor: 'unidentified' }), [G, F, C]);
        assert.deepEqual(await all({ vendor: 'Nobody' }), []);
        assert.deepEqual(await all({ deviceType: 'router' }), [E, D]);
        assert.deepEqual(await all({ deviceType: 'router', isp: 'hikari', kind: 'infected' }), [E]);
        assert.deepEqual(await all({ releaseYear: '2014' }), [H, A]);
        assert.deepEqual(await all({ releaseYear: 'unknown' }), [G, F, C]);
        assert.deepEqual(await all({ month: '2026-02' }), [H, G]);
        assert.deepEqual(await all({ month: '2026-02', kind: 'weak-credential' }, 1), [H, G]);
        assert.deepEqual(await all({ closedMonth: '2026-02' }), [D, B]);
        assert.deepEqual(await all({ closedMonth: '2026-01' }), []);
        assert.deepEqual(await all({ month: '2025-12' }), []);

        const page = await store.listDashboardFindings({ kind: 'weak-credential', limit: 50 });
        assert.equal(page.partial, false);
        assert.equal(page.next, undefined);
        const row = page.findings.find((candidate) => candidate.id === A)!;
        assert.deepEqual(row, {
          id: A,
          kind: 'weak-credential',
          ip: '192.0.2.1',
          port: 23,
          protocol: 'telnet',
          status: 'open',
          firstSeen: '2026-01-10T01:00:00.000Z',
          lastSeen: '2026-01-10T01:00:00.000Z',
          vendor: 'Korvan',
          model: 'KC-100',
          deviceType: 'ip-camera',
          releaseYear: 2014,
          ispId: 'sakura',
          ispName: 'Sakura Net',
        });
        assert.equal((await store.listDashboardFindings({ status: 'closed', limit: 50 })).findings[0]!.closedAt, '2026-02-05T00:00:00.000Z');
      }));

    test('a finding’s history: device, attribution, events with their runs, reports with deliveries, feedback, service and darknet', () =>
      withStore(open, async (store) => {
        const { findings, reports, runs, feedbackId } = await writeProgramme(store);
        const closed = await store.findingHistory(findings.B);
        assert.ok(closed);
        assert.deepEqual(
          [closed.finding.id, closed.finding.status, closed.finding.closedAt, closed.finding.closedRunId, closed.finding.vendor, closed.finding.model],
          [findings.B, 'closed', '2026-02-05T00:00:00.000Z', runs.second, 'Korvan', 'KC-200'],
        );
        assert.deepEqual(
          [closed.device?.vendor, closed.device?.model, closed.device?.deviceType, closed.device?.releaseYear, closed.device?.firstSeen],
          ['Korvan', 'KC-200', 'ip-camera', 2016, '2026-01-10T00:00:00.000Z'],
        );
        assert.deepEqual(closed.attribution, {
          prefix: '192.0.2.0/24',
          asn: 64496,
          ispId: 'sakura',
          ispName: 'Sakura Net',
          source: 'registry',
          attributedAt: '2026-01-14T00:00:00.000Z',
        });
        assert.deepEqual(closed.events, [
          { event: 'opened', at: '2026-01-10T01:00:00.000Z', runId: runs.first, runStartedAt: '2026-01-10T00:00:00.000Z', runChecks: ['credentials'] },
          { event: 'closed', at: '2026-02-05T00:00:00.000Z', runId: runs.second, runStartedAt: '2026-02-05T00:00:00.000Z', runChecks: ['credentials'] },
        ]);
        assert.deepEqual(closed.resurvey, { firstRunId: runs.first, lastRunId: runs.first, misses: 1, closedRunId: runs.second });
        assert.deepEqual(closed.reports, [
          {
            reportId: reports.R1,
            ispId: 'sakura',
            audience: 'isp',
            createdAt: '2026-01-15T00:00:00.000Z',
            deliveries: [
              {
                channel: 'smtp',
                destination: 'abuse@sakura.example',
                status: 'delivered',
                attempts: 1,
                deliveredAt: '2026-01-15T00:05:00.000Z',
                lastAttemptAt: '2026-01-15T00:05:00.000Z',
              },
            ],
          },
        ]);
        assert.deepEqual(
          closed.feedback.map((row) => [row.id, row.action, row.note]),
          [[feedbackId, 'subscriber-contacted', 'called']],
        );
        assert.equal(closed.service, undefined);
        assert.deepEqual(closed.darknet, []);

        const open_ = await store.findingHistory(findings.A);
        assert.equal(open_?.service?.result.banner, 'KC-100 login:');
        assert.deepEqual(
          open_?.reports.map((report) => [report.reportId, report.audience, report.deliveries.length]),
          [
            [reports.R1, 'isp', 1],
            [reports.R3, 'vendor', 0],
          ],
        );
        assert.deepEqual(open_?.resurvey, { firstRunId: runs.first, lastRunId: runs.first, misses: 0 });
        const infected = await store.findingHistory(findings.E);
        assert.deepEqual(
          infected?.darknet.map((row) => [row.ip, row.verdict, row.windowStart, row.periodSeconds, row.packets]),
          [['198.51.100.1', 'scanner', '2026-01-11T00:00:00.000Z', 86400, 90]],
        );
        const unattributed = await store.findingHistory(findings.F);
        assert.deepEqual([unattributed?.attribution, unattributed?.device, unattributed?.reports], [undefined, undefined, []]);
        assert.equal(await store.findingHistory(9999), undefined);
      }));
  });
}
