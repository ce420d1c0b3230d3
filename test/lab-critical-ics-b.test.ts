// A survey of a small lab (127.151.0.0/24, 200 devices, so its critical devices are there) on the
// S7, IEC 104 and Fox ports: every critical service is found and grabbed, the PLC and the
// building supervisor are identified as critical devices, the RTU is seen but cannot be named,
// and no request beyond identification ever reached a device.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab, type LabHandle } from '../src/lab/lab.ts';
import { scoreIdentification } from '../src/lab/score-against-truth.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { runSurvey } from '../src/survey/run-survey.ts';

const cidr = '127.151.0.0/24';
const criticalProtocols = new Set(['s7', 'iec104', 'fox']);
let lab: LabHandle;
let store: Store;
let summary: SurveySummary;

before(
  async () => {
    lab = await startLab({ cidr, seed: 15, deviceCount: 200, hostile: false });
    store = await openStore(':memory:');
    summary = await runSurvey(
      {
        targets: [cidr],
        checks: ['credentials'],
        ports: [102, 1911, 2404],
        udpPorts: [],
        seed: 15,
        limits: { perHostConcurrent: 2, connectTimeoutMs: 1500, ioTimeoutMs: 2000, deadlineMs: 6000, maxBytes: 65_536 },
      },
      createSurveyDeps({ store }),
    );
  },
  { timeout: 120_000 },
);

after(async () => {
  await store?.close();
  await lab?.close();
});

const critical = () => lab.truth.devices.filter((device) => device.services.some((service) => criticalProtocols.has(service.protocol)));

test('the lab has its three critical devices, and the survey finds exactly their services', async () => {
  assert.equal(summary.status, 'completed');
  const devices = critical();
  assert.deepEqual(devices.map((device) => device.services.map((service) => `${service.protocol}/${service.port}`).join()).sort(), [
    'fox/1911',
    'iec104/2404',
    's7/102',
  ]);
  assert.equal(summary.openPorts, 3);
  const services = await store.listServices();
  for (const device of devices) {
    const [service] = device.services;
    const row = services.find((candidate) => candidate.ip === device.ip && candidate.port === service!.port);
    assert.equal(row?.protocol, service!.protocol, `${device.ip}:${service!.port}`);
    assert.equal(row?.status, 'success', `${device.ip}:${service!.port} ${row?.error ?? ''}`);
  }
  const iec104 = services.find((row) => row.protocol === 'iec104');
  assert.equal(iec104?.result.testConfirmed, true);
  assert.equal(iec104?.result.firstAsduType, 70, 'the RTU announced its initialisation unasked');
  assert.equal(services.find((row) => row.protocol === 's7')?.result.orderNumber, '6ES7 214-1AG40-0XB0');
  assert.equal(services.find((row) => row.protocol === 'fox')?.result.brandId, 'halvane');
});

test('identification: the Siemens PLC and the Halvane supervisor exactly, as critical devices; the RTU missed, nothing else claimed', async () => {
  const rows = await store.listDevices();
  const truth = { ...lab.truth, devices: critical() };
  const score = scoreIdentification(
    truth,
    rows.map((row) => ({ ip: row.ip, identity: row })),
  );
  assert.equal(score.truePositives, 2, JSON.stringify(score.mismatches));
  assert.equal(score.falsePositives, 0, JSON.stringify(score.mismatches));
  assert.deepEqual(
    score.mismatches.map((mismatch) => [mismatch.kind, mismatch.expected?.vendor]),
    [['missed', 'Gridmont']],
  );
  const byIp = new Map(rows.map((row) => [row.ip, row]));
  for (const device of truth.devices.filter((candidate) => candidate.identity?.vendor !== 'Gridmont'))
    assert.equal(byIp.get(device.ip)?.deviceType, 'critical', device.ip);
});

test('nothing beyond identification was sent: no S7 job, no STARTDT or I-frame, nothing after a Fox hello', () => {
  const stats = lab.stats();
  assert.equal(stats.commandsAfterLogin, 0);
  assert.ok(stats.connectionsByProtocol.s7 >= 1 && stats.connectionsByProtocol.iec104 >= 1 && stats.connectionsByProtocol.fox >= 1);
});
