import { test } from 'node:test';
import assert from 'node:assert/strict';
import { upnpDeviceSite, type UpnpDevicePersona } from '../../lab/services/upnp-device.ts';
import { createLabHttpServer } from '../../lab/services/http-server.ts';
import { createLabStats } from '../../lab/stats.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { listenOnLoopback, serveLabSite, type LoopbackListener } from '../../../test/support/lab/loopback-listener.ts';
import { readHttpRequest, startPeer } from '../fake-peer.test.ts';
import { descriptionPaths } from './codec.ts';
import { grabUpnp } from './grabber.ts';
import upnp from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000 });

const persona: UpnpDevicePersona = {
  friendlyName: 'Kestrix Home Gateway',
  manufacturer: 'Kestrix Networks',
  manufacturerURL: 'http://www.kestrix.example/',
  modelName: 'KX-R300',
  modelNumber: '1.04B05',
  serialNumber: 'KX3000012345',
  udn: 'uuid:8a2b0f3c-4d5e-4f60-8a71-92b3c4d5e6f7',
  firmware: '1.04B05_20190311',
};

async function grabFrom(listener: LoopbackListener) {
  try {
    return await grabUpnp(ctx, { ip: '127.0.0.1', port: listener.port });
  } finally {
    await listener.close();
  }
}

test('reads the description at the first path: facts, services, the embedded device, never the serial number', async () => {
  const outcome = await grabFrom(await serveLabSite(upnpDeviceSite({ kind: 'description', persona })));
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    descriptionPath: '/rootDesc.xml',
    server: 'Linux/3.10.14 UPnP/1.1 MiniUPnPd/2.1',
    deviceType: 'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
    friendlyName: 'Kestrix Home Gateway',
    manufacturer: 'Kestrix Networks',
    manufacturerURL: 'http://www.kestrix.example/',
    modelDescription: 'Kestrix Networks router',
    modelName: 'KX-R300',
    modelNumber: '1.04B05',
    UDN: 'uuid:8a2b0f3c-4d5e-4f60-8a71-92b3c4d5e6f7',
    presentationURL: 'http://192.168.1.1/',
    firmware: '1.04B05_20190311',
    services: ['urn:schemas-upnp-org:service:Layer3Forwarding:1'],
    embedded: {
      deviceType: 'urn:schemas-upnp-org:device:WANDevice:1',
      friendlyName: 'WANDevice',
      manufacturer: 'MiniUPnP',
      modelName: 'WAN Device',
      modelNumber: '20170421',
      UDN: 'uuid:8a2b0f3c-4d5e-4f60-8a71-92b3c4d5e6f7-wan',
    },
  });
  assert.doesNotMatch(JSON.stringify(outcome.result), /KX3000012345/);
});

test('asks the well-known paths in order until one answers with a UPnP root; a wrapper root keeps the real device as embedded', async () => {
  const http = createLabHttpServer(createLabStats());
  const site = upnpDeviceSite({ kind: 'description', persona: { ...persona, wrapped: true } }, { path: '/igddesc.xml', server: 'FRITZ!Box UPnP/1.0' });
  const asked: string[] = [];
  const listener = await listenOnLoopback((socket) =>
    http.accept(socket, (request) => {
      asked.push(request.path);
      return site(request);
    }),
  );
  const outcome = await grabFrom(listener);
  http.close();
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(asked, descriptionPaths.slice(0, descriptionPaths.indexOf('/igddesc.xml') + 1));
  assert.equal(outcome.result.descriptionPath, '/igddesc.xml');
  assert.equal(outcome.result.manufacturer, 'Generic');
  assert.equal(outcome.result.embedded?.manufacturer, 'Kestrix Networks');
  assert.equal(outcome.result.embedded?.modelName, 'KX-R300');
  assert.equal(outcome.result.embedded?.firmware, '1.04B05_20190311');
});

test('a billion-laughs description is refused unread, at once, and recorded', async () => {
  const started = performance.now();
  const outcome = await grabFrom(await serveLabSite(upnpDeviceSite({ kind: 'billion-laughs' })));
  assert.equal(outcome.status, 'protocol-error');
  assert.deepEqual(outcome.result, { descriptionPath: '/rootDesc.xml', refusal: 'entity-declaration', server: 'Linux/3.10.14 UPnP/1.1 MiniUPnPd/2.1' });
  assert.match(String(outcome.error), /declares an entity/);
  assert.ok(performance.now() - started < 2500, 'no expansion, no wait');
});

test('an external entity (XXE) is refused and recorded', async () => {
  const outcome = await grabFrom(await serveLabSite(upnpDeviceSite({ kind: 'external-entity' })));
  assert.equal(outcome.status, 'protocol-error');
  assert.equal(outcome.result.refusal, 'external-entity');
  assert.equal(outcome.result.friendlyName, undefined);
  assert.doesNotMatch(JSON.stringify(outcome.result), /root:/);
});

test('an oversized description is refused after the body cap, not read', async () => {
  const outcome = await grabFrom(await serveLabSite(upnpDeviceSite({ kind: 'oversized', bytes: 512 * 1024 })));
  assert.equal(outcome.status, 'protocol-error');
  assert.equal(outcome.result.refusal, 'too-large');
  assert.match(String(outcome.error), /larger than 65536 bytes/);
});

test('a web interface that answers every path with HTML is asked each path once, nothing refused', async () => {
  const peer = await startPeer(async (c) => {
    await readHttpRequest(c);
    const page =
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><body>&nbsp;login</body></html>';
    await c.send(`HTTP/1.0 200 OK\r\nServer: GoAhead-Webs\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`);
    c.socket.end();
  });
  try {
    const outcome = await upnp.grab(ctx, { ip: '127.0.0.1', port: peer.port });
    assert.equal(outcome.status, 'protocol-error');
    assert.deepEqual(outcome.result, { server: 'GoAhead-Webs' });
    assert.match(String(outcome.error), /no UPnP description/);
    assert.equal(peer.connections.length, descriptionPaths.length);
  } finally {
    await peer.close();
  }
});

test('a port that does not speak HTTP, or is closed, ends the grab after the first path', async () => {
  const silent = await startPeer(() => undefined);
  const garbage = await startPeer((c) => c.send(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0d, 0x0a])));
  try {
    const timedOut = await upnp.grab(ctx, { ip: '127.0.0.1', port: silent.port });
    assert.equal(timedOut.status, 'io-timeout');
    assert.equal(silent.connections.length, 1);
    const broken = await upnp.grab(ctx, { ip: '127.0.0.1', port: garbage.port });
    assert.equal(broken.status, 'protocol-error');
    assert.equal(garbage.connections.length, 1);
  } finally {
    await silent.close();
    await garbage.close();
  }
  const closedPort = silent.port;
  assert.equal((await upnp.grab(ctx, { ip: '127.0.0.1', port: closedPort })).status, 'connection-refused');
});

test('the detection probe asks for the first path and recognises the UPnP stack’s answer', async () => {
  const listener = await serveLabSite(upnpDeviceSite({ kind: 'description', persona }));
  try {
    const probe = upnp.detect!.probe!;
    const request = Buffer.from(probe.request({ ip: '127.0.0.1', port: listener.port })).toString('latin1');
    assert.match(request, new RegExp(`^GET /rootDesc\\.xml HTTP/1\\.1\\r\\nHost: 127\\.0\\.0\\.1:${listener.port}\\r\\n`));
    const conn = await ctx.dial({ ip: '127.0.0.1', port: listener.port });
    await conn.write(request);
    const { data } = await conn.readUntil((bytes) => bytes.includes('\r\n\r\n'));
    conn.close();
    assert.equal(probe.matches(data), true);
    assert.equal(probe.matches(Buffer.from('SSH-2.0-dropbear\r\n')), false);
    assert.equal(probe.matches(Buffer.from('HTTP/1.1 404 Not Found\r\nServer: GoAhead-Webs\r\n\r\n')), false, 'a web interface is left to HTTP');
  } finally {
    await listener.close();
  }
});
