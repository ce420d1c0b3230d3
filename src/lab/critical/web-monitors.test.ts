import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDictionary } from '../../assess/credentials/dictionary.ts';
import { surveyRuleFiles } from '../../cli/survey-deps.ts';
import { createIdentifier } from '../../identify/engine.ts';
import { extractOwnerContact } from '../../identify/owner-contact.ts';
import { loadRuleFiles } from '../../identify/rule-loader.ts';
import { observeDevice } from '../../../test/support/lab/observe-device.ts';
import { defaultLabOptions } from '../options.ts';
import { generatePopulation } from '../population.ts';
import { truthOf } from '../truth.ts';
import { chooseWebMonitorSlots, isWebMonitor, webMonitorKinds, webMonitorMinimumLab } from './web-monitors.ts';

const dictionary = loadDictionary();
const devices = generatePopulation(defaultLabOptions, dictionary);
const truth = truthOf(devices, defaultLabOptions);
const monitorAddresses = new Set(devices.filter(isWebMonitor).map((device) => device.ip));
const monitors = truth.devices.filter((device) => monitorAddresses.has(device.ip));

test('the lab has one monitor of each kind, with its sector in the truth; a small lab has none', () => {
  assert.ok(defaultLabOptions.deviceCount >= webMonitorMinimumLab);
  assert.deepEqual(monitors.map((device) => device.identity?.sector).sort(), ['building', 'power', 'solar', 'water']);
  assert.equal(chooseWebMonitorSlots(webMonitorMinimumLab - 1, new Set()).size, 0);
  const slots = chooseWebMonitorSlots(1000, new Set([250]));
  assert.equal(slots.size, webMonitorKinds.length);
  assert.ok(!slots.has(250), 'a taken slot is skipped');
  const small = generatePopulation({ ...defaultLabOptions, deviceCount: 50 }, dictionary);
  assert.equal(small.filter(isWebMonitor).length, 0);
});

test('each monitor is identified from what it serves as the truth says, sector included; the solar monitor shows its installer', () => {
  const identifier = createIdentifier(loadRuleFiles(surveyRuleFiles({ labRules: true }))); // the rules a survey of the lab loads
  for (const expected of monitors) {
    const device = devices.find((candidate) => candidate.ip === expected.ip)!;
    const observations = observeDevice(device);
    const identity = identifier.identify(device.ip, observations);
    const wanted = expected.identity!;
    assert.deepEqual(
      [identity?.vendor, identity?.model, identity?.deviceType, identity?.firmwareVersion, identity?.sector],
      [wanted.vendor, wanted.model, 'critical', wanted.firmwareVersion, wanted.sector],
      device.ip,
    );
    const contact = extractOwnerContact(observations);
    if (wanted.sector === 'solar') {
      assert.ok(contact?.company && contact.phone && contact.email, `installer of ${device.ip}: ${JSON.stringify(contact)}`);
    } else {
      assert.equal(contact, undefined, `${wanted.vendor} shows no contact`);
    }
  }
});

test("a monitor's telnet login is in the truth as a weakness when it kept the factory password", () => {
  for (const expected of monitors) {
    const device = devices.find((candidate) => candidate.ip === expected.ip)!;
    const telnet = device.services.find((service) => service.protocol === 'telnet')!;
    assert.equal(
      expected.weaknesses.some((weakness) => weakness.protocol === 'telnet' && weakness.kind === 'weak-credential'),
      telnet.credential?.dictionaryEntryId !== undefined,
      device.ip,
    );
  }
});
