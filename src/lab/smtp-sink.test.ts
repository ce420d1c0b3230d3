import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { OpenNoticeError } from '../core/errors.ts';
import { createSmtpTransport } from '../notify/transports/smtp/client.ts';
import type { OutgoingMessage } from '../notify/transports/types.ts';
import { startSmtpSink } from './smtp-sink.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

/** Send lines one by one, collecting one reply line per command (the sink answers single-line except EHLO). */
async function dialogue(port: number, lines: string[]): Promise<string[]> {
  const socket = connect({ host: '127.0.0.1', port });
  const received: string[] = [];
  let buffered = '';
  let notify: (() => void) | undefined;
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    const parts = buffered.split('\r\n');
    buffered = parts.pop() ?? '';
    received.push(...parts);
    notify?.();
  });
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      notify?.();
      resolve();
    }),
  );
  const waitFor = async (count: number) => {
    while (received.length < count && !socket.destroyed)
      await new Promise<void>((resolve) => {
        notify = resolve;
      });
  };
  await waitFor(1);
  for (const line of lines) {
    const before = received.length;
    socket.write(`${line}\r\n`);
    await waitFor(before + 1);
  }
  socket.end();
  await closed;
  return received;
}

test('the sink speaks SMTP: sequence errors, RSET, NOOP, unknown commands, a line too long', async () => {
  const sink = await startSmtpSink();
  try {
    const replies = await dialogue(sink.port, [
      'HELO me',
      'RCPT TO:<a@b.example>',
      'DATA',
      'MAIL FROM:<x@y.example>',
      'MAIL FROM:<x@y.example>',
      'RSET',
      'NOOP',
      'VRFY x',
      'QUIT',
    ]);
    assert.deepEqual(
      replies.map((reply) => reply.slice(0, 3)),
      ['220', '250', '503', '503', '250', '503', '250', '250', '502', '221'],
    );
    const long = await dialogue(sink.port, ['x'.repeat(5000)]);
    assert.match(long.at(-1) ?? '', /^500 /);
    assert.equal(sink.messages().length, 0);
  } finally {
    await sink.close();
  }
});

test('messages over the size limit get 552 and are not kept', async () => {
  const sink = await startSmtpSink({ maxMessageBytes: 2000 });
  try {
    const big: OutgoingMessage = { idempotencyKey: 'big', from: 'a@b.example', to: ['c@d.example'], subject: 's', text: 'x'.repeat(5000), attachments: [] };
    const outcome = await createSmtpTransport({ host: sink.host, port: sink.port, heloName: 'me.example' }).send(big);
    assert.equal(outcome.status, 'permanent-failure');
    assert.match(outcome.detail, /552/);
    assert.equal(sink.messages().length, 0);
  } finally {
    await sink.close();
  }
});

test('seeded faults are reproducible and differ from the every-Nth pattern', async () => {
  const pattern = async (seed: number | undefined) => {
    const sink = await startSmtpSink({ faults: { tempFailEvery: 3, seed } });
    try {
      const smtp = createSmtpTransport({ host: sink.host, port: sink.port, heloName: 'me.example' });
      const statuses: string[] = [];
      for (let index = 0; index < 12; index++) {
        statuses.push(
          (await smtp.send({ idempotencyKey: `k${index}`, from: 'a@b.example', to: ['c@d.example'], subject: 's', text: 't', attachments: [] })).status[0],
        );
      }
      return statuses.join('');
    } finally {
      await sink.close();
    }
  };
  assert.equal(await pattern(undefined), 'ddtddtddtddt');
  const seeded = await pattern(7);
  assert.equal(await pattern(7), seeded);
  assert.match(seeded, /t/);
  assert.notEqual(seeded, 'ddtddtddtddt');
});

test('lab servers refuse to listen anywhere but loopback', async () => {
  await assert.rejects(startSmtpSink({ host: '0.0.0.0' }), (error: unknown) => error instanceof OpenNoticeError && /loopback only/.test(error.message));
  await assert.rejects(startSmtpSink({ host: '192.168.1.10' }), OpenNoticeError);
  await assert.rejects(startWebhookReceiver({ host: '10.0.0.1', secret: 'x'.repeat(20) }), /loopback only/);
});

test('the webhook receiver answers 405 to anything but POST and records it', async () => {
  const receiver = await startWebhookReceiver({ secret: 'x'.repeat(20) });
  try {
    const response = await fetch(receiver.url);
    assert.equal(response.status, 405);
    await response.body?.cancel();
    assert.deepEqual(
      receiver.deliveries().map((delivery) => [delivery.method, delivery.status, delivery.accepted]),
      [['GET', 405, false]],
    );
  } finally {
    await receiver.close();
  }
});
