import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { resolveLabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { truthOf, weaknessOf, writeTruth } from './truth.ts';
import { labProtocols } from './types.ts';

const options = resolveLabOptions({ cidr: '127.81.0.0/16', deviceCount: 300, seed: 5 });
const truth = truthOf(generatePopulation(options), options);

test('truth has the agreed shape and nothing undefined', () => {
  assert.deepEqual(Object.keys(truth).sort(), ['cidr', 'deviceCount', 'devices', 'seed', 'vulnerabilityFeed']);
  assert.deepEqual(Object.keys(truth.vulnerabilityFeed).sort(), ['real', 'synthetic']);
  for (const id of truth.vulnerabilityFeed.synthetic) assert.match(id, /^CVE-2099-\d{4}$/);
  for (const id of truth.vulnerabilityFeed.real) assert.match(id, /^CVE-(?!2099-)\d{4}-\d{4,}$/);
  const inScope = new Set([...truth.vulnerabilityFeed.synthetic, ...truth.vulnerabilityFeed.real]);
  assert.equal(truth.seed, 5);
  assert.equal(truth.cidr, '127.81.0.0/16');
  assert.equal(truth.deviceCount, 300);
  assert.equal(truth.devices.length, 300);
  const deviceKeys = new Set(['ip', 'role', 'hostileBehaviour', 'identity', 'services', 'udpServices', 'weaknesses', 'vulnerabilities', 'payloads']);
  for (const device of truth.devices) {
    for (const key of Object.keys(device)) assert.ok(deviceKeys.has(key), `unexpected key ${key}`);
    if (device.role === 'device') {
      const keys = Object.keys(device.identity!).filter((key) => key !== 'hardwareVersion');
      // Critical devices may also name their sector (critical/web-monitors.ts), and only they may.
      const critical = device.identity!.deviceType === 'critical';
      assert.deepEqual(keys.filter((key) => !(critical && key === 'sector')).sort(), ['deviceType', 'firmwareVersion', 'model', 'releaseYear', 'vendor']);
      assert.equal(device.hostileBehaviour, undefined);
    } else {
      assert.ok(device.hostileBehaviour);
      assert.deepEqual(device.vulnerabilities, []);
    }
    assert.deepEqual(device.vulnerabilities, [...new Set(device.vulnerabilities)].sort(), 'sorted, no duplicates');
    for (const id of device.vulnerabilities) assert.ok(inScope.has(id), `${id} is in the declared scope`);
    for (const service of device.services) assert.ok((labProtocols as readonly string[]).includes(service.protocol), service.protocol);
    for (const weakness of device.weaknesses) {
      const service = device.services.find((candidate) => candidate.port === weakness.port);
      assert.ok(service, 'a weakness is on one of the device services');
      assert.equal(service.protocol, weakness.protocol);
      if (weakness.kind === 'weak-credential') assert.match(weakness.dictionaryEntryId ?? '', /^on-\d{3}$/);
    }
  }
  // JSON round trip loses nothing (no undefined members, no class instances).
  assert.deepEqual(JSON.parse(JSON.stringify(truth)), truth);
});

test('a weakness per weak service: kind and path follow the protocol and auth', () => {
  const credential = { username: 'admin', password: 'admin', dictionaryEntryId: 'on-001' };
  assert.deepEqual(weaknessOf({ port: 23, protocol: 'telnet', auth: 'login', credential }), [
    { kind: 'weak-credential', port: 23, protocol: 'telnet', via: 'telnet-login', username: 'admin', password: 'admin', dictionaryEntryId: 'on-001' },
  ]);
  assert.equal(weaknessOf({ port: 80, protocol: 'http', auth: 'basic', credential })[0]!.via, 'http-basic');
  assert.equal(weaknessOf({ port: 80, protocol: 'http', auth: 'form', credential })[0]!.via, 'http-form');
  assert.equal(weaknessOf({ port: 21, protocol: 'ftp', auth: 'login', credential })[0]!.via, 'ftp-login');
  assert.deepEqual(weaknessOf({ port: 2323, protocol: 'telnet', auth: 'none' }), [
    { kind: 'no-authentication', port: 2323, protocol: 'telnet', via: 'telnet-open-shell' },
  ]);
  assert.deepEqual(weaknessOf({ port: 23, protocol: 'telnet', auth: 'login', credential: { username: 'root', password: 'Xk29!fj3Lq0p' } }), []);
  // The protocols reach.ts adds: open brokers, streams and debug bridges; the account's pair elsewhere.
  assert.equal(weaknessOf({ port: 443, protocol: 'https', auth: 'basic', credential })[0]!.via, 'http-basic');
  assert.deepEqual(weaknessOf({ port: 1883, protocol: 'mqtt', auth: 'none' }), [
    { kind: 'no-authentication', port: 1883, protocol: 'mqtt', via: 'mqtt-anonymous' },
  ]);
  assert.equal(weaknessOf({ port: 8883, protocol: 'mqtts', auth: 'login', credential })[0]!.via, 'mqtt-login');
  assert.equal(weaknessOf({ port: 554, protocol: 'rtsp', auth: 'none' })[0]!.via, 'rtsp-open-stream');
  assert.equal(weaknessOf({ port: 554, protocol: 'rtsp', auth: 'digest', credential })[0]!.via, 'rtsp-login');
  assert.equal(weaknessOf({ port: 5555, protocol: 'adb', auth: 'none' })[0]!.via, 'adb-open');
  assert.deepEqual(weaknessOf({ port: 5555, protocol: 'adb', auth: 'login' }), []);
  assert.deepEqual(weaknessOf({ port: 49152, protocol: 'upnp' }), []);
  assert.deepEqual(weaknessOf({ port: 22, protocol: 'ssh', software: 'dropbear_2015.71' }), []);
  assert.deepEqual(weaknessOf({ port: 22, protocol: 'ssh', auth: 'login', credential, software: 'dropbear_2015.71' }), [
    { kind: 'weak-credential', port: 22, protocol: 'ssh', via: 'ssh-login', username: 'admin', password: 'admin', dictionaryEntryId: 'on-001' },
  ]);
});

test('writeTruth writes readable JSON, creating the folder; an unwritable path is LAB_FAILED', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lab-truth-'));
  try {
    const file = join(directory, 'nested', 'truth.json');
    writeTruth(file, truth);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), truth);
    assert.throws(
      () => writeTruth(join(file, 'below-a-file.json'), truth),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'LAB_FAILED' && error.context.file === join(file, 'below-a-file.json'),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
