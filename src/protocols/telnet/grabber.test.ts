import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startPeer, type FakePeer } from '../fake-peer.test.ts';
import { DO, IAC, WILL, WONT } from './codec.ts';
import { createTelnetGrabber } from './grabber.ts';

const grabber = createTelnetGrabber({ quietMs: 150, settleMs: 50 });
const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 1500, maxBytes: 32 * 1024 });

async function withPeer(script: Parameters<typeof startPeer>[0], body: (peer: FakePeer) => Promise<void>): Promise<void> {
  const peer = await startPeer(script);
  try {
    await body(peer);
  } finally {
    await peer.close();
  }
}

test('busybox-style telnetd: negotiation answered, banner and login prompt captured', async () => {
  await withPeer(
    async (c) => {
      await c.send(Buffer.from([IAC, DO, 1, IAC, DO, 31, IAC, WILL, 1, IAC, WILL, 3]));
      // Like a real telnetd, wait for the answers before the banner: the grabber closes as soon as it
      // sees the prompt, and a close with unread bytes may reset the connection before the answers are read.
      for (let waited = 0; waited < 1000 && !c.received().includes(Buffer.from([IAC, DO, 3])); waited += 10) await sleep(10);
      await c.send('\r\n\r\nBusyBox v1.19.4 (2014-06-20) built-in shell\r\n\r\n(none) login: ');
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'success');
      assert.deepEqual(outcome.result, {
        banner: 'BusyBox v1.19.4 (2014-06-20) built-in shell',
        prompt: '(none) login:',
        promptKind: 'login',
        negotiation: { do: [1, 31], will: [1, 3], dont: [], wont: [] },
      });
      // Our answers to the first chunk: WONT ECHO, WONT NAWS, DO ECHO, DO SGA.
      await peer.connections[0].closed;
      const answers = peer.connections[0].received();
      assert.ok(answers.includes(Buffer.from([IAC, WONT, 31])));
      assert.ok(answers.includes(Buffer.from([IAC, DO, 3])));
    },
  );
});

test('a prompt split across slow chunks is still recognised', async () => {
  await withPeer(
    async (c) => {
      for (const piece of ['Hikvision', ' DVR\r\n', 'Log', 'in: ']) {
        await c.send(piece);
        await sleep(30);
      }
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'success');
      assert.equal(outcome.result.banner, 'Hikvision DVR');
      assert.equal(outcome.result.promptKind, 'login');
    },
  );
});

test('open shell without login', async () => {
  await withPeer(
    (c) => c.send("\r\nBusyBox v1.01 built-in shell (msh)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n# "),
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'success');
      assert.equal(outcome.result.promptKind, 'shell');
      assert.equal(outcome.result.prompt, '#');
      await peer.connections[0].closed;
      assert.equal(peer.connections[0].received().length, 0, 'nothing sent to an open shell');
    },
  );
});

test('banner then close, and banner then silence, are both successes without prompt', async () => {
  await withPeer(
    async (c) => {
      await c.send('Too many users. Try later.\r\n');
      c.socket.end();
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'success');
      assert.equal(outcome.result.banner, 'Too many users. Try later.');
      assert.equal(outcome.result.promptKind, 'none');
    },
  );
  await withPeer(
    (c) => c.send('Welcome to ACME router\r\n'),
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'success');
      assert.equal(outcome.result.banner, 'Welcome to ACME router');
    },
  );
});

test('hostile: tarpit ends with io-timeout', async () => {
  await withPeer(
    () => undefined,
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'io-timeout');
      assert.equal(outcome.result.banner, '');
    },
  );
});

test('hostile: endless banner ends at the byte cap with the banner kept', async () => {
  await withPeer(
    async (c) => {
      for (let lines = 0; lines < 100_000 && !c.socket.destroyed; lines++) await c.send(`line ${lines} of an endless banner\r\n`);
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'byte-cap-exceeded');
      assert.match(String(outcome.result.banner), /^line 0 of an endless banner\nline 1/);
    },
  );
});

test('hostile: binary garbage is a protocol error', async () => {
  await withPeer(
    async (c) => {
      await c.send(Buffer.from(Array.from({ length: 600 }, (_, index) => (index * 37) % 251)));
      c.socket.end();
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'protocol-error');
      assert.match(String(outcome.error), /binary/);
      assert.doesNotMatch(String(outcome.result.banner), /[\x00-\x08]/);
    },
  );
});

test('hostile: a byte-per-interval sender ends at the deadline', async () => {
  await withPeer(
    async (c) => {
      for (let index = 0; index < 200 && !c.socket.destroyed; index++) {
        await c.send('x');
        await sleep(100);
      }
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.equal(outcome.status, 'deadline-exceeded');
      assert.match(String(outcome.result.banner), /^x+$/);
    },
  );
});

test('hostile: an IAC storm gets a bounded number of answers and a recorded end', async () => {
  await withPeer(
    async (c) => {
      for (let index = 0; index < 20_000 && !c.socket.destroyed; index++) await c.send(Buffer.from([IAC, DO, index % 256, IAC, WILL, (index + 7) % 256]));
    },
    async (peer) => {
      const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
      assert.ok(['protocol-error', 'byte-cap-exceeded', 'deadline-exceeded'].includes(outcome.status), outcome.status);
      await peer.connections[0].closed;
      assert.ok(peer.connections[0].received().length <= 64 * 3, 'answers are capped');
      assert.equal((outcome.result.negotiation as { do: number[] }).do.length, 256);
    },
  );
});

test('connection refused is reported, not thrown', async () => {
  const peer = await startPeer(() => undefined);
  const port = peer.port;
  await peer.close();
  const outcome = await grabber.grab(ctx, { ip: '127.0.0.1', port });
  assert.equal(outcome.status, 'connection-refused');
});
