/**
 * Conformance of IspPortalStore: one ISP's findings (pages, counts that always equal a fresh
 * count, recently closed) and its reports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/core/records.ts';
import type { IspPortalStore } from '../../src/store/roles/isp-portal.ts';
import { type OpenStore, withStore } from './harness.ts';
import { type ProgrammeWriter, writeProgramme } from './programme.ts';

const at = '2025-01-01T00:00:00.000Z';
const weak = (ip: string): Finding => ({ kind: 'weak-credential', ip, port: 23, protocol: 'telnet', evidence: {}, observedAt: at }) as Finding;

/**
 * Registers the IspPortalStore tests (what they read is written through the other roles).
 * @example describe('SQLite', () => ispPortalStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function ispPortalStoreConformance(open: OpenStore<IspPortalStore & ProgrammeWriter>): void {
  describe('IspPortalStore', () => {
    test('an ISP’s counts and lists follow its findings as they are closed and reopened', () =>
      withStore(open, async (store) => {
        const run = await store.startRun({ startedAt: at, scope: [], exclude: [], ports: [23], checks: [] });
        await store.reconcileFindings(run, { found: [weak('192.0.2.1'), weak('192.0.2.2')], covered: [] });
        const [first, second] = (await store.listFindings()).map((row) => row.id);
        await store.recordAttributions([first!, second!].map((findingId) => ({ findingId, attribution: { source: 'registry' as const, ispId: 'isp-a' } })));
        assert.deepEqual(await store.countIspFindings('isp-a'), [{ kind: 'weak-credential', status: 'open', count: 2 }]);
        const closing = await store.startRun({ startedAt: '2025-01-08T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
        await store.reconcileFindings(closing, { found: [], covered: [{ ip: '192.0.2.2', port: 23, protocol: 'telnet', kind: 'weak-credential' }] });
        assert.deepEqual(await store.countIspFindings('isp-a'), [
          { kind: 'weak-credential', status: 'closed', count: 1 },
          { kind: 'weak-credential', status: 'open', count: 1 },
        ]);
        assert.deepEqual(
          (await store.listIspFindings({ ispId: 'isp-a', status: 'closed', limit: 10 })).map((row) => row.id),
          [second],
        );
        assert.equal((await store.recentlyClosedIspFindings('isp-a', 5))[0]?.closedAt, '2025-01-08T00:00:00.000Z');
        const reopening = await store.startRun({ startedAt: '2025-01-15T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
        await store.reconcileFindings(reopening, { found: [weak('192.0.2.2')], covered: [] });
        assert.deepEqual(await store.countIspFindings('isp-a'), [{ kind: 'weak-credential', status: 'open', count: 2 }]);
        assert.deepEqual(await store.recentlyClosedIspFindings('isp-a', 5), []);
        assert.equal(await store.getIspFinding('isp-b', first!), undefined);
        assert.equal((await store.getIspFinding('isp-a', first!))?.ip, '192.0.2.1');
        assert.deepEqual(await store.countIspFindings('isp-b'), []);
      }));

    test('the per-ISP counts always equal a fresh count', () =>
      withStore(open, async (store) => {
        const run = await store.startRun({ startedAt: at, scope: [], exclude: [], ports: [23], checks: [] });
        const ips = Array.from({ length: 12 }, (_, index) => `192.0.2.${index + 1}`);
        await store.reconcileFindings(run, { found: ips.map(weak), covered: [] });
        const ids = (await store.listFindings()).map((row) => row.id);
        const attribute = (pick: (index: number) => string | undefined) =>
          store.recordAttributions(
            ids.map((findingId, index) => ({
              findingId,
              attribution: pick(index) ? { source: 'registry' as const, ispId: pick(index) } : { source: 'none' as const },
            })),
          );
        const counted = async (ispId: string) => (await store.countIspFindings(ispId)).map((row) => `${row.kind}/${row.status}=${row.count}`).join(' ');
        const fresh = async (ispId: string) => {
          const rows = await store.listIspFindings({ ispId, limit: 1000 });
          const tally = new Map<string, number>();
          for (const row of rows) tally.set(`${row.kind}/${row.status}`, (tally.get(`${row.kind}/${row.status}`) ?? 0) + 1);
          const byStatusThenKind = ([a]: [string, number], [b]: [string, number]) => {
            const [kindA = '', statusA = ''] = a.split('/');
            const [kindB = '', statusB = ''] = b.split('/');
            return statusA.localeCompare(statusB) || kindA.localeCompare(kindB);
          };
          return [...tally]
            .sort(byStatusThenKind)
            .map(([key, count]) => `${key}=${count}`)
            .join(' ');
        };
        const check = async (step: string) => {
          for (const ispId of ['isp-a', 'isp-b']) assert.equal(await counted(ispId), await fresh(ispId), `${step}: ${ispId}`);
        };
        await attribute((index) => (index < 8 ? 'isp-a' : 'isp-b'));
        await check('attributed');
        assert.equal(await counted('isp-a'), 'weak-credential/open=8');
        const closing = await store.startRun({ startedAt: '2025-01-08T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
        await store.reconcileFindings(closing, {
          found: [],
          covered: ips.slice(0, 3).map((ip) => ({ ip, port: 23, protocol: 'telnet', kind: 'weak-credential' as const })),
        });
        await check('three closed');
        await attribute((index) => (index % 3 === 0 ? 'isp-b' : index % 3 === 1 ? 'isp-a' : undefined));
        await check('re-attributed, some to nobody');
        const reopening = await store.startRun({ startedAt: '2025-01-15T00:00:00.000Z', scope: [], exclude: [], ports: [23], checks: [] });
        await store.reconcileFindings(reopening, { found: ips.slice(0, 2).map(weak), covered: [] });
        await check('reopened');
      }));

    test('pages of an ISP’s findings are newest first, filtered, and continue below a cursor', () =>
      withStore(open, async (store) => {
        const { findings } = await writeProgramme(store);
        const { A, B, C, D, G, H } = findings;
        const ids = async (query: Parameters<IspPortalStore['listIspFindings']>[0]) => (await store.listIspFindings(query)).map((row) => row.id);
        assert.deepEqual(await ids({ ispId: 'sakura', limit: 10 }), [H, C, B, A]);
        assert.deepEqual(await ids({ ispId: 'sakura', limit: 2 }), [H, C]);
        assert.deepEqual(await ids({ ispId: 'sakura', limit: 2, beforeId: C }), [B, A]);
        assert.deepEqual(await ids({ ispId: 'sakura', kind: 'weak-credential', status: 'open', limit: 10 }), [H, A]);
        assert.deepEqual(await ids({ ispId: 'hikari', status: 'closed', limit: 10 }), [D]);
        assert.deepEqual(await ids({ ispId: 'nobody', limit: 10 }), []);
        const [row] = await store.listIspFindings({ ispId: 'hikari', kind: 'weak-credential', status: 'open', limit: 1 });
        assert.deepEqual(
          [row?.id, row?.attribution.ispId, row?.attribution.ispName, row?.attribution.asn, row?.lastRunId],
          [G, 'hikari', 'Hikari Broadband', 64498, (await store.listFindings()).find((finding) => finding.id === G)?.lastRunId],
        );
        const a = await store.getIspFinding('sakura', A);
        assert.deepEqual([a?.vendor, a?.model, a?.deviceType, a?.evidence], ['Korvan', 'KC-100', 'ip-camera', { banner: 'KC-100 login:' }]);
        assert.equal(await store.getIspFinding('hikari', A), undefined, 'another ISP’s finding is not there');
        assert.deepEqual(
          (await store.recentlyClosedIspFindings('hikari', 5)).map((closed) => [closed.id, closed.closedAt]),
          [[D, '2026-02-05T00:00:00.000Z']],
        );
        assert.deepEqual(await store.countIspFindings('sakura'), [
          { kind: 'weak-credential', status: 'closed', count: 1 },
          { kind: 'no-authentication', status: 'open', count: 1 },
          { kind: 'weak-credential', status: 'open', count: 2 },
        ]);
      }));

    test('a report is read with the findings it carried as they stand now; an ISP sees the reports that carried a finding', () =>
      withStore(open, async (store) => {
        const { findings, reports } = await writeProgramme(store);
        const { A, B, C, D } = findings;
        const report = await store.getReport(reports.R1);
        assert.deepEqual(report, {
          id: reports.R1,
          ispId: 'sakura',
          audience: 'isp',
          createdAt: '2026-01-15T00:00:00.000Z',
          periodEnd: '2026-01-15T00:00:00.000Z',
          idempotencyKey: 'sakura/2026-01-15T00:00:00.000Z',
          findingCount: 3,
          summary: { 'weak-credential': 3 },
        });
        assert.equal((await store.getReport(reports.R3))?.audience, 'vendor');
        assert.equal(await store.getReport(9999), undefined);
        const carried = await store.listReportFindings(reports.R1);
        assert.deepEqual(
          carried.map((row) => [row.id, row.status, row.attribution.ispId]),
          [
            [A, 'open', 'sakura'],
            [B, 'closed', 'sakura'],
            [C, 'open', 'sakura'],
          ],
        );
        assert.equal(carried[1]!.closedAt, '2026-02-05T00:00:00.000Z');
        assert.deepEqual(
          (await store.reportsCarryingFinding('sakura', A)).map((row) => row.id),
          [reports.R1],
          'the vendor report is no ISP’s',
        );
        assert.deepEqual(
          (await store.reportsCarryingFinding('hikari', D)).map((row) => row.id),
          [reports.R2],
        );
        assert.deepEqual(await store.reportsCarryingFinding('hikari', A), []);
      }));
  });
}
