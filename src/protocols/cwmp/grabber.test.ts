import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cwmpServerSite } from '../../lab/services/cwmp-server.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { serveLabSite } from '../../../test/support/lab/loopback-listener.ts';
import { readHttpRequest, startPeer } from '../fake-peer.test.ts';
import type { ResponseHead } from '../http/codec.ts';
import { describeResponse } from './codec.ts';
import { grabCwmp } from './grabber.ts';
import cwmp from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 2000 });

test('a RomPager connection-request server: 401, its Server header and Digest realm are recorded', async () => {
  const listener = await serveLabSite(cwmpServerSite({ server: 'RomPager/4.07 UPnP/1.0', realm: 'IgdAuthentication', seed: '127.0.0.1' }));
  try {
    const outcome = await grabCwmp(ctx, { ip: '127.0.0.1', port: listener.port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual(outcome.result, {
      status: 401,
      statusLine: 'HTTP/1.1 401 Unauthorized',
      server: 'RomPager/4.07 UPnP/1.0',
      auth: { scheme: 'digest', realm: 'IgdAuthentication' },
    });
  } finally {
    await listener.close();
  }
});

test('one GET / without credentials is all the grab sends', async () => {
  const peer = await startPeer(async (c) => {
    await readHttpRequest(c);
    await c.send('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  });
  try {
    const outcome = await grabCwmp(ctx, { ip: '127.0.0.1', port: peer.port });
    await peer.connections[0]?.closed;
    assert.deepEqual(outcome.result, { status: 404, statusLine: 'HTTP/1.1 404 Not Found' });
    assert.equal(peer.connections.length, 1);
    const sent = peer.connections[0]!.received().toString('latin1');
    assert.match(sent, /^GET \/ HTTP\/1\.1\r\n/);
    assert.doesNotMatch(sent, /authorization/i);
    assert.equal(sent.split('\r\n\r\n').length, 2, 'one request');
  } finally {
    await peer.close();
  }
});

test('silent, non-HTTP and refused ports end with a status', async () => {
  const silent = await startPeer(() => undefined);
  const ssh = await startPeer((c) => c.send('SSH-2.0-dropbear_2019.78\r\n'));
  try {
    assert.equal((await grabCwmp(ctx, { ip: '127.0.0.1', port: silent.port })).status, 'io-timeout');
    assert.equal((await grabCwmp(ctx, { ip: '127.0.0.1', port: ssh.port })).status, 'protocol-error');
  } finally {
    await silent.close();
    await ssh.close();
  }
  assert.equal((await grabCwmp(ctx, { ip: '127.0.0.1', port: silent.port })).status, 'connection-refused');
});

test('the challenge prefers Digest, keeps Basic otherwise, and marks an unreadable one', () => {
  const head = (headers: Record<string, string>): ResponseHead => ({ version: 'HTTP/1.1', status: 401, reason: '', statusLine: 'HTTP/1.1 401', headers });
  assert.deepEqual(describeResponse(head({ 'www-authenticate': 'Basic realm="TD-W8901G", Digest realm="HuaweiHomeGateway", nonce="1"' })), {
    auth: { scheme: 'digest', realm: 'HuaweiHomeGateway' },
  });
  assert.deepEqual(describeResponse(head({ 'www-authenticate': 'Basic realm="TD-W8901G"', server: 'micro_httpd' })), {
    server: 'micro_httpd',
    auth: { scheme: 'basic', realm: 'TD-W8901G' },
  });
  assert.deepEqual(describeResponse(head({ 'www-authenticate': '' })), { auth: { scheme: 'unknown' } });
  assert.deepEqual(describeResponse(head({})), {});
});

test('the detection probe is GET / and recognises the RomPager answer', async () => {
  const listener = await serveLabSite(cwmpServerSite({ server: 'RomPager/4.07 UPnP/1.0', realm: 'IgdAuthentication', seed: 'x' }));
  try {
    const probe = cwmp.detect!.probe!;
    const request = Buffer.from(probe.request({ ip: '127.0.0.1', port: 7547 })).toString('latin1');
    assert.match(request, /^GET \/ HTTP\/1\.1\r\nHost: 127\.0\.0\.1:7547\r\n/);
    const conn = await ctx.dial({ ip: '127.0.0.1', port: listener.port });
    await conn.write(request);
    const { data } = await conn.readUntil((bytes) => bytes.includes('\r\n\r\n'));
    conn.close();
    assert.equal(probe.matches(data), true);
    assert.equal(probe.matches(Buffer.from('SSH-2.0-x\r\n')), false);
  } finally {
    await listener.close();
  }
});
