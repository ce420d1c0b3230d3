import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startPeer, type FakePeer } from '../fake-peer.test.ts';
import ftpGrabber from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 1500, maxBytes: 32 * 1024 });

async function grab(peer: FakePeer) {
  try {
    const outcome = await ftpGrabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
    if (peer.connections[0]) await peer.connections[0].closed;
    return { outcome, sent: peer.connections[0]?.received() ?? Buffer.alloc(0) };
  } finally {
    await peer.close();
  }
}

test('multi-line greeting after a 120, read whole; nothing is sent', async () => {
  const { outcome, sent } = await grab(
    await startPeer(async (c) => {
      await c.send('120 Service ready in 1 minute\r\n');
      await sleep(30);
      await c.send('220-Welcome to ACME NAS FTP\r\n220-');
      await sleep(30);
      await c.send('Unauthorized access prohibited\r\n220 Ready\r\n');
    }),
  );
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result, { banner: 'Welcome to ACME NAS FTP\nUnauthorized access prohibited\nReady', code: 220 });
  assert.equal(sent.length, 0);
});

test('421 is a protocol error that keeps the text', async () => {
  const { outcome } = await grab(await startPeer((c) => c.send('421 Too many connections (8) from this IP\r\n')));
  assert.equal(outcome.status, 'protocol-error');
  assert.deepEqual(outcome.result, { banner: 'Too many connections (8) from this IP', code: 421 });
  assert.match(String(outcome.error), /421/);
});

test('hostile and broken servers end with a status', async () => {
  assert.equal((await grab(await startPeer(() => undefined))).outcome.status, 'io-timeout');
  assert.equal((await grab(await startPeer((c) => c.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a]))))).outcome.status, 'protocol-error');
  const endless = await grab(
    await startPeer(async (c) => {
      await c.send('220-Welcome\r\n');
      for (let index = 0; index < 100_000 && !c.socket.destroyed; index++) await c.send('more welcome text\r\n');
    }),
  );
  assert.equal(endless.outcome.status, 'protocol-error');
  const slow = await grab(
    await startPeer(async (c) => {
      for (let index = 0; index < 100 && !c.socket.destroyed; index++) {
        await c.send(index === 0 ? '220-' : 'x');
        await sleep(100);
      }
    }),
  );
  assert.equal(slow.outcome.status, 'deadline-exceeded');
  const closedEarly = await grab(
    await startPeer(async (c) => {
      await c.send('220-half');
      c.socket.end();
    }),
  );
  assert.equal(closedEarly.outcome.status, 'protocol-error');
});
