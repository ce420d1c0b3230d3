// dialer.query against real node:dgram peers on 127.0.0.1 (and 127.0.0.2 as an address
// outside the scope). Bounds asserted here are generous upper bounds proving boundedness;
// every test has a timeout, so a broken bound fails the test instead of hanging the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket as DatagramSocket } from 'node:dgram';
import { OpenNoticeError } from '../core/errors.ts';
import { DialFailure } from './connection.ts';
import { createDialer, type DialerOptions } from './dialer.ts';
import { buildScope } from './scope.ts';

const fastRate = { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 8, datagramsPerTarget: { requests: 1000, windowMs: 1000 } };

interface UdpPeer {
  socket: DatagramSocket;
  port: number;
  /** Every datagram the peer received, with when it arrived. */
  received: Array<{ data: Buffer; from: RemoteInfo; at: number }>;
  close(): void;
}

async function udpPeer(onMessage: (peer: UdpPeer, data: Buffer, from: RemoteInfo) => void = () => {}, host = '127.0.0.1'): Promise<UdpPeer> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const peer: UdpPeer = {
    socket,
    port: socket.address().port,
    received: [],
    close: () => {
      try {
        socket.close();
      } catch {
        // already closed
      }
    },
  };
  socket.on('message', (data, from) => {
    peer.received.push({ data, from, at: performance.now() });
    onMessage(peer, data, from);
  });
  return peer;
}

/** A dialer on 127.0.0.1 whose UDP sockets are all watched: every one must end closed. */
function dialerFor(extra: Partial<DialerOptions> = {}) {
  const sockets: DatagramSocket[] = [];
  let closed = 0;
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.1'] }),
    rate: fastRate,
    createDatagramSocket: (type) => {
      const socket = createSocket({ type });
      socket.on('close', () => closed++);
      sockets.push(socket);
      return socket;
    },
    ...extra,
  });
  return { dialer, sockets, closedCount: () => closed };
}

const target = (port: number) => ({ ip: '127.0.0.1', port });

test('one request datagram per query; the reply is collected with its arrival time', { timeout: 20_000 }, async () => {
  const peer = await udpPeer((self, data, from) => self.socket.send(Buffer.concat([Buffer.from('pong:'), data]), from.port, from.address));
  const { dialer, sockets, closedCount } = dialerFor();
  try {
    for (let round = 1; round <= 3; round++) {
      const exchange = await dialer.query(target(peer.port), Buffer.from(`ping${round}`), { limits: { quietMs: 80 } });
      assert.equal(exchange.status, 'success');
      assert.equal(exchange.end, 'quiet');
      assert.deepEqual(
        exchange.replies.map((reply) => reply.data.toString()),
        [`pong:ping${round}`],
      );
      assert.ok(exchange.replies[0]!.atMs >= 0 && exchange.replies[0]!.atMs < 2000);
      assert.equal(exchange.bytesWritten, 5);
      assert.equal(exchange.bytesRead, 10);
      assert.equal(peer.received.length, round, 'exactly one datagram per query');
    }
    const quick = await dialer.query(target(peer.port), Buffer.from('once'), { limits: { maxReplies: 1, quietMs: 5000 } });
    assert.equal(quick.end, 'reply-cap');
    assert.ok(quick.durationMs < 2000, 'the reply cap ends the query without waiting for quiet');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(peer.received.length, 4);
    assert.ok(peer.received.every((entry) => entry.from.address === '127.0.0.1'));
    assert.equal(closedCount(), sockets.length, 'every socket closed');
    assert.equal(dialer.stats().dialedBy.udp, 4);
    assert.equal(dialer.stats().open, 0);
  } finally {
    peer.close();
  }
});

test('replies from another port are ignored: counted when they reach the socket, dropped by the kernel after connect', { timeout: 20_000 }, async () => {
  const stranger = await udpPeer();
  const peer = await udpPeer((self, _data, from) => {
    // After connect(): the kernel drops this one for us, it never reaches the query.
    stranger.socket.send(Buffer.from('forged-after-connect'), from.port, from.address, () => self.socket.send(Buffer.from('genuine'), from.port, from.address));
  });
  const { dialer } = dialerFor({
    createDatagramSocket: (type) => {
      const socket = createSocket({ type });
      // Before connect(): the socket still receives from anyone, so one forged datagram is
      // delivered into its queue first; the query must drop and count it.
      const connect = socket.connect.bind(socket);
      socket.connect = ((port: number, address: string, callback: () => void) => {
        stranger.socket.send(Buffer.from('forged-before-connect'), socket.address().port, '127.0.0.1', () => connect(port, address, callback));
      }) as DatagramSocket['connect'];
      return socket;
    },
  });
  try {
    const exchange = await dialer.query(target(peer.port), Buffer.from('hello'), { limits: { quietMs: 150 } });
    assert.deepEqual(
      exchange.replies.map((reply) => reply.data.toString()),
      ['genuine'],
    );
    assert.equal(exchange.strays, 1);
    assert.equal(dialer.stats().strayDatagrams, 1);
    assert.equal(exchange.status, 'success');
  } finally {
    peer.close();
    stranger.close();
  }
});

test('a closed port answers with ICMP port unreachable: connection-refused', { timeout: 20_000 }, async () => {
  const gone = await udpPeer();
  const port = gone.port;
  gone.close();
  const { dialer, sockets, closedCount } = dialerFor();
  const exchange = await dialer.query(target(port), Buffer.from('anyone?'), { limits: { ioTimeoutMs: 5000 } });
  assert.equal(exchange.status, 'connection-refused');
  assert.equal(exchange.end, 'refused');
  assert.match(exchange.error ?? '', /ICMP port unreachable/);
  assert.ok(exchange.durationMs < 4000, 'ended by the ICMP error, not the io timeout');
  assert.equal(closedCount(), sockets.length);
});

test('a silent port ends as io-timeout (open|filtered) within the bound', { timeout: 20_000 }, async () => {
  const silent = await udpPeer();
  const { dialer, sockets, closedCount } = dialerFor({ limits: { ioTimeoutMs: 200, deadlineMs: 10_000 } });
  try {
    const startedAt = performance.now();
    const exchange = await dialer.query(target(silent.port), Buffer.from('hello?'));
    assert.equal(exchange.status, 'io-timeout');
    assert.equal(exchange.end, 'no-reply');
    assert.deepEqual(exchange.replies, []);
    assert.ok(performance.now() - startedAt < 2000);
    assert.equal(silent.received.length, 1);

    const shortDeadline = await dialer.query(target(silent.port), Buffer.from('x'), { limits: { ioTimeoutMs: 5000, deadlineMs: 150 } });
    assert.equal(shortDeadline.status, 'io-timeout', 'no reply before the deadline is still open|filtered');
    assert.equal(shortDeadline.end, 'deadline');
    assert.equal(closedCount(), sockets.length);
  } finally {
    silent.close();
  }
});

test('many replies stop at the reply cap, large ones at the byte cap', { timeout: 20_000 }, async () => {
  const chatty = await udpPeer((self, _data, from) => {
    for (let index = 0; index < 10; index++) self.socket.send(Buffer.alloc(1000, 0x30 + index), from.port, from.address);
  });
  const huge = await udpPeer((self, _data, from) => self.socket.send(Buffer.alloc(60_000, 0x41), from.port, from.address));
  const { dialer } = dialerFor();
  try {
    const capped = await dialer.query(target(chatty.port), Buffer.from('M-SEARCH'), { limits: { maxReplies: 3, quietMs: 1000 } });
    assert.equal(capped.status, 'success');
    assert.equal(capped.end, 'reply-cap');
    assert.equal(capped.replies.length, 3);

    const bytes = await dialer.query(target(chatty.port), Buffer.from('M-SEARCH'), { limits: { maxBytes: 2500, quietMs: 1000 } });
    assert.equal(bytes.status, 'byte-cap-exceeded');
    assert.equal(bytes.end, 'byte-cap');
    assert.deepEqual(
      bytes.replies.map((reply) => [reply.data.length, reply.truncated]),
      [
        [1000, false],
        [1000, false],
        [500, true],
      ],
    );
    assert.equal(bytes.bytesRead, 2500);

    const one = await dialer.query(target(huge.port), Buffer.from('x'), { limits: { maxBytes: 1000 } });
    assert.equal(one.status, 'byte-cap-exceeded');
    assert.equal(one.replies[0]!.data.length, 1000);
    assert.equal(dialer.stats().open, 0);
  } finally {
    chatty.close();
    huge.close();
  }
});

test('a request over the size cap is refused before any packet; the cap cannot be raised past one MTU', { timeout: 20_000 }, async () => {
  const peer = await udpPeer();
  const { dialer, sockets } = dialerFor({ maxRequestBytes: 64, limits: { ioTimeoutMs: 50 } });
  try {
    const exchange = await dialer.query(target(peer.port), Buffer.alloc(64));
    assert.equal(exchange.bytesWritten, 64, 'a request at the cap is sent');
    await assert.rejects(dialer.query(target(peer.port), Buffer.alloc(65)), (error: unknown) => {
      assert.ok(error instanceof DialFailure);
      assert.equal(error.status, 'blocked-target');
      assert.equal(error.code, 'request-too-large');
      return true;
    });
    await assert.rejects(
      dialerFor().dialer.query(target(peer.port), Buffer.alloc(1025)),
      (error: unknown) => error instanceof DialFailure && error.code === 'request-too-large',
    );
    assert.equal(sockets.length, 1, 'no socket for a refused request');
    assert.equal(peer.received.length, 1);
    assert.throws(
      () => dialerFor({ maxRequestBytes: 4096 }),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID',
    );
  } finally {
    peer.close();
  }
});

test('the per-target rate spaces requests to one address, whatever the port', { timeout: 20_000 }, async () => {
  const first = await udpPeer();
  const second = await udpPeer();
  const windowMs = 300;
  const { dialer } = dialerFor({ rate: { ...fastRate, datagramsPerTarget: { requests: 1, windowMs } }, limits: { ioTimeoutMs: 30 } });
  try {
    await Promise.all([
      dialer.query(target(first.port), Buffer.from('a')),
      dialer.query(target(second.port), Buffer.from('b')),
      dialer.query(target(first.port), Buffer.from('c')),
    ]);
    const arrivals = [...first.received, ...second.received].map((entry) => entry.at).sort((a, b) => a - b);
    assert.equal(arrivals.length, 3);
    for (let index = 1; index < arrivals.length; index++) {
      // Without pacing they would arrive within a millisecond or two of each other.
      assert.ok(arrivals[index]! - arrivals[index - 1]! >= windowMs - 50, `gap ${arrivals[index]! - arrivals[index - 1]!} ms`);
    }
  } finally {
    first.close();
    second.close();
  }
});

test('an address outside the scope is refused before any socket or packet', { timeout: 20_000 }, async () => {
  const outside = await udpPeer(() => {}, '127.0.0.2');
  const { dialer, sockets } = dialerFor();
  try {
    for (const ip of ['127.0.0.2', '8.8.8.8', 'localhost', '::1']) {
      await assert.rejects(dialer.query({ ip, port: outside.port }, Buffer.from('x')), (error: unknown) => {
        assert.ok(error instanceof DialFailure);
        assert.equal(error.status, 'blocked-target');
        return true;
      });
    }
    await assert.rejects(
      dialer.query({ ip: '127.0.0.1', port: 0 }, Buffer.from('x')),
      (error: unknown) => error instanceof DialFailure && error.code === 'invalid-port',
    );
    assert.equal(sockets.length, 0);
    assert.equal(outside.received.length, 0);
    assert.equal(dialer.stats().refusedByScope, 4);
  } finally {
    outside.close();
  }
});

test('the abort signal stops a query that is waiting for replies, and stops new ones before they send', { timeout: 20_000 }, async () => {
  const silent = await udpPeer();
  const controller = new AbortController();
  const { dialer, sockets, closedCount } = dialerFor({ signal: controller.signal, limits: { ioTimeoutMs: 20_000, deadlineMs: 30_000 } });
  try {
    const startedAt = performance.now();
    const pending = dialer.query(target(silent.port), Buffer.from('x'));
    setTimeout(() => controller.abort(), 50);
    const exchange = await pending;
    assert.equal(exchange.end, 'aborted');
    assert.equal(exchange.status, 'unknown-error');
    assert.ok(performance.now() - startedAt < 5000);
    await assert.rejects(dialer.query(target(silent.port), Buffer.from('y')), (error: unknown) => error instanceof DialFailure && error.code === 'interrupted');
    assert.equal(silent.received.length, 1, 'nothing sent after the abort');
    assert.equal(closedCount(), sockets.length);
    assert.equal(dialer.stats().open, 0);
  } finally {
    silent.close();
  }
});
