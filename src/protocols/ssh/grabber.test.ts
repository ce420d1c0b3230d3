import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startPeer, type FakePeer } from '../fake-peer.test.ts';
import sshGrabber from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 1500, maxBytes: 32 * 1024 });

async function grab(peer: FakePeer) {
  try {
    return await sshGrabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
  } finally {
    await peer.close();
  }
}

test('dropbear-style server: identification parsed, ours sent back, nothing else', async () => {
  const peer = await startPeer((c) => c.send('SSH-2.0-dropbear_2014.63\r\n'));
  const outcome = await sshGrabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result, { version: 'SSH-2.0-dropbear_2014.63', protocolVersion: '2.0', software: 'dropbear_2014.63' });
  await peer.connections[0].closed;
  assert.equal(peer.connections[0].received().toString('latin1'), 'SSH-2.0-opennotice\r\n');
  await peer.close();
});

test('lines before the identification, sent slowly in pieces', async () => {
  const outcome = await grab(
    await startPeer(async (c) => {
      for (const piece of ['Too many auth', ' failures? no\r\n', 'SSH-2.0-Open', 'SSH_8.2p1 Ubuntu-4ubuntu0.5\r\n']) {
        await c.send(piece);
        await sleep(20);
      }
    }),
  );
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.software, 'OpenSSH_8.2p1');
  assert.equal(outcome.result.comment, 'Ubuntu-4ubuntu0.5');
});

test('hostile and broken servers end with a status', async () => {
  assert.equal((await grab(await startPeer(() => undefined))).status, 'io-timeout');
  const closed = await grab(
    await startPeer((c) => {
      c.socket.end();
    }),
  );
  assert.equal(closed.status, 'protocol-error');
  const binary = await grab(await startPeer((c) => c.send(Buffer.from([0, 1, 2, 3, 10, 0, 0]))));
  assert.equal(binary.status, 'protocol-error');
  const endless = await grab(
    await startPeer(async (c) => {
      for (let index = 0; index < 100_000 && !c.socket.destroyed; index++) await c.send('noise line\r\n');
    }),
  );
  assert.equal(endless.status, 'protocol-error');
  assert.match(String(endless.error), /first 32 lines/);
  const slow = await grab(
    await startPeer(async (c) => {
      for (let index = 0; index < 100 && !c.socket.destroyed; index++) {
        await c.send('S');
        await sleep(100);
      }
    }),
  );
  assert.equal(slow.status, 'deadline-exceeded');
});
