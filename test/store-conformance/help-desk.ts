/** Conformance of HelpDeskStore: one ISP's findings at one address, never another ISP's, and the lookup log. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/core/records.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { HelpDeskLookup, HelpDeskStore } from '../../src/store/roles/help-desk.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { startRun } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const weak = (ip: string, port: number, observedAt: string): Finding =>
  ({ kind: 'weak-credential', ip, port, protocol: 'telnet', evidence: {}, observedAt }) as Finding;

/**
 * Registers the HelpDeskStore tests (findings and attributions are written through their roles).
 * @example describe('SQLite', () => helpDeskStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function helpDeskStoreConformance(open: OpenStore<HelpDeskStore & FindingStore & IspAttributionStore & RunStore>): void {
  describe('HelpDeskStore', () => {
    test("an ISP's findings at exactly the address, closed ones too, newest first; another ISP's never", () =>
      withStore(open, async (store) => {
        const first = await startRun(store, '2026-01-01T00:00:00.000Z');
        await store.reconcileFindings(first, {
          found: [
            weak('192.0.2.7', 23, '2026-01-01T00:00:00.000Z'),
            weak('192.0.2.70', 23, '2026-01-01T00:00:00.000Z'),
            weak('192.0.2.8', 23, '2026-01-01T00:00:00.000Z'),
          ],
          covered: [],
        });
        const closing = await startRun(store, '2026-01-05T00:00:00.000Z');
        await store.reconcileFindings(closing, {
          found: [weak('192.0.2.7', 2323, '2026-01-05T00:00:00.000Z')],
          covered: [{ ip: '192.0.2.7', port: 23, protocol: 'telnet', kind: 'weak-credential' }],
        });
        const ids = new Map((await store.listFindings()).map((row) => [`${row.ip}:${row.port}`, row.id]));
        await store.recordAttributions([
          { findingId: ids.get('192.0.2.7:23')!, attribution: { source: 'registry', ispId: 'isp-a' } },
          { findingId: ids.get('192.0.2.7:2323')!, attribution: { source: 'registry', ispId: 'isp-a' } },
          { findingId: ids.get('192.0.2.70:23')!, attribution: { source: 'registry', ispId: 'isp-a' } },
          { findingId: ids.get('192.0.2.8:23')!, attribution: { source: 'registry', ispId: 'isp-b' } },
        ]);
        const rows = await store.listIspFindingsAtAddress('isp-a', '192.0.2.7', 10);
        assert.deepEqual(
          rows.map((row) => [row.port, row.status, row.firstSeen, row.closedAt]),
          [
            [2323, 'open', '2026-01-05T00:00:00.000Z', undefined],
            [23, 'closed', '2026-01-01T00:00:00.000Z', '2026-01-05T00:00:00.000Z'],
          ],
        );
        assert.equal(rows[0]!.attribution.ispId, 'isp-a');
        assert.equal((await store.listIspFindingsAtAddress('isp-a', '192.0.2.7', 1)).length, 1, 'the limit holds');
        assert.deepEqual(await store.listIspFindingsAtAddress('isp-a', '192.0.2.8', 10), [], "another ISP's finding is not there");
        assert.equal((await store.listIspFindingsAtAddress('isp-b', '192.0.2.8', 10)).length, 1);
        assert.deepEqual(await store.listIspFindingsAtAddress('isp-b', '192.0.2.7', 10), []);
      }));

    test('lookups are logged and read back newest first, per ISP and by keyset', () =>
      withStore(open, async (store) => {
        const lookup = (index: number, ispId: string): HelpDeskLookup => ({
          at: `2026-02-01T00:0${index}:00.000Z`,
          userId: index,
          userName: `desk-${index}`,
          ispId,
          ip: index % 2 === 0 ? '192.0.2.7' : '2001:db8::7',
          askedTime: '2026-01-03T12:00:00.000Z',
          rowsShown: index + 1,
          rowsPresent: index,
        });
        const ids: number[] = [];
        for (const [index, ispId] of ['isp-a', 'isp-b', 'isp-a', 'isp-a'].entries()) ids.push(await store.recordHelpDeskLookup(lookup(index, ispId)));
        assert.equal(new Set(ids).size, 4);
        const all = await store.listHelpDeskLookups({ limit: 10 });
        assert.deepEqual(
          all.map((row) => row.id),
          [...ids].reverse(),
        );
        assert.deepEqual(all.at(-1), { id: ids[0], ...lookup(0, 'isp-a') });
        assert.deepEqual(all[2], { id: ids[1], ...lookup(1, 'isp-b') });
        assert.deepEqual(
          (await store.listHelpDeskLookups({ ispId: 'isp-a', limit: 10 })).map((row) => row.id),
          [ids[3], ids[2], ids[0]],
        );
        assert.deepEqual(
          (await store.listHelpDeskLookups({ ispId: 'isp-a', beforeId: ids[3], limit: 1 })).map((row) => row.id),
          [ids[2]],
        );
      }));
  });
}
