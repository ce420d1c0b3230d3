// dialTls against peers that are not TLS servers (plain TCP on 127.0.0.1), and against an
// address outside the scope: every one must end as a clear DialFailure within its bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, createServer as createTcpServer, type NetConnectOpts, type Server, type Socket } from 'node:net';
import { DialFailure } from './connection.ts';
import { createDialer, type DialerOptions } from './dialer.ts';
import { buildScope } from './scope.ts';

const fastRate = { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 8 };

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

function dialerFor(extra: Partial<DialerOptions> = {}) {
  return createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate: fastRate, ...extra });
}

/** A plain TCP server; every socket it accepts is destroyed when the test closes it. */
async function tcpPeer(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    port,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

test('a peer that is not TLS ends as a clear protocol-error, not a hang', { timeout: 20_000 }, async () => {
  const banner = await tcpPeer((socket) => socket.end('220 ProFTPD Server ready.\r\n'));
  const http = await tcpPeer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  const garbage = await tcpPeer((socket) => socket.once('data', () => socket.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x00, 0x00, 0x01, 0xde, 0xad]))));
  const closes = await tcpPeer((socket) => socket.once('data', () => socket.end()));
  const resets = await tcpPeer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  const dialer = dialerFor({ limits: { connectTimeoutMs: 3000 } });
  try {
    for (const [peer, code] of [
      [banner, 'not-tls'],
      [http, 'not-tls'],
      [garbage, 'not-tls'],
      [closes, 'closed-during-handshake'],
      [resets, 'closed-during-handshake'],
    ] as const) {
      await assert.rejects(dialer.dialTls({ ip: '127.0.0.1', port: peer.port }), (error: unknown) => {
        assert.ok(error instanceof DialFailure);
        assert.equal(error.status, 'protocol-error', error.message);
        assert.equal(error.code, code, error.message);
        assert.match(error.message, code === 'not-tls' ? /not TLS/ : /closed the connection during the TLS handshake/);
        return true;
      });
    }
    assert.equal(dialer.stats().open, 0, 'every slot released');
  } finally {
    for (const peer of [banner, http, garbage, closes, resets]) peer.close();
  }
});

test('a TCP tarpit (accepts, never answers) fails within the connect timeout', { timeout: 20_000 }, async () => {
  const tarpit = await tcpPeer(() => {});
  const dialer = dialerFor({ limits: { connectTimeoutMs: 300, ioTimeoutMs: 10_000, deadlineMs: 20_000 } });
  try {
    const startedAt = performance.now();
    await assert.rejects(dialer.dialTls({ ip: '127.0.0.1', port: tarpit.port }), (error: unknown) => {
      assert.ok(error instanceof DialFailure);
      assert.equal(error.status, 'io-timeout');
      assert.equal(error.code, 'tls-timeout');
      assert.match(error.message, /no TLS handshake within/);
      return true;
    });
    assert.ok(performance.now() - startedAt < 2000, 'bounded by the connect timeout, not the io timeout or deadline');
    assert.equal(tarpit.connections(), 1);
    assert.equal(dialer.stats().open, 0);
  } finally {
    tarpit.close();
  }
});

test('an out-of-scope address is refused before any packet', { timeout: 20_000 }, async () => {
  // A listener on an address outside the scope: it must never see a connection.
  const outside = createTcpServer((socket) => socket.destroy());
  let reached = 0;
  outside.on('connection', () => reached++);
  const port = await listen(outside, '127.0.0.2');
  const opened: string[] = [];
  const dialer = dialerFor({
    connect: (options: NetConnectOpts) => {
      opened.push(String((options as { host?: string }).host));
      return netConnect(options);
    },
  });
  try {
    for (const ip of ['127.0.0.2', '10.0.0.1', 'cam.example', '::1']) {
      await assert.rejects(dialer.dialTls({ ip, port }, { servername: 'cam.example' }), (error: unknown) => {
        assert.ok(error instanceof DialFailure);
        assert.equal(error.status, 'blocked-target');
        return true;
      });
    }
    assert.deepEqual(opened, [], 'no socket was opened');
    assert.equal(reached, 0);
    assert.equal(dialer.stats().refusedByScope, 4);
    assert.equal(dialer.stats().dialed, 0);
  } finally {
    outside.close();
  }
});
