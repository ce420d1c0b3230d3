// dialer.sweep against real node:dgram peers on 127.0.0.1 (127.0.0.2 plays an address outside
// the scope). Every wait is bounded by a short cooldown and every test has a timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket as DatagramSocket } from 'node:dgram';
import type { Target } from '../core/records.ts';
import { DialFailure } from './connection.ts';
import { createDialer } from './dialer.ts';
import { buildScope } from './scope.ts';

const rate = { connectionsPerSecond: 5000, maxConcurrent: 8, perHostConcurrent: 2 };

interface Peer {
  socket: DatagramSocket;
  port: number;
  received: Buffer[];
}

async function peer(onMessage: (self: Peer, data: Buffer, from: RemoteInfo) => void, host = '127.0.0.1'): Promise<Peer> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  const self: Peer = { socket, port: socket.address().port, received: [] };
  socket.on('message', (data, from) => {
    self.received.push(data);
    onMessage(self, data, from);
  });
  return self;
}

const close = (...peers: Peer[]) => {
  for (const each of peers) each.socket.close();
};

for (const senderThreads of [0, 2])
  test(`replies reach the callback with their target; silence, another port, a flood and an address outside the scope do not (${senderThreads} sender threads)`, {
    timeout: 10_000,
  }, async () => {
    const echo = await peer((self, data, from) => self.socket.send(Buffer.concat([Buffer.from('re:'), data]), from.port, from.address));
    const silent = await peer(() => {});
    const otherPort = await createSocket('udp4');
    await new Promise<void>((resolve) => otherPort.bind(0, '127.0.0.1', () => resolve()));
    const moved = await peer((_self, data, from) => otherPort.send(data, from.port, from.address));
    const flood = await peer((self, _data, from) => {
      for (let index = 0; index < 20; index++) self.socket.send(Buffer.alloc(64, index), from.port, from.address);
    });
    const outside = await peer(() => {}, '127.0.0.2');
    const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate });
    const answers: Array<{ target: Target; data: string }> = [];
    const sweep = dialer.sweep({
      onReply: (target, data) => answers.push({ target, data: data.toString('latin1') }),
      cooldownMs: 400,
      maxRepliesPerTarget: 3,
      senderThreads,
    });
    try {
      for (const target of [echo, silent, moved, flood].map((each) => ({ ip: '127.0.0.1', port: each.port }))) {
        await sweep.send(target, Buffer.from('hello'));
      }
      await assert.rejects(sweep.send({ ip: '127.0.0.2', port: outside.port }, Buffer.from('hello')), (error: unknown) => {
        return error instanceof DialFailure && error.status === 'blocked-target' && error.code === 'out-of-scope';
      });
      const stats = await sweep.close();
      assert.deepEqual(
        answers.filter((answer) => answer.target.port === echo.port),
        [{ target: { ip: '127.0.0.1', port: echo.port }, data: 're:hello' }],
      );
      assert.equal(answers.filter((answer) => answer.target.port === flood.port).length, 3, 'a flood is cut at the per-target cap');
      assert.equal(answers.length, 4, 'nothing from the silent peer or from the other port');
      assert.equal(outside.received.length, 0, 'nothing was sent outside the scope');
      assert.deepEqual(
        [echo, silent, moved, flood].map((each) => each.received.length),
        [1, 1, 1, 1],
      );
      assert.equal(stats.sent, 4);
      assert.equal(stats.replies, 4);
      assert.equal(stats.cut, 17);
      assert.equal(stats.strays, 1, 'the reply from another port is a stray');
      assert.equal(dialer.stats().swept, 4);
      assert.equal(dialer.stats().strayDatagrams, 1);
      assert.equal(dialer.stats().refusedByScope, 1);
    } finally {
      close(echo, silent, moved, flood, outside);
      otherPort.close();
    }
  });

test('a late reply is heard while the sweep is open; a pair let go from a full pending map is a stray; an interrupted sweep sends nothing more', {
  timeout: 10_000,
}, async () => {
  const late = await peer((self, data, from) => {
    setTimeout(() => self.socket.send(data, from.port, from.address), 300);
  });
  const other = await peer(() => {});
  const controller = new AbortController();
  const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate, signal: controller.signal });
  let replies = 0;
  // One pair pending at most: the second send waits for the first's cooldown, then lets it go.
  const sweep = dialer.sweep({ onReply: () => replies++, cooldownMs: 100, maxPending: 1 });
  try {
    await sweep.send({ ip: '127.0.0.1', port: late.port }, Buffer.from('x'));
    // Past the cooldown but with the pair still pending: the late answer is heard (as ZMap hears
    // every answer until it closes).
    for (let tries = 0; tries < 50 && replies === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(replies, 1, 'the reply 300 ms after a 100 ms cooldown is accepted');
    assert.equal(dialer.stats().strayDatagrams, 0);
    // Asked again, then another pair takes its place: its second answer comes to no pending pair.
    await sweep.send({ ip: '127.0.0.1', port: late.port }, Buffer.from('x'));
    await sweep.send({ ip: '127.0.0.1', port: other.port }, Buffer.from('y'));
    for (let tries = 0; tries < 50 && dialer.stats().strayDatagrams === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(replies, 1);
    assert.equal(dialer.stats().strayDatagrams, 1);
    controller.abort();
    await assert.rejects(sweep.send({ ip: '127.0.0.1', port: late.port }, Buffer.from('x')), (error: unknown) => {
      return error instanceof DialFailure && error.code === 'interrupted';
    });
    const stats = await sweep.close();
    assert.equal(stats.sent, 3);
    assert.equal(late.received.length, 2);
    assert.equal(other.received.length, 1);
  } finally {
    close(late, other);
  }
});

test('a request over the cap is refused before anything is sent', { timeout: 5000 }, async () => {
  const listener = await peer(() => {});
  const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate, maxRequestBytes: 16 });
  const sweep = dialer.sweep({ onReply: () => {}, cooldownMs: 50 });
  try {
    await assert.rejects(sweep.send({ ip: '127.0.0.1', port: listener.port }, Buffer.alloc(17)), (error: unknown) => {
      return error instanceof DialFailure && error.code === 'request-too-large';
    });
    assert.equal((await sweep.close()).sent, 0);
    assert.equal(listener.received.length, 0);
  } finally {
    close(listener);
  }
});

test('a datagram the kernel refuses is counted and reported with its target, and the sweep goes on', { timeout: 5000 }, async () => {
  const listener = await peer(() => {});
  // A real socket whose kernel refuses datagrams saying "refuse" (as a local firewall's reject
  // rule would, with EPERM): the refusal arrives through the send's completion, as the kernel's does.
  const createDatagramSocket = (type: 'udp4' | 'udp6') => {
    const socket = createSocket(type);
    const send = socket.send.bind(socket) as (...args: unknown[]) => void;
    (socket as unknown as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => {
      const callback = args.at(-1) as (error: Error | null) => void;
      if (String(args[0]) === 'refuse') setImmediate(() => callback(Object.assign(new Error('send EPERM'), { code: 'EPERM' })));
      else send(...args);
    };
    return socket;
  };
  const dialer = createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate, createDatagramSocket });
  const refused: Target[] = [];
  const sweep = dialer.sweep({ onReply: () => {}, onSendError: (target) => refused.push(target), cooldownMs: 50 });
  try {
    await sweep.send({ ip: '127.0.0.1', port: listener.port }, Buffer.from('refuse'));
    await sweep.send({ ip: '127.0.0.1', port: listener.port }, Buffer.from('fits'));
    const stats = await sweep.close();
    assert.deepEqual([stats.sent, stats.sendErrors], [1, 1]);
    assert.deepEqual(refused, [{ ip: '127.0.0.1', port: listener.port }]);
    assert.deepEqual(
      listener.received.map((data) => data.toString()),
      ['fits'],
    );
  } finally {
    close(listener);
  }
});
