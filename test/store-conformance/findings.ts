/**
 * Conformance of FindingStore: the reconciliation rules that make re-surveys track
 * remediation (open, update, close after misses, reopen), events, filters and the summary.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { camera, covered, runAt, startRun, telnet, weak } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

type FindingRoles = FindingStore & RunStore & InventoryStore;

const statusByIp = async (store: FindingStore) => Object.fromEntries((await store.listFindings()).map((row) => [row.ip, row.status]));

/**
 * Registers the FindingStore tests (runs and devices are written through RunStore and InventoryStore).
 * @example describe('SQLite', () => findingStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function findingStoreConformance(open: OpenStore<FindingRoles>): void {
  describe('FindingStore', () => {
    test('a re-survey opens, updates, closes and reopens findings exactly per the rules', () =>
      withStore(open, async (store) => {
        const run1 = await startRun(store, '2025-01-01T00:00:00.000Z');
        const first = await store.reconcileFindings(run1, {
          found: [weak('192.0.2.1', '2025-01-01T00:01:00.000Z'), weak('192.0.2.2', '2025-01-01T00:01:00.000Z'), weak('192.0.2.3', '2025-01-01T00:01:00.000Z')],
          covered: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'].map((ip) => covered(ip)),
        });
        assert.deepEqual(first, { opened: 3, updated: 0, closed: 0, reopened: 0, missed: 0 });

        // Run 2: .1 still weak, .2 fixed (checked, not found), .3 not checked this time.
        const run2 = await startRun(store, '2025-02-01T00:00:00.000Z');
        const second = await store.reconcileFindings(run2, {
          found: [weak('192.0.2.1', '2025-02-01T00:01:00.000Z', 'on-005')],
          covered: [covered('192.0.2.1'), covered('192.0.2.2')],
        });
        assert.deepEqual(second, { opened: 0, updated: 1, closed: 1, reopened: 0, missed: 0 });
        assert.deepEqual(await statusByIp(store), { '192.0.2.1': 'open', '192.0.2.2': 'closed', '192.0.2.3': 'open' });

        const rows = await store.listFindings();
        const stillOpen = rows.find((row) => row.ip === '192.0.2.1')!;
        assert.equal(stillOpen.firstSeen, '2025-01-01T00:01:00.000Z');
        assert.equal(stillOpen.lastSeen, '2025-02-01T00:01:00.000Z');
        assert.equal(stillOpen.dictionaryEntryId, 'on-005');
        assert.equal(stillOpen.lastRunId, run2);
        const fixed = rows.find((row) => row.ip === '192.0.2.2')!;
        assert.equal(fixed.closedAt, '2025-02-01T00:00:00.000Z', 'closed at the run start by default');
        assert.equal(fixed.closedRunId, run2);
        const untouched = rows.find((row) => row.ip === '192.0.2.3')!;
        assert.equal(untouched.lastRunId, run1);
        assert.deepEqual(
          (await store.listFindings({ runId: run2 })).map((row) => row.ip),
          ['192.0.2.1', '192.0.2.2'],
          'seen or closed by run 2',
        );
        assert.deepEqual(
          (await store.listFindings({ status: 'closed' })).map((row) => row.ip),
          ['192.0.2.2'],
        );

        // Run 3: .2 weak again (reopened); a no-authentication check on .1 must not close its weak-credential finding.
        const run3 = await startRun(store, '2025-03-01T00:00:00.000Z');
        const third = await store.reconcileFindings(run3, {
          found: [weak('192.0.2.2', '2025-03-01T00:01:00.000Z')],
          covered: [covered('192.0.2.2'), covered('192.0.2.1', 'no-authentication')],
          closedAt: '2025-03-01T00:30:00.000Z',
        });
        assert.deepEqual(third, { opened: 0, updated: 0, closed: 0, reopened: 1, missed: 0 });
        const reopened = (await store.listFindings()).find((row) => row.ip === '192.0.2.2')!;
        assert.equal(reopened.status, 'open');
        assert.equal(reopened.closedAt, undefined);
        assert.equal(reopened.closedRunId, undefined);

        const events = await store.listFindingEvents({ findingId: reopened.id });
        assert.deepEqual(
          events.map((e) => [e.event, e.runId]),
          [
            ['opened', run1],
            ['closed', run2],
            ['reopened', run3],
          ],
        );
        assert.deepEqual(
          (await store.listFindingEvents({ runId: run2 })).map((e) => [e.event, e.findingId]),
          [['closed', reopened.id]],
          'events filtered by run',
        );
        assert.equal((await store.listFindingEvents()).length, 3 + 1 + 1, 'three opened, one closed, one reopened');

        assert.equal((await store.listFindings()).length, 3, 'never duplicated');
        assert.deepEqual(
          (await store.listFindings({ runId: run3 })).map((row) => row.ip),
          ['192.0.2.2'],
        );
        assert.deepEqual((await store.listFindings({ status: 'closed' })).length, 0);
      }));

    test('closing an already closed finding, or the same finding twice in a batch, counts once', () =>
      withStore(open, async (store) => {
        const run1 = await startRun(store, '2025-01-01T00:00:00.000Z');
        const twice = await store.reconcileFindings(run1, {
          found: [weak('192.0.2.7', '2025-01-01T00:01:00.000Z', 'on-001'), weak('192.0.2.7', '2025-01-01T00:02:00.000Z', 'on-002')],
          covered: [covered('192.0.2.7')],
        });
        assert.deepEqual(twice, { opened: 1, updated: 0, closed: 0, reopened: 0, missed: 0 });
        assert.equal((await store.listFindings())[0]!.dictionaryEntryId, 'on-002');
        const run2 = await startRun(store, '2025-02-01T00:00:00.000Z');
        const closedTwice = await store.reconcileFindings(run2, { found: [], covered: [covered('192.0.2.7'), covered('192.0.2.7')] });
        assert.deepEqual(closedTwice, { opened: 0, updated: 0, closed: 1, reopened: 0, missed: 0 });
        const run3 = await startRun(store, '2025-03-01T00:00:00.000Z');
        assert.deepEqual(await store.reconcileFindings(run3, { found: [], covered: [covered('192.0.2.7')] }), {
          opened: 0,
          updated: 0,
          closed: 0,
          reopened: 0,
          missed: 0,
        });
        assert.equal((await store.listFindings())[0]!.closedRunId, run2, 'the first closing run is kept');
      }));

    test('findings carry the identity of their device when it is known', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2025-01-01T00:00:00.000Z');
        await store.recordDevices(runId, [
          {
            ip: '192.0.2.1',
            identity: {
              vendor: 'Korvan',
              model: 'IPC-2120',
              deviceType: 'ip-camera',
              firmwareVersion: '3.1',
              releaseYear: 2014,
              confidence: 0.9,
              evidence: [],
            },
          },
        ]);
        await store.reconcileFindings(runId, {
          found: [weak('192.0.2.1', '2025-01-01T00:01:00.000Z'), weak('192.0.2.5', '2025-01-01T00:01:00.000Z')],
          covered: [],
        });
        const [known, unknown] = await store.listFindings({ kind: 'weak-credential' });
        assert.deepEqual(
          [known!.vendor, known!.model, known!.deviceType, known!.firmwareVersion, known!.releaseYear],
          ['Korvan', 'IPC-2120', 'ip-camera', '3.1', 2014],
        );
        assert.equal(unknown!.vendor, undefined);
        assert.deepEqual(unknown!.evidence, { prompt: 'login:', success: 'shell prompt' });
        assert.deepEqual((await store.summary()).findings, [{ kind: 'weak-credential', status: 'open', count: 2 }]);
        assert.deepEqual(await store.listFindings({ kind: 'no-authentication' }), []);
        await assert.rejects(store.reconcileFindings(999, { found: [], covered: [] }), { code: 'STORE_FAILED' });
      }));

    test('a finding is closed only after closeAfterMisses consecutive checks fail to reproduce it; seeing it again resets the count', () =>
      withStore(open, async (store) => {
        const found = {
          kind: 'weak-credential' as const,
          ip: '192.0.2.9',
          port: 23,
          protocol: 'telnet',
          dictionaryEntryId: 'on-001',
          evidence: {},
          observedAt: '2026-01-01T00:00:00.000Z',
        };
        const check = { kind: 'weak-credential' as const, ip: '192.0.2.9', port: 23, protocol: 'telnet' };
        let day = 0;
        const run = async () =>
          store.startRun({
            startedAt: `2026-01-${String(++day).padStart(2, '0')}T00:00:00.000Z`,
            scope: ['192.0.2.0/24'],
            exclude: [],
            ports: [23],
            checks: ['credentials'],
          });
        await store.reconcileFindings(await run(), { found: [found], covered: [check] });
        assert.deepEqual(await store.reconcileFindings(await run(), { found: [], covered: [check], closeAfterMisses: 2 }), {
          opened: 0,
          updated: 0,
          closed: 0,
          reopened: 0,
          missed: 1,
        });
        assert.deepEqual(await store.reconcileFindings(await run(), { found: [found], covered: [check], closeAfterMisses: 2 }), {
          opened: 0,
          updated: 1,
          closed: 0,
          reopened: 0,
          missed: 0,
        });
        assert.deepEqual(
          await store.reconcileFindings(await run(), { found: [], covered: [check], closeAfterMisses: 2 }),
          { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 1 },
          'the count restarted',
        );
        assert.deepEqual(await store.reconcileFindings(await run(), { found: [], covered: [check], closeAfterMisses: 2 }), {
          opened: 0,
          updated: 0,
          closed: 1,
          reopened: 0,
          missed: 0,
        });
        const [closed] = await store.listFindings();
        assert.equal(closed!.status, 'closed');
        assert.equal(closed!.closedAt, '2026-01-04T00:00:00.000Z', 'closed as of the first check of the streak (day 4), not the confirming one (day 5)');
        const events = (await store.listFindingEvents({ findingId: closed!.id })).map((event) => `${event.event}@${event.at.slice(8, 10)}`);
        assert.deepEqual(events, ['opened@01', 'missed@02', 'missed@04', 'closed@05']);
      }));

    test('the summary counts runs, services, devices and findings', () =>
      withStore(open, async (store) => {
        const first = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        await store.recordServices(first, [
          telnet('192.0.2.10', '2025-01-01T00:00:05.000Z', 'old banner'),
          telnet('192.0.2.9', '2025-01-01T00:00:06.000Z', 'b'),
        ]);
        await store.recordDevices(first, [camera('192.0.2.10', '1.0')]);
        const second = await store.startRun(runAt('2025-02-01T00:00:00.000Z'));
        await store.recordServices(second, [telnet('192.0.2.10', '2025-02-01T00:00:05.000Z', 'new banner')]);
        await store.recordDevices(second, [camera('192.0.2.10', '2.0')], { observedAt: '2025-02-01T00:10:00.000Z' });
        await store.reconcileFindings(second, {
          found: [weak('192.0.2.10', '2025-02-01T00:01:00.000Z'), weak('192.0.2.9', '2025-02-01T00:01:00.000Z')],
          covered: [],
        });
        const third = await store.startRun(runAt('2025-03-01T00:00:00.000Z'));
        await store.reconcileFindings(third, { found: [], covered: [covered('192.0.2.9')] });

        const summary = await store.summary();
        assert.equal(summary.runs, 3);
        assert.equal(summary.services, 2);
        assert.equal(summary.devices, 1);
        assert.deepEqual(summary.findings, [
          { kind: 'weak-credential', status: 'closed', count: 1 },
          { kind: 'weak-credential', status: 'open', count: 1 },
        ]);
        assert.deepEqual(summary.devicesByType, [{ deviceType: 'ip-camera', count: 1 }]);
        assert.deepEqual(summary.devicesByVendor, [{ vendor: 'Korvan', count: 1 }]);

        const many = Array.from({ length: 5000 }, (_, index) => telnet(`198.51.${index >> 8}.${index & 255}`, '2025-01-01T00:00:01.000Z', 'b'));
        await store.recordServices(third, many);
        await store.recordServices(third, many);
        assert.equal((await store.summary()).services, 5002, 'a batch written twice counts once');
      }));
  });
}
