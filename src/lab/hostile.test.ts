/**
 * The hostile devices of a live lab on 127.202.0.0/16 behave as advertised, and none of
 * them stalls the lab: ordinary devices keep answering while they misbehave.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startLab, type LabHandle } from './lab.ts';
import { rawConnect } from '../../test/support/lab/raw-client.ts';
import type { HostileBehaviour, TruthDevice } from './types.ts';
import { encodeConnect } from '../protocols/mqtt/connect.ts';

let lab: LabHandle;
before(async () => {
  lab = await startLab({ cidr: '127.202.0.0/16', deviceCount: 20, seed: 11, hostile: true });
});
after(async () => {
  await lab.close();
});

const hostile = (behaviour: HostileBehaviour): TruthDevice => {
  const device = lab.truth.devices.find((candidate) => candidate.hostileBehaviour === behaviour);
  assert.ok(device, `no ${behaviour} device`);
  return device;
};

/** An ordinary device's first bytes: proof the lab's event loop is still serving. */
async function ordinaryDeviceAnswers(): Promise<void> {
  const device = lab.truth.devices.find((candidate) => candidate.role === 'device')!;
  const client = await rawConnect(device.ip, device.services[0]!.port);
  if (device.services[0]!.protocol === 'http') client.write('GET / HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n');
  await client.waitFor((bytes) => bytes.length > 0);
  client.close();
}

test('the lab has at least two devices of each behaviour, with the documented ports', () => {
  for (const behaviour of ['tarpit', 'endless-banner', 'binary-garbage', 'slow-sender', 'iac-storm'] as const) {
    assert.ok(lab.truth.devices.filter((device) => device.hostileBehaviour === behaviour).length >= 2, behaviour);
  }
  const ports = (behaviour: HostileBehaviour) => hostile(behaviour).services.map((service) => `${service.protocol}/${service.port}`);
  assert.deepEqual(ports('tarpit'), ['telnet/23', 'http/80', 'https/443']);
  assert.deepEqual(ports('endless-banner'), ['telnet/23', 'http/8080', 'rtsp/554', 'upnp/49152']);
  assert.deepEqual(ports('binary-garbage'), ['telnet/23', 'http/80', 'mqtt/1883']);
  assert.deepEqual(ports('slow-sender'), ['telnet/23', 'mqtt/1883']);
});

test('tarpit: accepts on telnet, web and TLS ports and never sends a byte (a TLS handshake that stalls)', async () => {
  const device = hostile('tarpit');
  const clients = await Promise.all(device.services.map((service) => rawConnect(device.ip, service.port)));
  clients[1]!.write('GET / HTTP/1.1\r\nHost: lab\r\n\r\n');
  // The start of a TLS ClientHello record: the tarpit answers it with nothing.
  clients[2]!.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xf1, 0x01, 0x00, 0x00, 0xed, 0x03, 0x03]));
  await ordinaryDeviceAnswers();
  for (const client of clients) {
    assert.equal(client.received().length, 0);
    client.close();
  }
});

test('endless banner: keeps sending past any sane cap (telnet text, and HTTP headers that never end)', async () => {
  const device = hostile('endless-banner');
  const telnet = await rawConnect(device.ip, 23, { maxBytes: 512 * 1024 });
  const text = await telnet.waitFor((bytes) => bytes.length >= 300 * 1024, 20_000);
  assert.ok(!text.toString('latin1').includes('login:'));
  telnet.close();
  const web = await rawConnect(device.ip, 8080, { maxBytes: 512 * 1024 });
  const head = await web.waitFor((bytes) => bytes.length >= 100 * 1024, 20_000);
  assert.ok(head.toString('latin1').startsWith('HTTP/1.1 200 OK\r\n'));
  assert.ok(!head.includes('\r\n\r\n'), 'the header section never ends');
  web.close();
  const rtsp = await rawConnect(device.ip, 554, { maxBytes: 512 * 1024 });
  rtsp.write('OPTIONS rtsp://lab/ RTSP/1.0\r\nCSeq: 1\r\n\r\n');
  const rtspHead = await rtsp.waitFor((bytes) => bytes.length >= 100 * 1024, 20_000);
  assert.match(rtspHead.toString('latin1'), /^RTSP\/1\.0 200 /);
  assert.ok(!rtspHead.includes('\r\n\r\n'), 'the RTSP header section never ends');
  rtsp.close();
  const upnp = await rawConnect(device.ip, 49152, { maxBytes: 512 * 1024 });
  upnp.write('GET /rootDesc.xml HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n');
  await upnp.closed();
  const bomb = upnp.received().toString('latin1');
  assert.match(bomb, /^HTTP\/1\.1 200 /);
  assert.match(bomb, /<!ENTITY lol\d? /, 'an entity expansion bomb');
  upnp.close();
  await ordinaryDeviceAnswers();
});

test('binary garbage: random bytes full of NUL and 0xFF; on MQTT, a CONNACK announcing 256 MiB, then a flood', async () => {
  const device = hostile('binary-garbage');
  const mqtt = await rawConnect(device.ip, 1883, { maxBytes: 512 * 1024 });
  mqtt.write(encodeConnect({ level: 4, clientId: 'hostiletest', keepAliveSeconds: 30 }));
  const giant = await mqtt.waitFor((received) => received.length >= 64 * 1024, 20_000);
  assert.deepEqual([...giant.subarray(0, 5)], [0x20, 0xff, 0xff, 0xff, 0x7f]);
  mqtt.close();
  for (const service of device.services.filter((candidate) => candidate.protocol !== 'mqtt')) {
    const client = await rawConnect(device.ip, service.port);
    const bytes = await client.waitFor((received) => received.length >= 4096);
    assert.ok(bytes.includes(0x00) && bytes.includes(0xff));
    assert.ok(bytes.filter((byte) => byte === 0x00).length > 400);
    client.close();
  }
});

test('slow sender: a login banner, one byte per write', async () => {
  const device = hostile('slow-sender');
  const chunkSizes: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: device.ip, port: 23 });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      chunkSizes.push(chunk.length);
      if (chunkSizes.length === 2) {
        socket.destroy();
        resolve();
      }
    });
  });
  assert.deepEqual(chunkSizes, [1, 1]);
});

test('IAC storm: nothing but DO/WILL requests, on and on', async () => {
  const device = hostile('iac-storm');
  const client = await rawConnect(device.ip, 23, { maxBytes: 256 * 1024 });
  client.write(Buffer.from([255, 252, 1, 255, 254, 3]));
  const bytes = await client.waitFor((received) => received.length >= 60_000, 20_000);
  const whole = bytes.subarray(0, bytes.length - (bytes.length % 3));
  for (let index = 0; index < whole.length; index += 3) {
    assert.equal(whole[index], 255);
    assert.ok(whole[index + 1] === 251 || whole[index + 1] === 253);
  }
  client.close();
  await ordinaryDeviceAnswers();
});

test('hostile connections are counted and the lab closes with them still open', async () => {
  const device = hostile('tarpit');
  const lingering = await rawConnect(device.ip, 23);
  assert.ok(lab.stats().hostileConnections >= 8);
  await lab.close();
  await lingering.closed();
  lab = await startLab({ cidr: '127.202.0.0/16', deviceCount: 20, seed: 11, hostile: true });
});
