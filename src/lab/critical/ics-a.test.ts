import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDictionary } from '../../assess/credentials/dictionary.ts';
import { defaultLabOptions } from '../options.ts';
import { generatePopulation } from '../population.ts';
import { truthOf } from '../truth.ts';
import { bacnetPersonaOf, chooseIcsASlots, enipPersonaOf, icsADevice, modbusPersonaOf } from './ics-a.ts';

const dictionary = loadDictionary();
// This file's three devices; other critical devices of the lab (ics-b.ts, web-monitors.ts) have their own tests.
const icsAVendors = new Set(['Tervane Automation', 'Calloway Meters', 'Brightmoor Controls']);
const isCritical = (device: { identity?: { deviceType: string; vendor: string } }) =>
  device.identity?.deviceType === 'critical' && icsAVendors.has(device.identity.vendor);

test('the default lab holds the three devices, in the same slots with or without hostile devices', () => {
  const devices = generatePopulation(defaultLabOptions, dictionary);
  const quiet = generatePopulation({ ...defaultLabOptions, hostile: false }, dictionary);
  const slots = (population: typeof devices) => population.flatMap((device, index) => (isCritical(device) ? [index] : []));
  assert.equal(slots(devices).length, 3);
  assert.deepEqual(slots(devices), slots(quiet));
  const truth = truthOf(devices, defaultLabOptions);
  const critical = truth.devices.filter(isCritical);
  assert.deepEqual(
    critical.map((device) => [
      device.identity?.model,
      device.services.map((service) => service.protocol),
      device.udpServices?.map((service) => service.protocol),
    ]),
    [
      ['TX-340', ['modbus', 'enip'], undefined],
      ['PM-720', ['modbus'], undefined],
      ['BMC-1200', ['modbus'], ['bacnet']],
    ],
  );
  assert.ok(critical.every((device) => device.weaknesses.length === 0 && device.vulnerabilities.length === 0));
});

test('no slot in a lab too small to spare one; slots avoid the taken ones', () => {
  assert.equal(chooseIcsASlots(10, new Set()).size, 0);
  const slots = chooseIcsASlots(100, new Set([26, 27]));
  assert.deepEqual([...slots.keys()], [28, 51, 76]);
});

test('each device has the personas of its protocols, and only those', () => {
  const plc = icsADevice('plc', '127.150.9.1');
  assert.equal(modbusPersonaOf(plc)?.vendorName, 'Tervane Automation');
  assert.equal(enipPersonaOf(plc)?.productName, 'TX-340');
  assert.equal(bacnetPersonaOf(plc), undefined);
  const controller = icsADevice('building-controller', '127.150.9.2');
  assert.equal(enipPersonaOf(controller), undefined);
  const persona = bacnetPersonaOf(controller);
  assert.ok(persona && persona.instance > 0 && persona.instance < 4194303);
  assert.equal(persona.properties.get(121), 'Brightmoor Controls');
});
