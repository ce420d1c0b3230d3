// The UDP stage's sweep then grab, through a real dialer, against node:dgram peers on 127.0.0.1
// that count every datagram they receive: only the services that answered the sweep with their
// protocol's answer are grabbed; the retry pass goes only to the silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type RemoteInfo, type Socket as DatagramSocket } from 'node:dgram';
import type { Target } from '../core/records.ts';
import type { GrabContext } from '../protocols/grab.ts';
import { defineProtocol } from '../protocols/protocol.ts';
import { createProtocolRegistry } from '../protocols/registry.ts';
import { createDialer } from '../scope/dialer.ts';
import { buildScope } from '../scope/scope.ts';
import { surveyUdp } from './udp-stage.ts';

type Behaviour = 'answer' | 'silent' | 'answer-from-second' | 'wrong-answer' | 'other-port';

interface Peer {
  socket: DatagramSocket;
  port: number;
  received: string[];
}

async function bound(): Promise<DatagramSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return socket;
}

async function peer(behaviour: Behaviour, elsewhere: DatagramSocket): Promise<Peer> {
  const socket = await bound();
  const self: Peer = { socket, port: socket.address().port, received: [] };
  socket.on('message', (data: Buffer, from: RemoteInfo) => {
    self.received.push(data.toString());
    const reply = (text: string, via = socket) => via.send(Buffer.from(text), from.port, from.address);
    if (behaviour === 'answer' || (behaviour === 'answer-from-second' && self.received.length > 1)) reply(`PONG ${data.toString()}`);
    else if (behaviour === 'wrong-answer') reply('NOPE');
    else if (behaviour === 'other-port') reply('PONG', elsewhere);
  });
  return self;
}

async function stage(behaviours: Behaviour[], retries: number) {
  const elsewhere = await bound();
  const peers = await Promise.all(behaviours.map((behaviour) => peer(behaviour, elsewhere)));
  const ports = peers.map((each) => each.port);
  const protocols = createProtocolRegistry([
    defineProtocol<{ answer: string }>({
      name: 'ping-test',
      description: 'test',
      transport: 'udp',
      defaultPorts: ports,
      fields: { answer: 'text' },
      detect: { probe: { request: () => Buffer.from('PING'), matches: (reply) => reply.subarray(0, 4).toString() === 'PONG' } },
      grab: async (ctx, target) => {
        const exchange = await ctx.query(target, Buffer.from('GRAB'), { limits: { maxReplies: 1 } });
        const answer = exchange.replies[0]?.data.toString();
        return answer?.startsWith('PONG') ? { status: 'success', result: { answer } } : { status: exchange.status, result: {} };
      },
    }),
  ]);
  const controller = new AbortController();
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.1'] }),
    rate: { connectionsPerSecond: 5000, maxConcurrent: 16, perHostConcurrent: 16, datagramsPerTarget: { requests: 1000, windowMs: 1000 } },
    limits: { ioTimeoutMs: 300, deadlineMs: 2000 },
    signal: controller.signal,
  });
  const context: GrabContext = {
    dial: (target, limits) => dialer.dial(target, limits),
    dialTls: (target, options) => dialer.dialTls(target, options),
    query: (target, request, options) => dialer.query(target, request, options),
    userAgent: 'test',
    signal: controller.signal,
  };
  const targets: Target[] = ports.map((port) => ({ ip: '127.0.0.1', port }));
  try {
    const udp = await surveyUdp(
      { targets: () => targets, total: targets.length, sweep: true },
      { context, protocols, now: () => new Date(0), concurrency: 4, retries, sweep: (options) => dialer.sweep(options), sweepCooldownMs: 300 },
      { signal: controller.signal },
    );
    return { udp, received: peers.map((each) => each.received), stored: [...udp.byHost.values()].flat().map((o) => `${o.port} ${o.status}`) };
  } finally {
    for (const each of peers) each.socket.close();
    elsewhere.close();
  }
}

test('only the services that answered the sweep with their protocol’s answer are grabbed; the retry pass goes to the silent', { timeout: 15_000 }, async () => {
  const { udp, received, stored } = await stage(['answer', 'silent', 'answer-from-second', 'wrong-answer', 'other-port'], 1);
  assert.deepEqual(received, [
    ['PING', 'GRAB'], // answered the sweep: grabbed once
    ['PING', 'PING'], // silent: the retry pass, never grabbed
    ['PING', 'PING', 'GRAB'], // silent at first, answered the retry pass: grabbed
    ['PING'], // answered, but not the protocol's answer: no retry, no grab
    ['PING', 'PING'], // answered from another port (a stray): silent to the sweep
  ]);
  assert.equal(stored.length, 2);
  const { sweepSendingMs, ...counts } = udp.counts;
  assert.ok(sweepSendingMs !== undefined && sweepSendingMs >= 0, 'the sweep says how long it spent sending');
  assert.deepEqual(counts, {
    targets: 5,
    requests: 10,
    swept: 8,
    retries: 3,
    answered: 2,
    openFiltered: 2,
    refused: 0,
    unmatched: 1,
    failed: 0,
    skipped: 0,
    strays: 0,
  });
});

test('without retries there is no second pass', { timeout: 15_000 }, async () => {
  const { udp, received } = await stage(['answer', 'answer-from-second'], 0);
  assert.deepEqual(received, [['PING', 'GRAB'], ['PING']]);
  assert.equal(udp.counts.swept, 2);
  assert.equal(udp.counts.openFiltered, 1);
});

test('an interrupted sweep sends nothing more and grabs nothing', { timeout: 15_000 }, async () => {
  const elsewhere = await bound();
  const peers = await Promise.all(['answer', 'answer', 'answer'].map((behaviour) => peer(behaviour as Behaviour, elsewhere)));
  const protocols = createProtocolRegistry([
    defineProtocol<{ answer: string }>({
      name: 'ping-test',
      description: 'test',
      transport: 'udp',
      defaultPorts: peers.map((each) => each.port),
      fields: { answer: 'text' },
      detect: { probe: { request: () => Buffer.from('PING'), matches: (reply) => reply.subarray(0, 4).toString() === 'PONG' } },
      grab: async (ctx, target) => ({ status: (await ctx.query(target, Buffer.from('GRAB'))).status, result: {} }),
    }),
  ]);
  const controller = new AbortController();
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.1'] }),
    rate: { connectionsPerSecond: 5000, maxConcurrent: 16, perHostConcurrent: 16, datagramsPerTarget: { requests: 1000, windowMs: 1000 } },
    limits: { ioTimeoutMs: 300 },
    signal: controller.signal,
  });
  const context = { query: dialer.query, signal: controller.signal } as unknown as GrabContext;
  const targets: Target[] = peers.map((each) => ({ ip: '127.0.0.1', port: each.port }));
  try {
    const udp = await surveyUdp(
      { targets: () => targets, total: 3, sweep: true },
      { context, protocols, now: () => new Date(0), concurrency: 2, retries: 1, sweep: (options) => dialer.sweep(options), sweepCooldownMs: 5000 },
      { signal: controller.signal, onProbed: () => controller.abort() },
    );
    // The stage returned at once (no cooldown once interrupted); let the datagram sent land (bounded).
    for (let tries = 0; tries < 50 && peers[0]!.received.length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      peers.map((each) => each.received),
      [['PING'], [], []],
      'the first target only; its answer came after the interrupt and was not grabbed; no retry pass',
    );
    assert.equal(udp.byHost.size, 0);
  } finally {
    for (const each of peers) each.socket.close();
    elsewhere.close();
  }
});
