// The sweep's sender threads on their own, against real node:dgram peers on 127.0.0.1: what a
// batch's completions say, where replies arrive, and that closing fails what was not sent.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import type { ReplySource } from './sweep-channel.ts';
import { createSenderPool } from './sweep-sender-pool.ts';

test('a sender thread sends a batch, reports each refusal at its place, and passes replies back with their source', { timeout: 10_000 }, async () => {
  const echo = createSocket('udp4');
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', () => resolve()));
  echo.on('message', (data, from) => echo.send(Buffer.concat([Buffer.from('re:'), data]), from.port, from.address));
  const echoPort = echo.address().port;
  const pool = createSenderPool();
  try {
    const replies: Array<{ data: string; from: ReplySource }> = [];
    let gotAll: () => void = () => {};
    const allReplies = new Promise<void>((resolve) => {
      gotAll = resolve;
    });
    const channel = await pool.open(4, '127.0.0.1', 1, { receiveBufferBytes: 1 << 20, maxReplyBytes: 6 }, (data, from) => {
      replies.push({ data: data.toString('latin1'), from });
      if (replies.length === 2) gotAll();
    });
    const outcomes = await Promise.all(
      [
        { port: echoPort, text: 'one' },
        // Node refuses port 0 before the kernel sees it: a refusal inside the batch.
        { port: 0, text: 'never' },
        { port: echoPort, text: 'three-long' },
      ].map(
        ({ port, text }) =>
          new Promise<Error | null>((resolve) => {
            channel.send(Buffer.from(text), port, '127.0.0.1', resolve);
          }),
      ),
    );
    assert.equal(outcomes[0], null);
    assert.ok(outcomes[1] instanceof Error && /port/i.test(outcomes[1].message), `the refusal is reported at its place: ${String(outcomes[1])}`);
    assert.equal(outcomes[2], null);
    await allReplies;
    assert.deepEqual(replies.map((reply) => reply.data).sort(), ['re:one', 're:thr'], 'replies are cut at the reply cap before they cross threads');
    for (const reply of replies) assert.deepEqual(reply.from, { address: '127.0.0.1', port: echoPort });
  } finally {
    await pool.close();
    echo.close();
  }
});

const channelOptions = { receiveBufferBytes: 1 << 20, maxReplyBytes: 64 };

test('a thread serves one sweep after another: a closed channel refuses what comes after it, a new one on the same thread sends', {
  timeout: 10_000,
}, async () => {
  const listener = createSocket('udp4');
  await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', () => resolve()));
  const heard: string[] = [];
  let second: () => void = () => {};
  const secondHeard = new Promise<void>((resolve) => {
    second = resolve;
  });
  listener.on('message', (data) => {
    heard.push(data.toString());
    if (heard.length === 2) second();
  });
  const pool = createSenderPool();
  try {
    await pool.start(1);
    const first = await pool.open(4, '127.0.0.1', 0, channelOptions, () => {});
    assert.equal(await new Promise<Error | null>((resolve) => first.send(Buffer.from('first sweep'), listener.address().port, '127.0.0.1', resolve)), null);
    first.close();
    const late = await new Promise<Error | null>((resolve) => first.send(Buffer.from('late'), listener.address().port, '127.0.0.1', resolve));
    assert.ok(late instanceof Error, 'a datagram for a closed channel is refused, never lost silently');
    const next = await pool.open(4, '127.0.0.1', 0, channelOptions, () => {});
    assert.equal(await new Promise<Error | null>((resolve) => next.send(Buffer.from('second sweep'), listener.address().port, '127.0.0.1', resolve)), null);
    await secondHeard;
    assert.deepEqual(heard, ['first sweep', 'second sweep']);
  } finally {
    await pool.close();
    listener.close();
  }
});

test('a closed pool opens nothing, and a datagram handed on after close completes as refused', { timeout: 10_000 }, async () => {
  const pool = createSenderPool();
  const channel = await pool.open(4, '127.0.0.1', 0, channelOptions, () => {});
  await pool.close();
  const outcome = await new Promise<Error | null>((resolve) => channel.send(Buffer.from('late'), 9, '127.0.0.1', resolve));
  assert.ok(outcome instanceof Error, 'a datagram after close is refused, never lost silently');
  await assert.rejects(
    pool.open(4, '127.0.0.1', 0, channelOptions, () => {}),
    /closed/,
  );
});
