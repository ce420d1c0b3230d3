/**
 * One survey of devices that try to lead the scanner out of its scope, run inside a network
 * namespace whose only interface is its loopback (test/scope-on-the-wire.test.ts captures that
 * interface with tcpdump): `ip netns exec NS node test/support/on-the-wire-run.ts CONFIG RESULT`.
 * The devices redirect (HTTP 302 and meta refresh, HTTPS 302, RTSP 302) and hand out UPnP
 * LOCATION URLs pointing at excluded and out-of-scope addresses, and a listener waits at each
 * of those addresses, so a scanner that followed would connect. The result file holds what the
 * survey stored and which listeners were reached.
 */
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createSurveyDeps } from '../../src/cli/survey-deps.ts';
import { openStore } from '../../src/store/open-store.ts';
import { runSurvey } from '../../src/survey/run-survey.ts';
import { type OnTheWireConfig, type WireDevice, wireDevices, wireTraps } from './on-the-wire-devices.ts';
import { selfSigned } from './self-signed.ts';

const [configFile, resultFile] = process.argv.slice(2);
if (!configFile || !resultFile) {
  process.stderr.write('usage: on-the-wire-run.ts CONFIG.json RESULT.json\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configFile, 'utf8')) as OnTheWireConfig;
const reached = new Map<string, number>();
const count = (key: string) => reached.set(key, (reached.get(key) ?? 0) + 1);
const closers: Array<() => void> = [];
const tls = selfSigned('/CN=camera.example');

function httpAnswer(device: WireDevice) {
  return (request: IncomingMessage, response: ServerResponse) => {
    count(`${device.ip}:${device.port}`);
    request.resume();
    if (device.behaviour === 'http-302' || device.behaviour === 'https-302') {
      response.writeHead(302, { location: device.leadsTo!, 'content-length': 0 });
      response.end();
    } else if (device.behaviour === 'http-meta-refresh') {
      const body = `<html><head><title>Router</title><meta http-equiv="refresh" content="0; url=${device.leadsTo}"></head></html>`;
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    } else {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': 23 });
      response.end('<title>Camera</title>\n\n');
    }
  };
}

async function listenTcp(server: Server, ip: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port }, () => resolve());
  });
  closers.push(() => server.close());
}

for (const device of wireDevices) {
  if (device.behaviour === 'ssdp-location') {
    const socket = createSocket('udp4');
    socket.on('message', (message, peer) => {
      if (!message.toString('latin1').startsWith('M-SEARCH')) return;
      count(`${device.ip}:${device.port}`);
      const reply = [
        'HTTP/1.1 200 OK',
        'CACHE-CONTROL: max-age=1800',
        'ST: upnp:rootdevice',
        'USN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice',
        'SERVER: Linux/3.14 UPnP/1.0 IpBridge/1.26.0',
        `LOCATION: ${device.leadsTo}`,
        '',
        '',
      ].join('\r\n');
      socket.send(reply, peer.port, peer.address);
    });
    await new Promise<void>((resolve) => socket.bind(device.port, device.ip, resolve));
    closers.push(() => socket.close());
  } else if (device.behaviour === 'rtsp-302') {
    const server = createTcpServer((socket) => {
      count(`${device.ip}:${device.port}`);
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        const cseq = /^CSeq: *(\d+)/im.exec(chunk.toString('latin1'))?.[1] ?? '0';
        socket.write(`RTSP/1.0 302 Moved Temporarily\r\nCSeq: ${cseq}\r\nLocation: ${device.leadsTo}\r\nContent-Length: 0\r\n\r\n`);
      });
    });
    await listenTcp(server, device.ip, device.port);
  } else if (device.behaviour === 'https-302') {
    const server = createHttpsServer({ key: tls.key, cert: tls.cert }, httpAnswer(device));
    server.on('tlsClientError', () => undefined);
    await listenTcp(server as unknown as Server, device.ip, device.port);
  } else {
    await listenTcp(createHttpServer(httpAnswer(device)) as unknown as Server, device.ip, device.port);
  }
}
for (const trap of wireTraps) {
  const server = createTcpServer((socket) => {
    count(`${trap.ip}:${trap.port}`);
    socket.destroy();
  });
  await listenTcp(server, trap.ip, trap.port);
}

const store = await openStore(config.store);
try {
  const now = new Date().toISOString();
  const optOut = await store.createOptOutRequest({
    cidrs: [config.optOut],
    contact: 'owner@example.net',
    reason: 'leave my camera alone',
    requestedAt: now,
    requesterAddress: '192.0.2.50',
  });
  await store.decideOptOutRequest(optOut, { status: 'approved', at: now, by: 'ops' });
  const summary = await runSurvey(
    {
      plan: config.plan,
      hitList: config.hitList,
      exclude: config.exclude,
      checks: ['credentials'],
      udpPorts: [1900],
      seed: 11,
      limits: { perHostConcurrent: 2, connectTimeoutMs: 1500, ioTimeoutMs: 2000, deadlineMs: 6000, maxBytes: 262_144 },
    },
    { ...createSurveyDeps({ store }), allowReserved: config.allowReserved },
  );
  writeFileSync(resultFile, JSON.stringify({ summary, services: await store.listServices(), reached: Object.fromEntries(reached) }));
} finally {
  await store.close();
  for (const close of closers) close();
}
process.exit(0);
