/**
 * Conformance of InventoryStore's device history: a changed device is a new version, the
 * same device seen again is not; listDevices() gives the current version and filters;
 * devices known only by their software components are recorded like any other.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Device, SoftwareComponent } from '../../src/core/records.ts';
import type { InventoryStore } from '../../src/store/roles/inventory.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { camera, runAt } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const dropbear = (version: string): SoftwareComponent => ({
  product: 'dropbear',
  version,
  cpe: `cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:${version}:*:*:*:*:*:*:*`,
  ruleId: 'component-dropbear',
  protocol: 'ssh',
  port: 22,
});

const busybox: SoftwareComponent = {
  product: 'BusyBox',
  version: '1.22.1',
  cpe: 'cpe:2.3:a:busybox:busybox:1.22.1:*:*:*:*:*:*:*',
  ruleId: 'component-busybox',
  protocol: 'telnet',
  port: 23,
};

/** A host nothing named the maker of, known by the software it runs. */
const softwareOnly = (ip: string, components: SoftwareComponent[]): Device => ({
  ip,
  identity: {
    deviceType: 'other',
    confidence: 0.95,
    evidence: [{ ruleId: components[0]!.ruleId, protocol: 'ssh', port: 22, matched: 'dropbear' }],
    components,
  },
});

/** The Korvan camera of the fixtures, with components. */
const cameraWith = (ip: string, firmwareVersion: string, components: SoftwareComponent[]): Device => {
  const device = camera(ip, firmwareVersion);
  return { ip, identity: { ...device.identity, components } };
};

/**
 * Registers the device-history tests (RunStore makes the runs they belong to).
 * @example describe('SQLite', () => deviceHistoryStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function deviceHistoryStoreConformance(open: OpenStore<InventoryStore & RunStore>): void {
  describe('InventoryStore: device history', () => {
    test('a firmware change is a new version, the same firmware again only moves its last sight, an older firmware again is another version', () =>
      withStore(open, async (store) => {
        const months = ['01', '02', '03', '04'];
        const runs: number[] = [];
        for (const month of months) runs.push(await store.startRun(runAt(`2025-${month}-01T00:00:00.000Z`)));
        const firmware = ['1.0', '2.0', '2.0', '1.0'];
        for (const [index, runId] of runs.entries()) await store.recordDevices(runId, [camera('192.0.2.10', firmware[index]!)]);

        const [current, ...others] = await store.listDevices();
        assert.deepEqual(others, []);
        assert.equal(current!.firmwareVersion, '1.0');
        assert.equal(current!.version, 3);
        assert.equal(current!.firstSeen, '2025-01-01T00:00:00.000Z', 'the address keeps its first sight');
        assert.equal(current!.lastSeen, '2025-04-01T00:00:00.000Z');

        const versions = await store.listDeviceVersions('192.0.2.10');
        assert.deepEqual(
          versions.map((row) => [row.version, row.firmwareVersion, row.firstSeen, row.lastSeen, row.firstRunId, row.lastRunId]),
          [
            [1, '1.0', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', runs[0], runs[0]],
            [2, '2.0', '2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', runs[1], runs[2]],
            [3, '1.0', '2025-04-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z', runs[3], runs[3]],
          ],
        );
        assert.ok(versions.every((row) => row.ip === '192.0.2.10' && row.vendor === 'Korvan' && row.evidence[0]?.ruleId === 'korvan-http-title'));
        assert.deepEqual(await store.listDeviceVersions('192.0.2.99'), []);
      }));

    test('a changed component set is a new version; the same components in another order, or a vendor spelt in other case, are not', () =>
      withStore(open, async (store) => {
        const first = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        const second = await store.startRun(runAt('2025-02-01T00:00:00.000Z'));
        const third = await store.startRun(runAt('2025-03-01T00:00:00.000Z'));
        await store.recordDevices(first, [cameraWith('192.0.2.20', '1.0', [dropbear('2014.63'), busybox])]);
        const reordered = cameraWith('192.0.2.20', '1.0', [busybox, dropbear('2014.63')]);
        await store.recordDevices(second, [{ ip: reordered.ip, identity: { ...reordered.identity, vendor: 'KORVAN' } }]);
        await store.recordDevices(third, [cameraWith('192.0.2.20', '1.0', [dropbear('2016.74'), busybox])]);

        const versions = await store.listDeviceVersions('192.0.2.20');
        assert.deepEqual(
          versions.map((row) => [row.version, row.components.map((component) => `${component.product} ${component.version}`).sort(), row.lastRunId]),
          [
            [1, ['BusyBox 1.22.1', 'dropbear 2014.63'], second],
            [2, ['BusyBox 1.22.1', 'dropbear 2016.74'], third],
          ],
        );
        const [current] = await store.listDevices();
        assert.equal(current!.version, 2);
        assert.deepEqual(current!.components.map((component) => component.cpe).sort(), [busybox.cpe, dropbear('2016.74').cpe]);
      }));

    test('a device known only by its software is recorded and listed without a vendor; a device without components lists none', () =>
      withStore(open, async (store) => {
        const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        await store.recordDevices(runId, [softwareOnly('192.0.2.30', [dropbear('2014.63')]), camera('192.0.2.31', '1.0')]);
        const [software, plain] = await store.listDevices();
        assert.equal(software!.ip, '192.0.2.30');
        assert.equal(software!.vendor, undefined);
        assert.equal(software!.deviceType, 'other');
        assert.deepEqual(software!.components, [dropbear('2014.63')]);
        assert.equal(software!.version, 1);
        assert.deepEqual(plain!.components, []);
        assert.equal((await store.listDeviceVersions('192.0.2.30'))[0]!.vendor, undefined);
      }));

    test('devices are searched by address, and by vendor, model or component product contained in the field, ignoring case', () =>
      withStore(open, async (store) => {
        const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        await store.recordDevices(runId, [
          softwareOnly('192.0.2.40', [dropbear('2014.63')]),
          cameraWith('192.0.2.41', '1.0', [busybox]),
          camera('192.0.2.42', '2.0'),
        ]);
        const ips = async (filter: Parameters<InventoryStore['listDevices']>[0]) => (await store.listDevices(filter)).map((row) => row.ip);
        assert.deepEqual(await ips({ ip: '192.0.2.41' }), ['192.0.2.41']);
        assert.deepEqual(await ips({ vendor: 'korv' }), ['192.0.2.41', '192.0.2.42']);
        assert.deepEqual(await ips({ model: 'ipc-21' }), ['192.0.2.41', '192.0.2.42']);
        assert.deepEqual(await ips({ product: 'DROPBEAR' }), ['192.0.2.40']);
        assert.deepEqual(await ips({ product: 'dropbear_ssh' }), ['192.0.2.40'], 'the CPE product name finds it too');
        assert.deepEqual(await ips({ product: 'busybox', vendor: 'korvan' }), ['192.0.2.41'], 'filters combine');
        assert.deepEqual(await ips({ product: 'lighttpd' }), []);
        assert.deepEqual(await ips({ vendor: '%' }), [], 'filter text is literal, not a pattern');
        assert.equal((await store.listDevices()).length, 3);
      }));
  });
}
