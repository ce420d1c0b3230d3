// The BACnet grab against the lab's building controller (src/lab/services/udp/bacnet-device.ts,
// served by the lab's own UDP device code) on loopback: the identity read with ReadProperty only,
// an old stack refusing the wildcard, and the hostile UDP behaviours ending with a status.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GrabContext } from '../grab.ts';
import { createDialer } from '../../scope/dialer.ts';
import { buildScope } from '../../scope/scope.ts';
import { startUdpPeer, type UdpPeer } from '../../../test/support/udp-peer-b.ts';
import { bacnetPersonaOf, icsADevice } from '../../lab/critical/ics-a.ts';
import { createLabStats } from '../../lab/stats.ts';
import { bacnetResponses } from '../../lab/services/udp/bacnet-device.ts';
import { serveUdpService, type UdpDeviceHandle } from '../../lab/services/udp/udp-device.ts';
import type { HostileUdpBehaviour } from '../../lab/types.ts';
import { grabBacnet } from './grabber.ts';
import bacnet from './index.ts';

// A grab asks seven properties; the dialer's polite pace (one datagram per address per second)
// is raised here so the test takes milliseconds, not seconds.
const dialer = createDialer({
  scope: buildScope({ allow: ['127.150.0.0/16'] }),
  rate: { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 4, datagramsPerTarget: { requests: 100, windowMs: 1000 } },
  limits: { ioTimeoutMs: 400, deadlineMs: 3000, maxBytes: 65_536 },
});
const ctx: GrabContext = {
  dial: (target, limits) => dialer.dial(target, limits),
  dialTls: (target, options) => dialer.dialTls(target, options),
  query: (target, request, options) => dialer.query(target, request, options),
  userAgent: 'opennotice-test',
  signal: new AbortController().signal,
};
const handles: UdpDeviceHandle[] = [];
const peers: UdpPeer[] = [];
after(async () => {
  for (const handle of handles) handle.close();
  for (const peer of peers) await peer.close();
});

async function controller(ip: string, hostile?: HostileUdpBehaviour): Promise<{ ip: string; port: number }> {
  const device = icsADevice('building-controller', ip);
  const service = { port: 47808, protocol: 'bacnet' as const, ...(hostile ? { hostile } : {}) };
  handles.push(await serveUdpService(device, service, createLabStats()));
  return { ip, port: 47808 };
}

test('every identity property of the Device object, read through the wildcard instance', async () => {
  const target = await controller('127.150.4.1');
  const outcome = await grabBacnet(ctx, target);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    deviceInstance: bacnetPersonaOf(icsADevice('building-controller', '127.150.4.1'))?.instance,
    vendorName: 'Brightmoor Controls',
    modelName: 'BMC-1200',
    firmwareRevision: '5.2.1',
    applicationSoftwareVersion: 'AHU program 12',
    objectName: 'AHU-3 Controller',
    description: 'Air handling unit 3',
    location: 'Plant room B',
  });
});

test('only ReadProperty is ever sent; a property the device lacks is skipped', async () => {
  const persona = bacnetPersonaOf(icsADevice('building-controller', '127.150.4.2'));
  assert.ok(persona);
  const counters = { readProperty: 0, otherServices: 0 };
  const sparse = { ...persona, properties: new Map([...persona.properties].filter(([property]) => property !== 58)) };
  const peer = await startUdpPeer('127.150.4.2', (request) => bacnetResponses(request, sparse, counters));
  peers.push(peer);
  const outcome = await grabBacnet(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.location, undefined);
  assert.equal(outcome.result.description, 'Air handling unit 3');
  assert.deepEqual(counters, { readProperty: 7, otherServices: 0 });
  assert.ok(
    peer.requests.every((request) => request[9] === 0x0c),
    'service choice 12, ReadProperty, in every request',
  );
});

test('an old stack refusing the wildcard: BACnet, with the refusal recorded and nothing more asked', async () => {
  const persona = bacnetPersonaOf(icsADevice('building-controller', '127.150.4.3'));
  assert.ok(persona);
  const counters = { readProperty: 0, otherServices: 0 };
  const peer = await startUdpPeer('127.150.4.3', (request) => bacnetResponses(request, { ...persona, acceptsWildcard: false }, counters));
  peers.push(peer);
  const outcome = await grabBacnet(ctx, { ip: peer.ip, port: peer.port });
  assert.deepEqual(outcome, { status: 'success', result: { refusal: 'error class 1 code 31' } });
  assert.equal(peer.requests.length, 1);
});

test('hostile controllers end with a recorded status and no identity', async () => {
  const cases: Array<[HostileUdpBehaviour, string, string[]]> = [
    ['flood', '127.150.4.10', ['protocol-error']],
    ['oversized', '127.150.4.11', ['protocol-error', 'byte-cap-exceeded']],
    ['malformed', '127.150.4.12', ['protocol-error']],
    // Replies from another port are not the target's: the dialer drops them, as silence.
    ['other-port', '127.150.4.13', ['io-timeout']],
  ];
  for (const [behaviour, ip, statuses] of cases) {
    const target = await controller(ip, behaviour);
    const outcome = await grabBacnet(ctx, target);
    assert.ok(statuses.includes(outcome.status), `${behaviour}: ${outcome.status} ${outcome.error ?? ''}`);
    assert.deepEqual(outcome.result, {}, behaviour);
  }
  const silent = await startUdpPeer('127.150.4.14', () => []);
  peers.push(silent);
  assert.equal((await grabBacnet(ctx, { ip: silent.ip, port: silent.port })).status, 'io-timeout');
  assert.equal(silent.requests.length, 1, 'silence to the first request ends the grab');
});

test("the sweep's probe is the grab's first request and matches the controller's answer", async () => {
  const probe = bacnet.detect?.probe;
  assert.ok(probe);
  const persona = bacnetPersonaOf(icsADevice('building-controller', '127.150.4.1'));
  assert.ok(persona);
  const request = Buffer.from(probe.request({ ip: '127.150.4.1', port: 47808 }));
  assert.equal(request.subarray(9).toString('hex'), '0c0c023fffff1979', 'ReadProperty vendor-name of Device 4194303');
  const [answer] = bacnetResponses(request, persona, { readProperty: 0, otherServices: 0 });
  assert.ok(answer && probe.matches(answer));
  assert.ok(!probe.matches(request));
});
