/**
 * The payload devices without sockets: the catalogue, where the devices sit in the
 * population (and that nothing else moved), what the truth says about them, and what a
 * banner grab of each sees (test/support/lab/observe-device.ts computes it from the same personas the servers use).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { createIdentifier } from '../identify/engine.ts';
import { loadRuleFiles } from '../identify/rule-loader.ts';
import { surveyRuleFiles } from '../cli/survey-deps.ts';
import { checkedWeaknessPaths } from './score-against-truth.ts';
import { observeDevice } from '../../test/support/lab/observe-device.ts';
import { defaultLabOptions } from './options.ts';
import { choosePayloadSlots, payloadDeviceKinds } from './payload-devices.ts';
import { labPayloads, payloadDevicesOf, payloadModel } from './payloads.ts';
import { generatePopulation } from './population.ts';
import { truthOf } from './truth.ts';
import { payloadPrinterSite } from './vendors/payload-printer.ts';

const dictionary = loadDictionary();
const devices = generatePopulation(defaultLabOptions, dictionary);
const truth = truthOf(devices, defaultLabOptions);

test('six payloads, each with its own window.__xss number, that it really sets', () => {
  assert.equal(labPayloads.length, 6);
  assert.deepEqual(labPayloads.map((payload) => payload.marker).sort(), [1, 2, 3, 4, 5, 6]);
  assert.equal(new Set(labPayloads.map((payload) => payload.id)).size, 6);
  for (const payload of labPayloads) assert.match(payload.text, new RegExp(`(?:window|parent)\\.__xss=${payload.marker}\\b`), payload.id);
  assert.equal(payloadModel, 'LaserJet <svg onload=window.__xss=3>');
});

test('the default lab has the four payload devices in fixed slots, counted in deviceCount; without hostile devices none', () => {
  const payloadDevices = payloadDevicesOf(truth);
  assert.equal(payloadDevices.length, payloadDeviceKinds.length);
  assert.equal(truth.deviceCount, 2000);
  assert.ok(payloadDevices.every((device) => device.role === 'device' && device.identity !== undefined));
  const quiet = generatePopulation({ ...defaultLabOptions, hostile: false }, dictionary);
  assert.ok(quiet.every((device) => device.payloads === undefined));
  // Every slot that is ordinary in both labs holds the very same device: payload devices moved nothing.
  let compared = 0;
  devices.forEach((device, index) => {
    if (device.role === 'hostile' || device.payloads) return;
    assert.deepEqual(device, quiet[index], device.ip);
    compared++;
  });
  assert.ok(compared > 1900, `${compared} devices compared`);
});

test('choosePayloadSlots spreads the devices and steps past taken slots', () => {
  assert.deepEqual([...choosePayloadSlots(2000, new Set()).keys()], [250, 750, 1250, 1750]);
  assert.deepEqual([...choosePayloadSlots(2000, new Set([250, 251, 750])).keys()], [252, 751, 1250, 1750]);
  assert.deepEqual([...choosePayloadSlots(8, new Set([7])).keys()], [1, 3, 5, 0]);
  assert.throws(() => choosePayloadSlots(5, new Set([1, 2])), /no room/);
});

test('the truth lists every payload exactly once, verbatim, on a port the device serves; each device has a weakness the survey checks', () => {
  const listed = payloadDevicesOf(truth).flatMap((device) => device.payloads!);
  assert.deepEqual(listed.map((payload) => payload.id).sort(), labPayloads.map((payload) => payload.id).sort());
  for (const payload of listed)
    assert.deepEqual(
      payload,
      labPayloads.find((entry) => entry.id === payload.id),
    );
  for (const device of payloadDevicesOf(truth)) {
    for (const payload of device.payloads!)
      assert.ok(
        device.services.some((service) => service.port === payload.port && service.protocol === payload.protocol),
        `${device.ip} serves ${payload.id}`,
      );
    const checked = device.weaknesses.filter((weakness) => (checkedWeaknessPaths as readonly string[]).includes(weakness.via));
    assert.ok(
      checked.some((weakness) => device.payloads!.some((payload) => payload.port === weakness.port)),
      `${device.ip}: a finding on a payload service`,
    );
  }
  assert.deepEqual(JSON.parse(JSON.stringify(truth.devices.filter((device) => device.payloads))), payloadDevicesOf(truth));
});

test('a banner grab sees each payload verbatim in its field, and identification gives the truth identity (the printer’s model is a payload)', () => {
  const identifier = createIdentifier(loadRuleFiles(surveyRuleFiles({ labRules: true }))); // the rules a survey of the lab loads
  for (const device of devices.filter((candidate) => candidate.payloads)) {
    const observations = observeDevice(device);
    const expected = truth.devices.find((candidate) => candidate.ip === device.ip)!;
    for (const payload of expected.payloads!) {
      const result = observations.find((observation) => observation.port === payload.port)!.result as Record<string, unknown>;
      const [head, tail] = payload.field.split('.') as [string, string | undefined];
      const value = tail === undefined ? result[head] : (result[head] as Record<string, string>)[tail];
      assert.equal(typeof value, 'string', `${payload.id} recorded`);
      assert.ok((value as string).includes(payload.text), `${payload.id}: ${String(value)}`);
    }
    const identity = identifier.identify(device.ip, observations);
    const wanted = expected.identity!;
    assert.deepEqual(
      [identity?.vendor, identity?.model, identity?.deviceType, identity?.firmwareVersion ?? ''],
      [wanted.vendor, wanted.model, wanted.deviceType, wanted.firmwareVersion],
      device.ip,
    );
  }
  const printer = payloadDevicesOf(truth).find((device) => device.identity!.vendor === 'HP')!;
  assert.equal(printer.identity!.model, payloadModel);
  assert.deepEqual(printer.vulnerabilities, []);
});

test('the printer: 401 with the payload realm and title until admin/admin, then its status page', () => {
  const printer = devices.find((device) => device.identity?.vendor === 'HP')!;
  const site = payloadPrinterSite(printer, printer.services[0]!);
  const challenged = site({ method: 'GET', path: '/', headers: {}, body: '' });
  assert.equal(challenged.status, 401);
  assert.ok(challenged.headers.some(([name, value]) => name === 'WWW-Authenticate' && value === 'Basic realm="<img src=x onerror=window.__xss=6>"'));
  assert.ok(challenged.body.includes('<title>"><img src=x onerror="window.__xss=2"></title>'));
  const wrong = site({ method: 'GET', path: '/', headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` }, body: '' });
  assert.deepEqual([wrong.status, wrong.login], [401, 'rejected']);
  const accepted = site({ method: 'GET', path: '/', headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }, body: '' });
  assert.deepEqual([accepted.status, accepted.login], [200, 'accepted']);
  assert.ok(accepted.headers.some(([name, value]) => name === 'Server' && value.startsWith(`HP HTTP Server; HP ${payloadModel} - `)));
});
