/** Conformance of IspAttributionStore: the registry, attributions, and findings read with both. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { IspAttributionStore } from '../../src/store/roles/isp-attribution.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { camera, covered, isp, openFindings, startRun } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the IspAttributionStore tests (findings and devices come through the other roles).
 * @example describe('SQLite', () => ispAttributionStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function ispAttributionStoreConformance(open: OpenStore<IspAttributionStore & FindingStore & RunStore & InventoryStore>): void {
  describe('IspAttributionStore', () => {
    test('ISPs are upserted by id and listed by id', () =>
      withStore(open, async (store) => {
        await store.upsertIsps([isp('beta', [64501]), isp('alpha', [64500])]);
        await store.upsertIsps([{ ...isp('alpha', [64500, 64502]), name: 'Alpha Renamed' }]);
        const isps = await store.listIsps();
        assert.deepEqual(
          isps.map((row) => [row.id, row.name, row.asns, row.managesCustomerDevices]),
          [
            ['alpha', 'Alpha Renamed', [64500, 64502], false],
            ['beta', 'beta Networks', [64501], true],
          ],
        );
        assert.deepEqual(isps[1], isp('beta', [64501]), 'every field round-trips');
      }));

    test('attributions join findings to ISPs; listing filters by ISP, status and attribution', () =>
      withStore(open, async (store) => {
        await store.upsertIsps([{ ...isp('alpha', [64500]), name: 'Alpha Renamed' }, isp('beta', [64501])]);
        const [one, two, three] = await openFindings(store, ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
        const run = await startRun(store, '2026-02-01T00:00:00.000Z');
        await store.recordDevices(run, [camera('192.0.2.2', '1.0')]);
        await store.recordAttributions([
          { findingId: one!, attribution: { prefix: '192.0.2.0/25', asn: 64500, ispId: 'alpha', source: 'registry' } },
          { findingId: two!, attribution: { prefix: '192.0.2.0/25', asn: 64500, ispId: 'alpha', source: 'registry' } },
        ]);
        const alpha = await store.listNotifiableFindings({ ispId: 'alpha', status: 'open' });
        assert.deepEqual(
          alpha.map((row) => [row.ip, row.attribution.ispName, row.attribution.asn]),
          [
            ['192.0.2.1', 'Alpha Renamed', 64500],
            ['192.0.2.2', 'Alpha Renamed', 64500],
          ],
        );
        assert.deepEqual([alpha[1]!.vendor, alpha[1]!.model, alpha[1]!.deviceType], ['Korvan', 'IPC-2120', 'ip-camera'], 'device identity joined in');
        assert.deepEqual(alpha[0]!.evidence, { prompt: 'login:', success: 'shell prompt' });
        const pending = await store.listNotifiableFindings({ unattributed: true });
        assert.deepEqual(
          pending.map((row) => [row.id, row.ip, row.attribution.source, row.attribution.unattributedReason]),
          [[three, '192.0.2.3', 'none', 'not attributed yet']],
        );
        assert.equal((await store.listNotifiableFindings()).length, 3);
        assert.deepEqual(await store.listNotifiableFindings({ ispId: 'beta' }), []);

        // Re-attribution replaces; a closed finding leaves the open list.
        await store.recordAttributions([{ findingId: two!, attribution: { asn: 64501, ispId: 'beta', source: 'registry' } }], {
          at: '2026-02-02T00:00:00.000Z',
        });
        await store.recordAttributions([
          { findingId: three!, attribution: { source: 'none', unattributedReason: 'AS 64999 not in the registry', asn: 64999 } },
        ]);
        assert.deepEqual(
          (await store.listNotifiableFindings({ ispId: 'beta' })).map((row) => [row.ip, row.attribution.ispName, row.attribution.prefix]),
          [['192.0.2.2', 'beta Networks', undefined]],
        );
        assert.deepEqual(await store.listNotifiableFindings({ unattributed: true }), [], 'an attribution naming no ISP is still an attribution');
        assert.equal((await store.listNotifiableFindings()).find((row) => row.id === three)?.attribution.unattributedReason, 'AS 64999 not in the registry');
        const closing = await startRun(store, '2026-03-01T00:00:00.000Z');
        await store.reconcileFindings(closing, { found: [], covered: [covered('192.0.2.1')] });
        assert.deepEqual(await store.listNotifiableFindings({ ispId: 'alpha', status: 'open' }), []);
        const [closed] = await store.listNotifiableFindings({ ispId: 'alpha', status: 'closed' });
        assert.deepEqual([closed?.id, closed?.closedAt], [one, '2026-03-01T00:00:00.000Z']);
      }));
  });
}
