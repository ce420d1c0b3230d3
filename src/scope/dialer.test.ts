import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { createDialer } from './dialer.ts';
import { buildScope } from './scope.ts';
import type { DialFailure } from './connection.ts';

const fastRate = { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 8 };

async function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return { server, port: address.port };
}

test('dialer never opens a socket to an address outside the scope', async () => {
  const dialed: string[] = [];
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.77.0.0/24'], exclude: ['127.77.0.128/25'] }),
    rate: fastRate,
    connect: (options) => {
      dialed.push(String((options as { host?: string }).host));
      throw new Error('should not be reached in this test');
    },
  });
  for (const ip of ['127.77.0.200', '127.78.0.1', '8.8.8.8', 'localhost', '::1']) {
    await assert.rejects(dialer.dial({ ip, port: 23 }), (error: DialFailure) => error.status === 'blocked-target');
  }
  assert.deepEqual(dialed, []);
  assert.equal(dialer.stats().refusedByScope, 5);
});

test('a silent peer (tarpit) ends with io-timeout, a flood with byte-cap, a trickle with the deadline', async () => {
  const tarpit = await listen(() => {});
  const flood = await listen((socket) => {
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const pump = () => {
      while (!socket.destroyed && socket.write(chunk));
    };
    socket.on('drain', pump);
    socket.on('error', () => {});
    pump();
  });
  const trickle = await listen((socket) => {
    const timer = setInterval(() => socket.write('x'), 20);
    socket.on('close', () => clearInterval(timer));
    socket.on('error', () => {});
  });
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.1'] }),
    rate: fastRate,
    limits: { ioTimeoutMs: 200, deadlineMs: 400, maxBytes: 100_000 },
  });
  try {
    const silent = await dialer.dial({ ip: '127.0.0.1', port: tarpit.port });
    assert.deepEqual(await silent.next(), { end: 'io-timeout' });
    assert.deepEqual(await silent.next(), { end: 'io-timeout' }, 'an ended connection keeps its end');

    const flooded = await dialer.dial({ ip: '127.0.0.1', port: flood.port });
    const floodResult = await flooded.readUntil(() => false);
    assert.equal(floodResult.end, 'byte-cap-exceeded');
    assert.equal(floodResult.data.length, 100_000);

    const slow = await dialer.dial({ ip: '127.0.0.1', port: trickle.port });
    const slowResult = await slow.readUntil(() => false);
    assert.equal(slowResult.end, 'deadline-exceeded');
    assert.ok(slowResult.data.length > 0);
    assert.equal(dialer.stats().open, 0, 'every slot released');
  } finally {
    for (const { server } of [tarpit, flood, trickle]) server.close();
  }
});

test('poll returns quiet without ending the connection', async () => {
  const peer = await listen((socket) => setTimeout(() => socket.end('late\r\n'), 150));
  const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate: fastRate, limits: { ioTimeoutMs: 2000 } });
  try {
    const connection = await dialer.dial({ ip: '127.0.0.1', port: peer.port });
    assert.deepEqual(await connection.poll(20), { quiet: true });
    const step = await connection.next();
    assert.ok('chunk' in step && step.chunk.toString() === 'late\r\n');
    connection.close();
  } finally {
    peer.server.close();
  }
});

test('refused ports map to connection-refused and release their slot', async () => {
  const peer = await listen(() => {});
  const port = peer.port;
  await new Promise<void>((resolve) => peer.server.close(() => resolve()));
  const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate: fastRate });
  await assert.rejects(dialer.dial({ ip: '127.0.0.1', port }), (error: DialFailure) => error.status === 'connection-refused');
  assert.equal(dialer.stats().open, 0);
});

test('per-host and global concurrency caps hold under load', async () => {
  let current = 0;
  let peak = 0;
  const peer = await listen((socket) => {
    socket.on('error', () => {});
    setTimeout(() => socket.end(), 15);
  });
  const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate: { connectionsPerSecond: 5000, maxConcurrent: 50, perHostConcurrent: 3 } });
  try {
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const connection = await dialer.dial({ ip: '127.0.0.1', port: peer.port });
        current++;
        peak = Math.max(peak, current);
        await connection.readUntil(() => false);
        current--;
      }),
    );
    assert.ok(peak <= 3, `peak concurrency ${peak}`);
    assert.equal(dialer.stats().dialed, 30);
  } finally {
    peer.server.close();
  }
});

test('TCP and UDP send from the source addresses round-robin, and stats count both transports', { timeout: 20_000 }, async () => {
  const tcpSources: string[] = [];
  const tcp = await listen((socket) => {
    tcpSources.push(socket.remoteAddress ?? '');
    socket.end();
  });
  const udp = createSocket('udp4');
  const udpSources: string[] = [];
  udp.on('message', (_data, from) => {
    udpSources.push(from.address);
    udp.send('ok', from.port, from.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.1'] }),
    rate: { ...fastRate, datagramsPerTarget: { requests: 100, windowMs: 1000 } },
    sourceAddresses: ['127.0.0.2', '127.0.0.3'],
    datagramLimits: { maxReplies: 1 },
  });
  try {
    for (let round = 0; round < 2; round++) {
      const connection = await dialer.dial({ ip: '127.0.0.1', port: tcp.port });
      await connection.readUntil(() => false);
      const exchange = await dialer.query({ ip: '127.0.0.1', port: udp.address().port }, Buffer.from('hi'));
      assert.equal(exchange.status, 'success');
    }
    assert.deepEqual([...tcpSources, ...udpSources].sort(), ['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.3']);
    const inOrder = [tcpSources[0], udpSources[0], tcpSources[1], udpSources[1]];
    assert.ok(
      inOrder.every((source, index) => index === 0 || source !== inOrder[index - 1]),
      `one round-robin for all transports: ${inOrder.join(' ')}`,
    );
    await assert.rejects(dialer.query({ ip: '127.0.0.9', port: 53 }, Buffer.from('x')));
    const stats = dialer.stats();
    assert.deepEqual(stats, { dialed: 4, refusedByScope: 1, open: 0, dialedBy: { tcp: 2, tls: 0, udp: 2 }, strayDatagrams: 0, swept: 0 });
  } finally {
    tcp.server.close();
    udp.close();
  }
});
