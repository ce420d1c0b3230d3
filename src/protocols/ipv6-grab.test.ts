// Grabs over IPv6 on ::1: HTTP's Host header and redirect URLs bracket the literal, and a TLS
// service is reached and described through the dialer like an IPv4 one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import type { GrabContext } from './grab.ts';
import { shippedProtocols } from './registry.ts';
import { createDialer } from '../scope/dialer.ts';
import { buildScope } from '../scope/scope.ts';
import { selfSigned } from '../../test/support/self-signed.ts';

function ipv6Context(): GrabContext {
  const dialer = createDialer({
    scope: buildScope({ allow: ['::1'] }),
    rate: { connectionsPerSecond: 10_000, maxConcurrent: 16, perHostConcurrent: 4 },
    limits: { ioTimeoutMs: 2000, deadlineMs: 5000 },
    sourceAddresses: ['::1'],
  });
  return {
    dial: (target, overrides) => dialer.dial(target, overrides),
    dialTls: (target, options) => dialer.dialTls(target, options),
    query: (target, request, options) => dialer.query(target, request, options),
    userAgent: 'opennotice-test',
    signal: new AbortController().signal,
  };
}

test('HTTP over IPv6: the Host header and the followed redirect carry the bracketed literal', async (t) => {
  const hosts: string[] = [];
  const server = createServer((request, response) => {
    hosts.push(String(request.headers.host));
    if (request.url === '/') {
      response.writeHead(302, { location: '/login.html' }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>Camera Login</title></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const outcome = await shippedProtocols.byName('http')!.grab(ipv6Context(), { ip: '::1', port });
  assert.equal(outcome.status, 'success', outcome.error);
  const result = outcome.result as { url: string; title?: string; redirects: string[] };
  assert.equal(result.url, `http://[::1]:${port}/login.html`);
  assert.equal(result.title, 'Camera Login');
  assert.deepEqual(hosts, [`[::1]:${port}`, `[::1]:${port}`]);
});

test('TLS over IPv6: dialTls reaches a service on ::1 and reads its certificate', async (t) => {
  const { key, cert } = selfSigned('/CN=v6-camera.example');
  const server = createTlsServer({ key, cert }, (socket) => socket.end('hello\n'));
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const connection = await ipv6Context().dialTls({ ip: '::1', port });
  try {
    assert.equal(connection.tls.certificate?.subject.commonName, 'v6-camera.example');
    const first = await connection.next();
    assert.ok('chunk' in first && first.chunk.toString() === 'hello\n');
  } finally {
    connection.close();
  }
});
