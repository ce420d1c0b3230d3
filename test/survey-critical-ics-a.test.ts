// A survey of a small lab on Modbus/TCP, EtherNet/IP and BACnet/IP ports: the lab's critical
// devices of src/lab/critical/ics-a.ts (a PLC, a power meter behind a serial gateway, a building
// controller) are found on 502, 44818 and 47808, grabbed with their read-only requests and
// identified as the truth says: vendor, model, firmware, device type `critical`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab, type LabHandle } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { runSurvey } from '../src/survey/run-survey.ts';

const cidr = '127.150.64.0/24';
let lab: LabHandle;
let store: Store;
let summary: SurveySummary;

before(async () => {
  lab = await startLab({ cidr, seed: 4, deviceCount: 24, hostile: false });
  store = await openStore(':memory:');
  summary = await runSurvey(
    { targets: [cidr], ports: [502, 44818], udpPorts: [47808], checks: ['credentials'], limits: { connectTimeoutMs: 500, ioTimeoutMs: 600, deadlineMs: 4000 } },
    createSurveyDeps({ store }),
  );
});

after(async () => {
  await lab?.close();
  await store?.close();
});

test('the lab holds the three critical devices, and the truth names their services', () => {
  const critical = lab.truth.devices.filter((device) => device.identity?.deviceType === 'critical');
  assert.deepEqual(critical.map((device) => device.identity?.vendor).sort(), ['Brightmoor Controls', 'Calloway Meters', 'Tervane Automation']);
  const plc = critical.find((device) => device.identity?.vendor === 'Tervane Automation');
  assert.deepEqual(
    plc?.services.map((service) => `${service.protocol}/${service.port}`),
    ['modbus/502', 'enip/44818'],
  );
  const controller = critical.find((device) => device.identity?.vendor === 'Brightmoor Controls');
  assert.deepEqual(controller?.udpServices, [{ port: 47808, protocol: 'bacnet', reflector: false }]);
});

test('each is found on its protocol and identified as the truth says', async () => {
  assert.equal(summary.status, 'completed');
  const services = await store.listServices();
  const critical = lab.truth.devices.filter((device) => device.identity?.deviceType === 'critical');
  for (const device of critical) {
    for (const expected of [...device.services, ...(device.udpServices ?? [])]) {
      const found = services.find((service) => service.ip === device.ip && service.port === expected.port);
      assert.equal(found?.protocol, expected.protocol, `${device.ip}:${expected.port}`);
      assert.equal(found?.status, 'success', `${device.ip}:${expected.port}`);
    }
  }
  const devices = new Map((await store.listDevices()).map((row) => [row.ip, row]));
  for (const device of critical) {
    const row = devices.get(device.ip);
    assert.ok(row, `${device.identity?.vendor} identified`);
    assert.deepEqual(
      { vendor: row.vendor, model: row.model, firmwareVersion: row.firmwareVersion, deviceType: row.deviceType },
      { vendor: device.identity?.vendor, model: device.identity?.model, firmwareVersion: device.identity?.firmwareVersion, deviceType: 'critical' },
      device.ip,
    );
  }
  // Nothing but the critical devices listens on these ports.
  assert.equal(new Set(services.map((service) => service.ip)).size, critical.length);
});
