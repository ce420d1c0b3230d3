/**
 * The lab as a child process (127.214.0.0/16): the remediate round trip over its control
 * channel, checked with real telnet logins, and a clean stop with stdin piped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { resolveLabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { tryTelnetLogin } from '../../test/support/lab/raw-client.ts';
import type { LabDevice, LabService } from './types.ts';
import { vendorProfile } from './vendors/index.ts';
import { startLabProcess, type LabProcess } from './lab-child-process.ts';

const labOptions = { cidr: '127.214.0.0/16', seed: 5, devices: 120, hostile: false };
// The same options give the same devices in this process: the personas and weak pairs to try.
const devices = generatePopulation(resolveLabOptions({ cidr: labOptions.cidr, seed: labOptions.seed, deviceCount: labOptions.devices, hostile: false }));
const weakTelnet = (service: LabService) => service.protocol === 'telnet' && service.auth === 'login' && service.credential?.dictionaryEntryId !== undefined;
const telnetWeakDevices = devices.filter((device) => device.services.some(weakTelnet));

async function telnetOutcome(device: LabDevice): Promise<string> {
  const service = device.services.find(weakTelnet)!;
  return tryTelnetLogin(device.ip, service.port, service.credential!, vendorProfile(device.identity!.vendor).telnet!(device, service));
}

let lab: LabProcess;
before(async () => {
  lab = await startLabProcess(labOptions);
});
after(async () => {
  await lab.stop();
});

test('remediate round trip: the lab answers per address and the fixed device refuses its weak pair', async () => {
  assert.ok(telnetWeakDevices.length >= 3, 'the test lab has weak telnet devices');
  const [first, second, untouched] = telnetWeakDevices as [LabDevice, LabDevice, LabDevice];
  assert.deepEqual(
    lab.truth.devices.map((device) => device.ip),
    devices.map((device) => device.ip),
    'the child runs the same population',
  );
  assert.equal(await telnetOutcome(first), 'shell');

  const result = await lab.remediate([first.ip, '127.214.255.255', second.ip]);
  assert.deepEqual(result, { remediated: [first.ip, second.ip], unknown: ['127.214.255.255'] });
  assert.equal(await telnetOutcome(first), 'refused');
  assert.equal(await telnetOutcome(second), 'refused');
  assert.equal(await telnetOutcome(untouched), 'shell');
});

test('concurrent remediate calls each get their own answers; nothing to do resolves at once', async () => {
  const [, , , fourth, fifth] = telnetWeakDevices;
  const addresses = [fourth?.ip ?? '127.214.0.0', fifth?.ip ?? '127.214.0.255'];
  const [a, b] = await Promise.all([lab.remediate([addresses[0]!]), lab.remediate([addresses[1]!, '127.214.0.0'])]);
  assert.deepEqual([...a.remediated, ...a.unknown], [addresses[0]]);
  assert.deepEqual([...b.remediated, ...b.unknown], [addresses[1], '127.214.0.0']);
  assert.deepEqual(await lab.remediate([]), { remediated: [], unknown: [] });
});

test('an address with a line break or other text is refused before it reaches the lab', async () => {
  for (const bad of ['127.214.0.1\nremediate 127.214.0.2', 'all', '']) {
    await assert.rejects(lab.remediate([bad]), (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE');
  }
});

test('stop ends the lab cleanly with stdin piped and returns its counters', async () => {
  const stats = await lab.stop();
  assert.ok(stats, 'the lab printed its counters');
  assert.ok(stats.successfulLogins >= 2 && stats.failedLogins >= 2, JSON.stringify(stats));
  await assert.rejects(lab.remediate([telnetWeakDevices[0]!.ip]), (error: unknown) => error instanceof OpenNoticeError && error.code === 'LAB_FAILED');
});
