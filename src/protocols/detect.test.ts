// Protocol detection on any port, against real sockets on 127.0.0.1: services on their usual
// ports and moved to unusual ones, speaking first or waiting for a request, plain or in TLS,
// silent, unknown, refused.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createLoopbackContext } from '../../test/support/loopback-context.ts';
import { selfSigned } from '../../test/support/self-signed.ts';
import { type DetectionLimits, detectService } from './detect.ts';
import { defineProtocol } from './protocol.ts';
import { createProtocolRegistry, shippedProtocols } from './registry.ts';

const ctx = createLoopbackContext({ connectTimeoutMs: 1000, ioTimeoutMs: 1500, deadlineMs: 8000 });
const limits: DetectionLimits = { bannerWaitMs: 400, briefWaitMs: 150, replyWaitMs: 800, maxProbes: 6, maxBytes: 4096 };
const servers: Server[] = [];
const certificate = selfSigned('/CN=detect-test');

after(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

/** Listen on a given port of an address of our own (so usual ports can be tested without root clashes). */
async function listen(server: Server, ip: string, port: number): Promise<void> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, resolve);
  });
}

const greeter = (greeting: Buffer | string) =>
  createTcpServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(greeting);
  });

/** Answers an HTTP request line with a minimal response; says nothing first. */
const httpResponder = (socket: Socket) => {
  socket.on('error', () => socket.destroy());
  socket.once('data', () => socket.end('HTTP/1.1 401 Unauthorized\r\nServer: mini_httpd/1.19\r\nContent-Length: 0\r\n\r\n'));
};

const detect = (ip: string, port: number) => detectService(ctx, { ip, port }, shippedProtocols, limits);

test('services that speak first are named by what they volunteer, on any port, with no probe', async () => {
  await listen(greeter(Buffer.concat([Buffer.from([255, 253, 1, 255, 251, 3]), Buffer.from('\r\nBusyBox v1.35.0\r\nipcam login: ')])), '127.88.0.1', 8023);
  await listen(greeter('SSH-2.0-dropbear_2022.83\r\n'), '127.88.0.1', 2222);
  await listen(greeter('220 (vsFTPd 3.0.3)\r\n'), '127.88.0.1', 2121);
  await listen(greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), '127.88.0.1', 80);
  for (const [port, name] of [
    [8023, 'telnet'],
    [2222, 'ssh'],
    [2121, 'ftp'],
    [80, 'ssh'],
  ] as const) {
    const found = await detect('127.88.0.1', port);
    assert.equal(found.protocol?.name, name, `port ${port}`);
    assert.equal(found.method, 'banner');
    assert.equal(found.status, 'success');
    assert.ok(found.connections === 1, `one connection on ${port}`);
  }
});

test('a silent service is probed: the port’s usual protocol on the first connection, any other after it', async () => {
  await listen(createTcpServer(httpResponder), '127.88.0.2', 80);
  await listen(createTcpServer(httpResponder), '127.88.0.2', 5000);
  await listen(createTcpServer(httpResponder), '127.88.0.2', 21);
  const usual = await detect('127.88.0.2', 80);
  assert.deepEqual([usual.protocol?.name, usual.method, usual.probes, usual.connections], ['http', 'probe', 1, 1]);
  const unknownPort = await detect('127.88.0.2', 5000);
  assert.deepEqual([unknownPort.protocol?.name, unknownPort.method], ['http', 'probe']);
  assert.ok(unknownPort.probes <= 2, `probes spent: ${unknownPort.probes}`);
  // Port 21 expects FTP to speak first: after the wait, HTTP's probe names it.
  const moved = await detect('127.88.0.2', 21);
  assert.deepEqual([moved.protocol?.name, moved.method], ['http', 'probe']);
});

test('TLS is found by its handshake, and the protocol inside it by the same steps', async () => {
  const https = () => createTlsServer({ key: certificate.key, cert: certificate.cert }, httpResponder);
  await listen(https(), '127.88.0.3', 443);
  await listen(https(), '127.88.0.3', 9443);
  await listen(https(), '127.88.0.3', 80);
  for (const port of [443, 9443, 80]) {
    const found = await detect('127.88.0.3', port);
    assert.equal(found.protocol?.name, 'https', `port ${port}`);
    assert.equal(found.method, 'tls-probe');
    assert.equal(found.tls?.certificate?.subject.commonName, 'detect-test');
    assert.ok(found.probes <= 3, `probes on ${port}: ${found.probes}`);
  }
});

test('unknown greetings, silence, garbage and refusals end with a status, within the probe budget', async () => {
  await listen(greeter('+OK POP3 server ready\r\n'), '127.88.0.4', 110);
  const silent = createTcpServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pause();
  });
  await listen(silent, '127.88.0.4', 7777);
  const unknown = await detect('127.88.0.4', 110);
  assert.equal(unknown.protocol, undefined);
  assert.equal(unknown.status, 'protocol-error');
  assert.match(unknown.unrecognised ?? '', /^\+OK POP3/);
  const started = performance.now();
  const tarpit = await detect('127.88.0.4', 7777);
  assert.equal(tarpit.protocol, undefined);
  assert.ok(tarpit.probes <= limits.maxProbes, `probes ${tarpit.probes}`);
  assert.ok(performance.now() - started < 30_000, 'a tarpit costs a bounded time');
  const refused = await detect('127.88.0.4', 7778);
  assert.deepEqual([refused.status, refused.probes, refused.protocol], ['connection-refused', 0, undefined]);
});

test('a protocol that declares no detection keeps its port, unless another protocol recognises the service', async () => {
  const plainStatus = defineProtocol<{ line: string }>({
    name: 'plain-status',
    description: 'a test protocol with no detection hooks',
    transport: 'tcp',
    defaultPorts: [7070],
    fields: { line: 'text' },
    grab: async () => ({ status: 'success', result: {} }),
  });
  const registry = createProtocolRegistry([...shippedProtocols.protocols, plainStatus]);
  await listen(greeter('STATUS ok model=X1\r\n'), '127.88.0.5', 7070);
  await listen(greeter('SSH-2.0-dropbear_2020.81\r\n'), '127.88.0.6', 7070);
  const own = await detectService(ctx, { ip: '127.88.0.5', port: 7070 }, registry, limits);
  assert.deepEqual([own.protocol?.name, own.method, own.probes, own.connections], ['plain-status', 'port', 0, 1]);
  const moved = await detectService(ctx, { ip: '127.88.0.6', port: 7070 }, registry, limits);
  assert.deepEqual([moved.protocol?.name, moved.method], ['ssh', 'banner']);
});
