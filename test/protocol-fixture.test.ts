// A protocol is one folder: the made-up ACME status protocol in test/protocol-fixture/acme-status/
// (codec, grabber, checker, the device the test plays) plus one registry line is surveyed on
// its default port, its devices are identified by a rule on its declared fields, its weak and
// open logins become findings, and they are reported — with no other change anywhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSurveyDeps, surveyRuleFiles } from '../src/cli/survey-deps.ts';
import { loadRuleFiles } from '../src/identify/rule-loader.ts';
import { createProtocolRegistry, shippedProtocols } from '../src/protocols/registry.ts';
import { defaultPortsFor } from '../src/survey/ports/survey-ports.ts';
import { renderFindingsCsv } from '../src/report/findings.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveySettings } from '../src/survey/policy.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { loadDictionary } from '../src/assess/credentials/dictionary.ts';
import acmeStatus from './protocol-fixture/acme-status/index.ts';
import { startAcmeDevices } from './protocol-fixture/acme-status/device.ts';

// The one registry line.
const protocols = createProtocolRegistry([...shippedProtocols.protocols, acmeStatus]);

const rules = new URL('./protocol-fixture/acme-status/rules.yaml', import.meta.url).pathname;
const weakPair = loadDictionary().find((entry) => entry.username === 'root' && entry.password === 'xc3511')!;
const devices = [
  { ip: '127.87.0.1', port: 7070, greeting: { model: 'CAM-42', firmware: '2.3.1', loginRequired: true }, accepts: { username: 'root', password: 'xc3511' } },
  {
    ip: '127.87.0.2',
    port: 7070,
    greeting: { model: 'CAM-42', firmware: '2.4.0', loginRequired: true },
    accepts: { username: 'owner', password: 'a-long-unique-secret' },
  },
  { ip: '127.87.0.3', port: 7070, greeting: { model: 'CAM-7', firmware: '1.0', loginRequired: false } },
];

let stop: () => Promise<void>;
let store: Store;
let summary: SurveySummary;
let settings: SurveySettings | undefined;

before(async () => {
  assert.ok(weakPair, 'the shipped dictionary has root/xc3511 (Mirai’s list)');
  stop = await startAcmeDevices(devices);
  store = await openStore(':memory:');
  summary = await runSurvey(
    { targets: ['127.87.0.0/29'], checks: ['credentials'], limits: { connectTimeoutMs: 500, ioTimeoutMs: 1500, deadlineMs: 5000 } },
    {
      ...createSurveyDeps({ store, protocols, ruleFiles: [...surveyRuleFiles({ labRules: false }), rules] }),
      onSettings: (decided) => {
        settings = decided;
      },
    },
  );
});

after(async () => {
  await stop?.();
  await store?.close();
});

test('its default port is surveyed by default, beside every shipped protocol’s', () => {
  assert.deepEqual(settings?.ports, defaultPortsFor([...shippedProtocols.defaultSurveyPorts, 7070]));
  assert.equal(summary.status, 'completed');
  assert.equal(summary.openPorts, devices.length);
});

test('its grab is stored under its name, with its typed result', async () => {
  const services = (await store.listServices()).filter((service) => service.protocol === 'acme-status');
  assert.deepEqual(
    services.map((service) => [service.ip, service.status, service.result.model, service.result.loginRequired]),
    devices.map((device) => [device.ip, 'success', device.greeting.model, device.greeting.loginRequired]),
  );
});

test('its fields can be read by identification rules, which the shipped registry would refuse', async () => {
  const identified = new Map((await store.listDevices()).map((device) => [device.ip, device]));
  for (const device of devices) {
    const identity = identified.get(device.ip);
    assert.equal(identity?.vendor, 'ACME', device.ip);
    assert.equal(identity?.model, device.greeting.model);
    assert.equal(identity?.firmwareVersion, device.greeting.firmware);
  }
  assert.throws(() => loadRuleFiles([rules], shippedProtocols.fieldTables), /unknown protocol "acme-status"/);
});

test('its checker finds the weak and the missing login, and nothing else', async () => {
  assert.deepEqual(summary.findings, { 'weak-credential': 1, 'no-authentication': 1 });
  const findings = await store.listFindings({ status: 'open' });
  const byIp = new Map(findings.map((finding) => [finding.ip, finding]));
  assert.equal(byIp.get('127.87.0.1')?.kind, 'weak-credential');
  assert.equal(byIp.get('127.87.0.1')?.dictionaryEntryId, weakPair.id);
  assert.equal(byIp.get('127.87.0.3')?.kind, 'no-authentication');
  assert.equal(byIp.has('127.87.0.2'), false, 'a strong password is not a finding');
  const attempts = await store.listAttempts(summary.runId);
  assert.ok(attempts.length > 1 && attempts.every((attempt) => attempt.protocol === 'acme-status'));
});

test('its findings are reported like any other', async () => {
  const csv = renderFindingsCsv(await store.listFindings({ status: 'open' }));
  const rows = csv.trim().split(/\r?\n/);
  assert.equal(rows.length, 3, csv);
  assert.match(csv, /127\.87\.0\.1,7070,acme-status,weak-credential,ACME,CAM-42/);
  assert.match(csv, /127\.87\.0\.3,7070,acme-status,no-authentication,ACME,CAM-7/);
});
