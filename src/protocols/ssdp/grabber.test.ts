import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer } from '../../../test/support/udp-peer.ts';
import { grabSsdp } from './grabber.ts';
import ssdp from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 4000 });
const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((close) => close())));

const description =
  '<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>' +
  '<friendlyName>Living Room</friendlyName><manufacturer>Kestrix</manufacturer><modelName>KX-TV5</modelName><modelNumber>5.1</modelNumber>' +
  '<serialNumber>SN123456</serialNumber></device></root>';

/** An HTTP server serving the description on `ip`, recording each request's path and User-Agent. */
async function descriptionServer(ip: string) {
  const requests: Array<{ path: string; userAgent: string | undefined }> = [];
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', userAgent: request.headers['user-agent'] });
    response.writeHead(200, { 'content-type': 'text/xml' }).end(description);
  });
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return { requests, port: typeof address === 'object' && address ? address.port : 0 };
}

const response = (location: string, st: string) =>
  Buffer.from(
    `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: ${location}\r\nSERVER: Linux/4.9 UPnP/1.0 Kestrix/2.0\r\nST: ${st}\r\nUSN: uuid:abc::${st}\r\n\r\n`,
  );

async function ssdpPeer(ip: string, replies: readonly Buffer[]) {
  const peer = await startUdpPeer(ip, () => replies);
  closers.push(() => peer.close());
  return peer;
}

test('responses read and measured; the LOCATION on the target itself is fetched with the survey’s User-Agent', async () => {
  const http = await descriptionServer('127.101.3.1');
  const location = `http://127.101.3.1:${http.port}/desc.xml`;
  const replies = [response(location, 'upnp:rootdevice'), response(location, 'urn:schemas-upnp-org:device:MediaRenderer:1'), Buffer.from('garbage')];
  const peer = await ssdpPeer('127.101.3.1', replies);
  const outcome = await grabSsdp(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(peer.requests.length, 1);
  assert.deepEqual(http.requests, [{ path: '/desc.xml', userAgent: ctx.userAgent }]);
  const { result } = outcome;
  assert.equal(result.server, 'Linux/4.9 UPnP/1.0 Kestrix/2.0');
  assert.equal(result.cacheControl, 'max-age=1800');
  assert.deepEqual(result.searchTargets, ['upnp:rootdevice', 'urn:schemas-upnp-org:device:MediaRenderer:1']);
  assert.equal(result.description, 'read');
  assert.equal(result.manufacturer, 'Kestrix');
  assert.equal(result.modelName, 'KX-TV5');
  assert.equal(result.modelNumber, '5.1');
  assert.doesNotMatch(JSON.stringify(result), /SN123456/, 'the serial number is not kept');
  // The garbage datagram is no answer: two replies counted, with their payload bytes.
  assert.deepEqual(ssdp.reflection?.(result), {
    request: 'M-SEARCH ssdp:all',
    requestBytes: peer.requests[0]!.length,
    replyBytes: replies[0]!.length + replies[1]!.length,
    replyPackets: 2,
  });
});

test('a LOCATION on another host is never fetched', async () => {
  const elsewhere = await descriptionServer('127.101.3.3');
  const peer = await ssdpPeer('127.101.3.2', [response(`http://127.101.3.3:${elsewhere.port}/desc.xml`, 'upnp:rootdevice')]);
  const outcome = await grabSsdp(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.description, 'other-host');
  assert.equal(outcome.result.manufacturer, undefined);
  assert.equal(elsewhere.requests.length, 0);
});

test('replies that are no search response: protocol-error without reflection; silence: io-timeout', async () => {
  const noise = await ssdpPeer('127.101.3.4', [Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), Buffer.alloc(1200, 0x20)]);
  const refused = await grabSsdp(ctx, { ip: noise.ip, port: noise.port });
  assert.equal(refused.status, 'protocol-error');
  assert.equal(ssdp.reflection?.(refused.result), undefined);
  const silent = await ssdpPeer('127.101.3.5', []);
  assert.equal((await grabSsdp(ctx, { ip: silent.ip, port: silent.port })).status, 'io-timeout');
});
