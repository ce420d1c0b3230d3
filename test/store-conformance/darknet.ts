/** Conformance of DarknetStore: windows replaced whole (or merged inside the write), capture files remembered, filtered reads. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DarknetAttack, DarknetWindow } from '../../src/core/records.ts';
import type { DarknetStore } from '../../src/store/roles/darknet.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { darknetWindow, scanner, startRun } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const day1 = '2026-01-11T00:00:00.000Z';
const day2 = '2026-01-12T00:00:00.000Z';

/**
 * Registers the DarknetStore tests (RunStore makes the runs windows belong to).
 * @example describe('SQLite', () => darknetStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function darknetStoreConformance(open: OpenStore<DarknetStore & RunStore>): void {
  describe('DarknetStore', () => {
    test('windows round-trip with their judged sources, and the capture files they came from are remembered', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-01-13T00:00:00.000Z');
        const window = darknetWindow(day1, 86400, 1000, [scanner('192.0.2.7', 90), scanner('192.0.2.8', 400, { family: 'other', tool: 'zmap' })]);
        await store.recordDarknetWindows(
          runId,
          [window],
          [{ fingerprint: 'f'.repeat(64), name: 'day1.pcap', bytes: 123456, packets: 1000, readAt: '2026-01-13T00:05:00.000Z' }],
        );
        const stored = await store.getDarknetWindow({ darknet: '127.200.0.0/16', start: day1, periodSeconds: 86400 });
        assert.deepEqual(stored, { ...window, judged: [window.judged[1], window.judged[0]] }, 'judged sources most packets first');
        assert.equal(await store.getDarknetWindow({ darknet: '127.200.0.0/16', start: day1, periodSeconds: 3600 }), undefined);
        assert.deepEqual(await store.getDarknetInput('f'.repeat(64)), {
          fingerprint: 'f'.repeat(64),
          name: 'day1.pcap',
          bytes: 123456,
          packets: 1000,
          runId,
          readAt: '2026-01-13T00:05:00.000Z',
        });
        assert.equal(await store.getDarknetInput('0'.repeat(64)), undefined);
      }));

    test('a window stored again under the same darknet, start and period is replaced whole', () =>
      withStore(open, async (store) => {
        const first = await startRun(store, '2026-01-13T00:00:00.000Z');
        await store.recordDarknetWindows(first, [darknetWindow(day1, 86400, 1000, [scanner('192.0.2.7', 90), scanner('192.0.2.8', 40)])]);
        const second = await startRun(store, '2026-01-14T00:00:00.000Z');
        await store.recordDarknetWindows(second, [darknetWindow(day1, 86400, 1500, [scanner('192.0.2.9', 70)])]);
        const windows = await store.listDarknetWindows();
        assert.equal(windows.length, 1, 'one window per darknet, start and period');
        assert.equal(windows[0]!.packets, 1500);
        assert.deepEqual(
          windows[0]!.judged.map((source) => source.ip),
          ['192.0.2.9'],
          'the judged sources of the replaced window are gone with it',
        );
        assert.deepEqual(
          (await store.listDarknetSources()).map((row) => row.ip),
          ['192.0.2.9'],
        );
      }));

    test('with a merge, writers of one window at the same time each add their part and none is lost', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-01-13T00:00:00.000Z');
        // A merge that keeps every part visible: packets add up, judged sources are kept side by side.
        const merge = (stored: DarknetWindow, incoming: DarknetWindow): DarknetWindow => ({
          ...stored,
          packets: stored.packets + incoming.packets,
          judged: [...stored.judged, ...incoming.judged],
        });
        const sensors = Array.from({ length: 8 }, (_, index) => darknetWindow(day1, 3600, index + 1, [scanner(`192.0.2.${index + 1}`, 10 + index)]));
        await Promise.all(sensors.map((window) => store.recordDarknetWindows(runId, [window], [], undefined, merge)));
        const stored = await store.getDarknetWindow({ darknet: '127.200.0.0/16', start: day1, periodSeconds: 3600 });
        assert.equal(stored?.packets, 36, 'every sensor’s packets (1 + 2 + … + 8)');
        assert.deepEqual(stored?.judged.map((source) => source.ip).sort(), sensors.map((window) => window.judged[0]!.ip).sort());
        await store.recordDarknetWindows(runId, [darknetWindow(day1, 3600, 4), darknetWindow(day1, 3600, 5)], [], undefined, merge);
        assert.equal((await store.listDarknetWindows())[0]?.packets, 45, 'two parts in one batch are merged in turn');
        await store.recordDarknetWindows(runId, [darknetWindow(day1, 3600, 7)]);
        assert.equal((await store.listDarknetWindows())[0]?.packets, 7, 'without a merge the window is replaced whole');
      }));

    test('windows are listed oldest first and filtered by darknet, period and time', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-01-13T00:00:00.000Z');
        await store.recordDarknetWindows(runId, [
          darknetWindow(day2, 86400, 10),
          darknetWindow(day1, 3600, 20),
          darknetWindow(day1, 86400, 30),
          darknetWindow(day1, 86400, 40, [], '127.201.0.0/16'),
        ]);
        const summary = (filter?: Parameters<DarknetStore['listDarknetWindows']>[0]) =>
          store.listDarknetWindows(filter).then((windows) => windows.map((window) => `${window.darknet} ${window.start.slice(0, 10)} ${window.periodSeconds}`));
        assert.deepEqual(await summary(), [
          '127.200.0.0/16 2026-01-11 3600',
          '127.200.0.0/16 2026-01-11 86400',
          '127.201.0.0/16 2026-01-11 86400',
          '127.200.0.0/16 2026-01-12 86400',
        ]);
        assert.deepEqual(await summary({ darknet: '127.201.0.0/16' }), ['127.201.0.0/16 2026-01-11 86400']);
        assert.deepEqual(await summary({ periodSeconds: 3600 }), ['127.200.0.0/16 2026-01-11 3600']);
        assert.deepEqual(await summary({ from: day2 }), ['127.200.0.0/16 2026-01-12 86400'], 'from is inclusive');
        assert.deepEqual(await summary({ to: day2, periodSeconds: 86400, darknet: '127.200.0.0/16' }), ['127.200.0.0/16 2026-01-11 86400'], 'to is exclusive');
      }));

    test('judged sources are listed with their window, newest window first, filtered by address, verdict and period', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-01-13T00:00:00.000Z');
        await store.recordDarknetWindows(runId, [
          darknetWindow(day1, 86400, 100, [scanner('192.0.2.7', 90), scanner('192.0.2.8', 10, { verdict: 'research', family: undefined })]),
          darknetWindow(day2, 86400, 100, [scanner('192.0.2.7', 50)]),
          darknetWindow(day2, 3600, 60, [scanner('192.0.2.7', 40)]),
        ]);
        const rows = await store.listDarknetSources({ ip: '192.0.2.7', periodSeconds: 86400 });
        assert.deepEqual(
          rows.map((row) => [row.windowStart, row.periodSeconds, row.packets, row.darknet]),
          [
            [day2, 86400, 50, '127.200.0.0/16'],
            [day1, 86400, 90, '127.200.0.0/16'],
          ],
        );
        assert.deepEqual(rows[1]!.topPorts, [{ port: 23, count: 90 }]);
        assert.deepEqual(rows[1]!.hits, { mirai: 90 });
        assert.equal((await store.listDarknetSources({ ip: '192.0.2.7' })).length, 3);
        const research = await store.listDarknetSources({ verdict: 'research' });
        assert.deepEqual(
          research.map((row) => [row.ip, row.family]),
          [['192.0.2.8', undefined]],
        );
        assert.deepEqual(await store.listDarknetSources({ ip: '192.0.2.99' }), []);
      }));

    test('windows belong to a run that exists, and a failed write keeps nothing', () =>
      withStore(open, async (store) => {
        await assert.rejects(
          store.recordDarknetWindows(999, [darknetWindow(day1, 86400, 1)], [{ fingerprint: 'a', name: 'x.pcap', bytes: 1, packets: 1, readAt: day1 }]),
          { code: 'STORE_FAILED' },
        );
        assert.deepEqual(await store.listDarknetWindows(), []);
        assert.equal(await store.getDarknetInput('a'), undefined);
      }));

    test('DRDoS attacks are written with the windows, replace stored pieces, and are filtered by darknet, victim, protocol, time and threshold', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-01-13T00:00:00.000Z');
        const attack = (victim: string, start: string, end: string, extra: Partial<DarknetAttack> = {}): DarknetAttack => ({
          darknet: '127.200.0.0/16',
          victim,
          protocol: 'ntp',
          port: 123,
          start,
          end,
          packets: 500,
          bytes: 234_000,
          reflectors: 40,
          qualified: true,
          atInputStart: false,
          atInputEnd: false,
          evicted: false,
          ...extra,
        });
        const piece = attack('127.200.0.9', '2026-01-11T23:58:00.000Z', '2026-01-11T23:59:59.000Z', {
          packets: 50,
          reflectors: 3,
          qualified: false,
          atInputEnd: true,
          reflectorSketch: 'e:1,2,3',
        });
        const first = attack('127.200.0.7', '2026-01-11T10:00:00.000Z', '2026-01-11T10:05:00.000Z');
        await store.recordDarknetWindows(runId, [darknetWindow(day1, 86400, 1000)], [], { add: [piece, first], remove: [] });
        assert.deepEqual(await store.listDarknetAttacks(), [first, piece], 'oldest first, every field back (the sketch only where it was kept)');
        assert.deepEqual(await store.listDarknetAttacks({ qualified: true }), [first]);
        assert.deepEqual(await store.listDarknetAttacks({ qualified: false }), [piece]);
        assert.deepEqual(await store.listDarknetAttacks({ victim: '127.200.0.9', protocol: 'ntp', darknet: '127.200.0.0/16' }), [piece]);
        assert.deepEqual(await store.listDarknetAttacks({ protocol: 'dns' }), []);
        assert.deepEqual(await store.listDarknetAttacks({ from: '2026-01-11T12:00:00.000Z', to: day2 }), [piece]);
        assert.deepEqual(await store.listDarknetAttacks({ activeFrom: '2026-01-11T10:04:00.000Z', activeTo: '2026-01-11T10:04:30.000Z' }), [first]);
        // The next capture holds the rest of the piece: the merged attack replaces it.
        const merged = attack('127.200.0.9', piece.start, '2026-01-12T00:10:00.000Z', { packets: 900, reflectors: 30 });
        await store.recordDarknetWindows(runId, [], [], { add: [merged], remove: [piece] });
        assert.deepEqual(await store.listDarknetAttacks(), [first, merged]);
        await assert.rejects(store.recordDarknetWindows(999, [], [], { add: [attack('127.200.0.1', day2, day2)], remove: [] }), { code: 'STORE_FAILED' });
        assert.equal((await store.listDarknetAttacks()).length, 2, 'a failed write keeps nothing');
      }));
  });
}
