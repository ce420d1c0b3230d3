/** Conformance of InventoryStore: services and devices are upserted, never duplicated. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { camera, runAt, telnet } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the InventoryStore tests (RunStore makes the runs they belong to).
 * @example describe('SQLite', () => inventoryStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function inventoryStoreConformance(open: OpenStore<InventoryStore & RunStore>): void {
  describe('InventoryStore', () => {
    test('re-recording services and devices updates them instead of duplicating', () =>
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

        const services = await store.listServices();
        assert.deepEqual(
          services.map((s) => s.ip),
          ['192.0.2.9', '192.0.2.10'],
          'one row per (ip, port, protocol), numeric address order',
        );
        const updated = services[1]!;
        assert.equal(updated.firstSeen, '2025-01-01T00:00:05.000Z');
        assert.equal(updated.lastSeen, '2025-02-01T00:00:05.000Z');
        assert.equal(updated.firstRunId, first);
        assert.equal(updated.lastRunId, second);
        assert.equal(updated.result.banner, 'new banner');
        assert.equal(updated.durationMs, 12);

        const devices = await store.listDevices();
        assert.equal(devices.length, 1);
        assert.equal(devices[0]!.firmwareVersion, '2.0');
        assert.equal(devices[0]!.firstSeen, '2025-01-01T00:00:00.000Z', 'first sight defaults to the run start');
        assert.equal(devices[0]!.lastSeen, '2025-02-01T00:10:00.000Z');
        assert.equal(devices[0]!.firstRunId, first);
        assert.equal(devices[0]!.lastRunId, second);
        assert.equal(devices[0]!.evidence[0]!.ruleId, 'korvan-http-title');
      }));

    test('a service keeps how its protocol was found, as the last run saw it', () =>
      withStore(open, async (store) => {
        const first = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        const detection = { method: 'probe' as const, probes: 2, connections: 2 };
        await store.recordServices(first, [{ ...telnet('192.0.2.20', '2025-01-01T00:00:01.000Z', 'b'), detection }]);
        assert.deepEqual((await store.listServices({ ip: '192.0.2.20' }))[0]?.detection, detection);
        const second = await store.startRun(runAt('2025-02-01T00:00:00.000Z'));
        const unrecognised = { method: 'none' as const, probes: 6, connections: 7, unrecognised: '+OK ready' };
        await store.recordServices(second, [{ ...telnet('192.0.2.20', '2025-02-01T00:00:01.000Z', 'b'), detection: unrecognised }]);
        assert.deepEqual((await store.listServices({ ip: '192.0.2.20' }))[0]?.detection, unrecognised);
        await store.recordServices(second, [telnet('192.0.2.21', '2025-02-01T00:00:01.000Z', 'b')]);
        assert.equal((await store.listServices({ ip: '192.0.2.21' }))[0]?.detection, undefined, 'none recorded: none read back');
      }));

    test('services are listed by address, then port, and filtered by address', () =>
      withStore(open, async (store) => {
        const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        await store.recordServices(runId, [
          { ...telnet('192.0.2.1', '2025-01-01T00:00:01.000Z', 'hello'), port: 2323 },
          telnet('192.0.2.1', '2025-01-01T00:00:01.000Z', 'hello'),
          { ...telnet('192.0.2.2', '2025-01-01T00:00:01.000Z', 'x'), status: 'io-timeout', result: {}, error: 'no answer' },
        ]);
        assert.deepEqual(
          (await store.listServices()).map((row) => `${row.ip}:${row.port}`),
          ['192.0.2.1:23', '192.0.2.1:2323', '192.0.2.2:23'],
        );
        const [failed] = await store.listServices({ ip: '192.0.2.2' });
        assert.deepEqual([failed?.status, failed?.error], ['io-timeout', 'no answer']);
        assert.equal((await store.listServices({ ip: '192.0.2.1' }))[0]!.result.banner, 'hello');
        assert.deepEqual(await store.listServices({ ip: '192.0.2.99' }), []);
      }));

    test('thousands of rows are written in one batch, and written again without duplicates', () =>
      withStore(open, async (store) => {
        const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        const many = Array.from({ length: 5000 }, (_, index) => telnet(`198.51.${index >> 8}.${index & 255}`, '2025-01-01T00:00:01.000Z', 'b'));
        await store.recordServices(runId, many);
        await store.recordServices(runId, many);
        assert.equal((await store.listServices()).length, 5000);
      }));

    test('services and devices belong to a run that exists', () =>
      withStore(open, async (store) => {
        await assert.rejects(store.recordServices(999, [telnet('192.0.2.1', '2025-01-01T00:00:01.000Z', 'b')]), { code: 'STORE_FAILED' });
        await assert.rejects(store.recordDevices(999, [camera('192.0.2.1', '1.0')]), { code: 'STORE_FAILED' });
        assert.deepEqual(await store.listServices(), []);
        assert.deepEqual(await store.listDevices(), []);
      }));
  });
}
