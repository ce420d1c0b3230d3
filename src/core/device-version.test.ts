import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameDeviceVersion } from './device-version.ts';
import type { DeviceIdentity, SoftwareComponent } from './records.ts';

const dropbear = (version: string): SoftwareComponent => ({
  product: 'dropbear',
  version,
  cpe: `cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:${version}:*:*:*:*:*:*:*`,
  ruleId: 'component-dropbear',
  protocol: 'ssh',
  port: 22,
});

const base: DeviceIdentity = {
  vendor: 'Korvan',
  model: 'IPC-2120',
  firmwareVersion: '1.0',
  deviceType: 'ip-camera',
  confidence: 0.9,
  evidence: [],
  components: [dropbear('2014.63')],
};

test('firmware, hardware, model, vendor and component changes are new versions', () => {
  for (const change of [
    { firmwareVersion: '1.1' },
    { hardwareVersion: 'B1' },
    { model: 'IPC-2130' },
    { vendor: 'Velmora' },
    { vendor: undefined },
    { components: [dropbear('2016.74')] },
    { components: [] },
  ]) {
    assert.equal(sameDeviceVersion(base, { ...base, ...change }), false, JSON.stringify(change));
  }
});

test('what follows from rules and catalogue, case, spacing and component order are not', () => {
  const busybox = { ...dropbear('1.22.1'), product: 'BusyBox', cpe: 'cpe:2.3:a:busybox:busybox:1.22.1:*:*:*:*:*:*:*' };
  const current = { ...base, components: [dropbear('2014.63'), busybox] };
  const seenAgain: DeviceIdentity = {
    ...current,
    vendor: ' KORVAN ',
    model: 'ipc-2120',
    confidence: 0.5,
    deviceType: 'other',
    releaseYear: 2014,
    evidence: [{ ruleId: 'x', protocol: 'http', port: 80, matched: 'x' }],
    components: [{ ...busybox, port: 2323 }, dropbear('2014.63')],
  };
  assert.ok(sameDeviceVersion(current, seenAgain));
});
