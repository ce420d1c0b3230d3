import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceObservation } from '../core/records.ts';
import { defineProtocol } from './protocol.ts';
import { createProtocolRegistry, shippedProtocols } from './registry.ts';

const { forPort, byName, protocols } = shippedProtocols;

test('default and other ports map to the agreed protocols', () => {
  const expected: Record<number, string> = {
    23: 'telnet',
    2323: 'telnet',
    80: 'http',
    8080: 'http',
    81: 'http',
    8000: 'http',
    8081: 'http',
    8888: 'http',
    22: 'ssh',
    2222: 'ssh',
    21: 'ftp',
    1883: 'mqtt',
    8883: 'mqtts',
  };
  for (const [port, name] of Object.entries(expected)) assert.equal(forPort(Number(port))?.name, name, `port ${port}`);
  assert.equal(forPort(9), undefined);
  assert.equal(byName('ftp')?.defaultPorts[0], 21);
  assert.equal(byName('gopher'), undefined);
});

test('the default survey ports are the protocols’ default ports, nothing else', () => {
  assert.deepEqual(
    shippedProtocols.defaultSurveyPorts,
    [21, 22, 23, 80, 102, 443, 502, 554, 1883, 1911, 2323, 2404, 4911, 5000, 5555, 7547, 8080, 8443, 8883, 44818, 49152],
  );
  assert.deepEqual(
    [...shippedProtocols.fieldTables.keys()],
    [
      'telnet',
      'http',
      'ssh',
      'ftp',
      'https',
      'mqtt',
      'mqtts',
      'rtsp',
      'upnp',
      'cwmp',
      'adb',
      'coap',
      'ssdp',
      'mdns',
      'wsd',
      'snmp',
      'dns',
      'memcached',
      'ntp',
      'ubiquiti',
      'modbus',
      'enip',
      'bacnet',
      's7',
      'iec104',
      'fox',
      'foxs',
    ],
  );
  assert.equal(shippedProtocols.fieldTables.get('http')?.headers, 'header-map');
});

test('names are unique and no port is claimed twice', () => {
  assert.equal(new Set(protocols.map((protocol) => protocol.name)).size, protocols.length);
  // UDP ports are a family of their own: SSDP's UDP 1900 is not UPnP's TCP 1900.
  for (const udp of [false, true]) {
    const ports = protocols
      .filter((protocol) => (protocol.transport === 'udp') === udp)
      .flatMap((protocol) => [...protocol.defaultPorts, ...protocol.otherPorts]);
    assert.equal(new Set(ports).size, ports.length);
  }
  const echo = defineProtocol<{ line: string }>({
    name: 'echo',
    description: 'a test protocol',
    transport: 'tcp',
    defaultPorts: [7, 23],
    fields: { line: 'text' },
    grab: async () => ({ status: 'success', result: {} }),
  });
  assert.throws(() => createProtocolRegistry([...protocols, echo]), /port 23 is claimed by both telnet and echo/);
  assert.throws(() => createProtocolRegistry([...protocols, byName('ftp')!]), /two protocols are named "ftp"/);
});

const observation = (protocol: string, result: Record<string, unknown>): ServiceObservation => ({
  ip: '127.0.0.1',
  port: 1,
  protocol,
  status: 'success',
  result,
  durationMs: 1,
  observedAt: '',
});
/** The protocol whose checker takes this observation, as the survey chooses it. */
const checkerFor = (service: ServiceObservation) => {
  const checker = byName(service.protocol)?.credentials;
  return checker?.appliesTo(service) ? service.protocol : undefined;
};

test('one checker per login protocol, chosen by what the grab saw', () => {
  assert.deepEqual(
    protocols.filter((protocol) => protocol.credentials).map((protocol) => protocol.name),
    ['telnet', 'http', 'ssh', 'ftp', 'https', 'mqtt', 'mqtts', 'rtsp', 'adb', 'snmp'],
  );
  assert.equal(checkerFor(observation('snmp', { version: 'v2c', community: 'public' })), 'snmp');
  assert.equal(checkerFor(observation('snmp', {})), undefined, 'no answer, nothing readable');
  assert.equal(checkerFor(observation('https', { auth: { scheme: 'digest', realm: 'x' }, authPath: '/cgi-bin' })), 'https');
  assert.equal(checkerFor(observation('telnet', { promptKind: 'login' })), 'telnet');
  assert.equal(checkerFor(observation('http', { auth: { scheme: 'basic', realm: 'x' }, authPath: '/' })), 'http');
  assert.equal(checkerFor(observation('ftp', { banner: 'hi', code: 220 })), 'ftp');
  assert.equal(checkerFor(observation('ssh', { version: 'SSH-2.0-dropbear_2019.78', protocolVersion: '2.0', software: 'dropbear_2019.78' })), 'ssh');
  assert.equal(checkerFor(observation('ssh', { version: 'SSH-1.5-Cisco-1.25', protocolVersion: '1.5', software: 'Cisco-1.25' })), undefined);
  assert.equal(checkerFor(observation('http', { status: 200 })), undefined);
  assert.equal(checkerFor(observation('mqtts', { returnCode: 5, returnMeaning: 'not-authorized', anonymousAccepted: false })), 'mqtts');
  assert.equal(checkerFor(observation('mqtt', { returnCode: 1, returnMeaning: 'unacceptable-version', anonymousAccepted: false })), undefined);
});

test('non-test protocol code never opens sockets itself', () => {
  const root = fileURLToPath(new URL('.', import.meta.url));
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
    }
  };
  walk(root);
  assert.ok(files.length >= 10);
  for (const file of files) assert.doesNotMatch(readFileSync(file, 'utf8'), /from ['"]node:(net|tls|dgram)['"]/, file);
});

test('a TLS form reads its plain protocol’s rules; naming a protocol the registry lacks is refused', () => {
  assert.deepEqual(
    [...shippedProtocols.ruleAliases],
    [
      ['https', 'http'],
      ['mqtts', 'mqtt'],
      ['foxs', 'fox'],
    ],
  );
  const orphan = defineProtocol<{ line: string }>({
    name: 'gophers',
    description: 'a test protocol',
    transport: 'tls',
    defaultPorts: [7443],
    fields: { line: 'text' },
    rulesOf: 'gopher',
    grab: async () => ({ status: 'success', result: {} }),
  });
  assert.throws(() => createProtocolRegistry([...protocols, orphan]), /reads the rules of "gopher", which is not in the registry/);
});
