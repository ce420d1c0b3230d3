import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { parseIPv4 } from '../scope/ipv4.ts';
import { labDictionary, labDictionarySize } from './credentials.ts';
import { defaultLabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { truthOf } from './truth.ts';
import { hostileBehaviours } from './types.ts';
import { labVendors } from './vendors/index.ts';
import { labYear } from './vendors/profile.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { defaultPortsFor } from '../survey/ports/survey-ports.ts';

const dictionary = loadDictionary();
const devices = generatePopulation(defaultLabOptions, dictionary);
const truth = truthOf(devices, defaultLabOptions);
// The population's statistics are about ordinary devices; payload devices are hand-made (payloads.test.ts).
const simulated = truth.devices.filter((device) => device.role === 'device' && device.payloads === undefined);
/** Weak the way NOTICE counts it: a default or dictionary password, or a telnet shell with none (not an open broker or stream). */
const isWeak = (device: (typeof truth.devices)[number]) =>
  device.weaknesses.some((weakness) => weakness.kind === 'weak-credential' || weakness.via === 'telnet-open-shell');

test('same options give the identical population; another seed gives another', () => {
  assert.deepEqual(generatePopulation(defaultLabOptions, dictionary), devices);
  const other = generatePopulation({ ...defaultLabOptions, seed: 2 }, dictionary);
  assert.notDeepEqual(
    other.map((device) => device.ip),
    devices.map((device) => device.ip),
  );
});

test('addresses are distinct, scattered inside the network, never .0 or .255, ascending', () => {
  assert.equal(devices.length, 2000);
  const numbers = devices.map((device) => parseIPv4(device.ip)!);
  assert.equal(new Set(numbers).size, numbers.length);
  for (const number of numbers) {
    assert.equal(number >>> 16, (127 << 8) | 77);
    assert.ok((number & 255) !== 0 && (number & 255) !== 255);
  }
  assert.deepEqual(
    [...numbers].sort((a, b) => a - b),
    numbers,
  );
  // Scattered: the devices spread over many /24s rather than filling the first ones.
  assert.ok(new Set(numbers.map((number) => number >>> 8)).size > 200);
});

test('the population spans ≥ 5 vendors, every device kind and 2010–2025', () => {
  const vendors = new Set(simulated.map((device) => device.identity!.vendor));
  assert.ok(vendors.size >= 6, `vendors: ${[...vendors].join(', ')}`);
  const kinds = new Set(simulated.map((device) => device.identity!.deviceType));
  for (const kind of ['ip-camera', 'router', 'dvr', 'nas', 'printer', 'iot-gateway']) assert.ok(kinds.has(kind as never), `missing ${kind}`);
  const years = simulated.map((device) => device.identity!.releaseYear);
  assert.equal(Math.min(...years), 2010);
  assert.equal(Math.max(...years), 2025);
  assert.ok(new Set(years).size >= 14);
  for (const device of simulated) assert.ok(device.identity!.firmwareVersion.length > 0 && device.identity!.model.length > 0);
});

test('15–25 % of devices are weak, skewed to old ones (> 40 % of weak devices are 10+ years old)', () => {
  const weak = simulated.filter(isWeak);
  const share = weak.length / simulated.length;
  assert.ok(share >= 0.15 && share <= 0.25, `weak share ${share}`);
  const old = (device: (typeof simulated)[number]) => labYear - device.identity!.releaseYear >= 10;
  const oldShareOfWeak = weak.filter(old).length / weak.length;
  assert.ok(oldShareOfWeak > 0.4, `old share of weak devices ${oldShareOfWeak}`);
  const rate = (group: typeof simulated) => group.filter(isWeak).length / group.length;
  assert.ok(rate(simulated.filter(old)) > 2 * rate(simulated.filter((device) => !old(device))));
  const openShells = simulated.filter((device) => device.weaknesses.some((weakness) => weakness.via === 'telnet-open-shell'));
  assert.ok(openShells.length / simulated.length >= 0.01 && openShells.length / simulated.length <= 0.035, `open shells ${openShells.length}`);
});

test('weak pairs are exactly dictionary entries on-001 … on-030, strong ones are 12+ chars and in no entry', () => {
  const firstEntries = new Map(labDictionary(dictionary).map((entry) => [entry.id, entry]));
  const knownPasswords = new Set(dictionary.map((entry) => entry.password));
  for (const device of devices) {
    for (const service of device.services) {
      const credential = service.credential;
      if (!credential) continue;
      if (credential.dictionaryEntryId) {
        const entry = firstEntries.get(credential.dictionaryEntryId);
        assert.ok(entry, `${device.ip}: ${credential.dictionaryEntryId} is not among the first ${labDictionarySize}`);
        assert.equal(credential.username, entry.username);
        assert.equal(credential.password, entry.password);
      } else {
        assert.ok(credential.password.length >= 12);
        assert.ok(!knownPasswords.has(credential.password));
      }
    }
  }
});

test('each vendor has a factory default that most of its weak devices keep', () => {
  for (const vendor of labVendors) {
    const ids = simulated
      .filter((device) => device.identity!.vendor === vendor.vendor)
      .flatMap((device) => device.weaknesses.map((weakness) => weakness.dictionaryEntryId))
      .filter((id) => id !== undefined);
    const share = ids.filter((id) => id === vendor.defaultCredentialId).length / ids.length;
    assert.ok(share > 0.6, `${vendor.vendor}: default share ${share}`);
  }
  assert.ok(new Set(labVendors.map((vendor) => vendor.defaultCredentialId)).size >= 6);
});

test('weaknesses appear on every login protocol the survey checks', () => {
  const paths = new Set(simulated.flatMap((device) => device.weaknesses.map((weakness) => weakness.via)));
  for (const via of ['telnet-login', 'telnet-open-shell', 'http-basic', 'http-form', 'ftp-login', 'ssh-login']) assert.ok(paths.has(via as never), `no ${via}`);
  const services = new Set(truth.devices.flatMap((device) => device.services.map((service) => `${service.protocol}/${service.port}`)));
  for (const expected of ['telnet/23', 'telnet/2323', 'http/80', 'http/8080', 'ssh/22', 'ftp/21']) assert.ok(services.has(expected), `no ${expected}`);
});

test('SSH logins: every SSH service asks for a password, and a device weak on telnet is usually weak on SSH too', () => {
  const sshServices = truth.devices.flatMap((device) => device.services.filter((service) => service.protocol === 'ssh'));
  assert.ok(sshServices.length > 100);
  assert.ok(sshServices.every((service) => service.auth === 'login'));
  const both = truth.devices.filter(
    (device) => device.services.some((service) => service.protocol === 'ssh') && device.weaknesses.some((weakness) => weakness.via === 'telnet-login'),
  );
  const sharing = both.filter((device) => device.weaknesses.some((weakness) => weakness.via === 'ssh-login'));
  assert.ok(both.length > 5 && sharing.length / both.length > 0.7, `${sharing.length}/${both.length} telnet-weak SSH devices are SSH-weak`);
});

test('hostile devices: each behaviour on ≥ 2 devices, without identity or weaknesses, counted in deviceCount', () => {
  const hostile = truth.devices.filter((device) => device.role === 'hostile');
  for (const behaviour of hostileBehaviours) assert.ok(hostile.filter((device) => device.hostileBehaviour === behaviour).length >= 2, behaviour);
  for (const device of hostile) {
    assert.equal(device.identity, undefined);
    assert.deepEqual(device.weaknesses, []);
  }
  const tarpit = hostile.find((device) => device.hostileBehaviour === 'tarpit')!;
  assert.deepEqual(
    tarpit.services.map((service) => service.port).sort((a, b) => a - b),
    [23, 80, 443],
  );
  assert.equal(truth.deviceCount, 2000);
  const quiet = generatePopulation({ ...defaultLabOptions, deviceCount: 50, hostile: false }, dictionary);
  assert.ok(quiet.every((device) => device.role === 'device'));
});

test('beyond the classic services: HTTPS twins, camera streams, brokers, UPnP, TR-069, ADB, and services moved off their ports', () => {
  const services = simulated.flatMap((device) => device.services.map((service) => ({ device, service })));
  const share = (predicate: (device: (typeof simulated)[number]) => boolean) => simulated.filter(predicate).length / simulated.length;
  const runs = (protocol: string) => (device: (typeof simulated)[number]) => device.services.some((service) => service.protocol === protocol);
  assert.ok(share(runs('https')) > 0.1, `https ${share(runs('https'))}`);
  assert.ok(share(runs('rtsp')) > 0.2, 'every camera and recorder of a vendor with a stream runs RTSP');
  assert.ok(share(runs('mqtt')) > 0.03 && share(runs('mqtts')) > 0.005);
  assert.ok(share(runs('upnp')) > 0.05 && share(runs('cwmp')) > 0.02 && share(runs('adb')) > 0.005);
  const moved = services.filter(({ service }) => service.movedFrom !== undefined);
  assert.ok(moved.length / simulated.length > 0.1 && moved.length / simulated.length < 0.2, `moved ${moved.length}`);
  for (const protocol of ['telnet', 'http', 'ssh', 'ftp'])
    assert.ok(
      moved.some(({ service }) => service.protocol === protocol),
      `a moved ${protocol} service`,
    );
  // Moved to a port the survey covers by default, never onto another service of the device.
  const surveyPorts = new Set(defaultPortsFor(shippedProtocols.defaultSurveyPorts));
  for (const { device, service } of moved) {
    assert.ok(surveyPorts.has(service.port), `${device.ip}:${service.port}`);
    assert.equal(device.services.filter((other) => other.port === service.port).length, 1);
  }
  // Open brokers, open streams and open debug bridges are weaknesses of their own.
  const vias = new Set(simulated.flatMap((device) => device.weaknesses.map((weakness) => weakness.via)));
  for (const via of ['mqtt-anonymous', 'mqtt-login', 'rtsp-open-stream', 'rtsp-login', 'adb-open']) assert.ok(vias.has(via as never), via);
});
