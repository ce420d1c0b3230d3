import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink, type SmtpSink } from '../../../lab/smtp-sink.ts';
import type { OutgoingMessage } from '../types.ts';
import { createSmtpTransport, type SmtpTransportOptions } from './client.ts';

const binary = Uint8Array.from({ length: 5000 }, (_, index) => (index * 31 + 7) & 255);
const message: OutgoingMessage = {
  idempotencyKey: 'report-isp7-2025-01',
  from: 'notice@cert.example',
  to: ['abuse@isp.example'],
  subject: '【NOTICE】脆弱なIoT機器に関するお知らせ',
  text: 'ご担当者様\n\n初期パスワードのままの機器が 3 台見つかりました。\nパスワードを変更してください。\n',
  attachments: [
    { filename: '調査結果.csv', contentType: 'text/csv; charset=utf-8', content: 'ip,port,vendor\n192.0.2.1,23,コルヴァン\n' },
    { filename: 'evidence.bin', contentType: 'application/octet-stream', content: binary },
  ],
};

async function withSink(
  options: Parameters<typeof startSmtpSink>[0],
  body: (sink: SmtpSink, send: (extra?: Partial<SmtpTransportOptions>) => ReturnType<typeof createSmtpTransport>) => Promise<void>,
): Promise<void> {
  const sink = await startSmtpSink(options);
  try {
    await body(sink, (extra = {}) =>
      createSmtpTransport({
        host: sink.host,
        port: sink.port,
        heloName: 'notice.cert.example',
        timeoutMs: 5000,
        now: () => new Date('2025-01-31T09:00:00Z'),
        ...extra,
      }),
    );
  } finally {
    await sink.close();
  }
}

test('a Japanese message with attachments crosses a real SMTP exchange byte-exact', async () => {
  await withSink({}, async (sink, transport) => {
    const outcome = await transport().send(message);
    assert.equal(outcome.status, 'delivered');
    assert.match(outcome.detail, /^250 /);
    const [received] = sink.messages();
    assert.equal(received.envelopeFrom, message.from);
    assert.deepEqual(received.envelopeTo, message.to);
    assert.equal(received.acknowledged, true);
    assert.equal(received.messageId, '<report-isp7-2025-01@notice.cert.example>');
    assert.equal(received.subject, message.subject);
    assert.equal(received.text, message.text);
    assert.equal(received.attachments[0].filename, '調査結果.csv');
    assert.equal(received.attachments[0].content.toString('utf8'), message.attachments[0].content);
    assert.deepEqual(new Uint8Array(received.attachments[1].content), binary);
  });
});

test('lines starting with a dot (and a line that is only a dot) survive: DATA is dot-stuffed', async () => {
  await withSink({}, async (sink, transport) => {
    const text = 'Findings:\n.\n..two dots\n.hidden line\nend.\n';
    const outcome = await transport().send({ ...message, subject: 'Dots', text, attachments: [] });
    assert.equal(outcome.status, 'delivered');
    assert.equal(sink.messages()[0].text, text);
    assert.match(sink.messages()[0].raw.toString('latin1'), /\r\n\.\r\n\.\.two dots\r\n/);
  });
});

test('an injected 451 is a temporary failure; the next transaction goes through', async () => {
  await withSink({ faults: { tempFailEvery: 2 } }, async (sink, transport) => {
    const smtp = transport();
    assert.equal((await smtp.send({ ...message, idempotencyKey: 'k1' })).status, 'delivered');
    const failed = await smtp.send({ ...message, idempotencyKey: 'k2' });
    assert.equal(failed.status, 'temporary-failure');
    assert.match(failed.detail, /end of data: 451 /);
    assert.equal((await smtp.send({ ...message, idempotencyKey: 'k2' })).status, 'delivered');
    assert.deepEqual(
      sink.messages().map((received) => received.messageId),
      ['<k1@notice.cert.example>', '<k2@notice.cert.example>'],
    );
    assert.deepEqual(sink.faultsInjected(), { tempFailures: 1, drops: 0, stalls: 0 });
  });
});

test('550 for the only recipient is a permanent failure; a partly refused list is delivered with the refusals reported', async () => {
  await withSink({ faults: { rejectRecipients: ['gone@isp.example'] } }, async (sink, transport) => {
    const refused = await transport().send({ ...message, to: ['gone@isp.example'] });
    assert.equal(refused.status, 'permanent-failure');
    assert.match(refused.detail, /gone@isp\.example: 550 /);
    assert.equal(sink.messages().length, 0);
    const partial = await transport().send({ ...message, to: ['abuse@isp.example', 'gone@isp.example'] });
    assert.equal(partial.status, 'delivered');
    assert.ok(partial.status === 'delivered' && partial.rejectedRecipients);
    assert.deepEqual(
      partial.rejectedRecipients.map((entry) => [entry.address, entry.code]),
      [['gone@isp.example', 550]],
    );
    assert.deepEqual(sink.messages()[0].envelopeTo, ['abuse@isp.example']);
  });
});

test('a connection dropped after the data is temporary and flagged as possibly delivered; the sink kept an unacknowledged copy', async () => {
  await withSink({ faults: { dropConnectionEvery: 1 } }, async (sink, transport) => {
    const outcome = await transport().send(message);
    assert.equal(outcome.status, 'temporary-failure');
    assert.match(outcome.detail, /^end of data: .*may have accepted the message/);
    assert.equal(sink.messages().length, 1);
    assert.equal(sink.messages()[0].acknowledged, false);
  });
  await withSink({ faults: { dropConnectionEvery: 1, dropPoint: 'before-data' } }, async (sink, transport) => {
    const outcome = await transport().send(message);
    assert.equal(outcome.status, 'temporary-failure');
    assert.doesNotMatch(outcome.detail, /may have accepted/);
    assert.equal(sink.messages().length, 0);
  });
});

test('AUTH PLAIN and LOGIN reach the relay on loopback; wrong credentials are permanent, missing ones too', async () => {
  await withSink({ auth: { username: 'notice', password: 'pa55-wörd' } }, async (sink, transport) => {
    assert.equal((await transport({ auth: { username: 'notice', password: 'pa55-wörd' } }).send(message)).status, 'delivered');
    const wrong = await transport({ auth: { username: 'notice', password: 'nope' } }).send(message);
    assert.equal(wrong.status, 'permanent-failure');
    assert.match(wrong.detail, /AUTH: 535 /);
    const missing = await transport().send(message);
    assert.equal(missing.status, 'permanent-failure');
    assert.match(missing.detail, /MAIL FROM: 530 /);
    assert.equal(sink.messages().length, 1);
  });
  await withSink({ auth: { username: 'notice', password: 'secret' }, authMechanisms: ['LOGIN'] }, async (sink, transport) => {
    assert.equal((await transport({ auth: { username: 'notice', password: 'secret' } }).send(message)).status, 'delivered');
    assert.equal((await transport({ auth: { username: 'notice', password: 'wrong' } }).send(message)).status, 'permanent-failure');
    assert.equal(sink.messages().length, 1);
  });
});

test('a message that cannot be built fails permanently without a connection', async () => {
  await withSink({}, async (sink, transport) => {
    const outcome = await transport().send({ ...message, subject: 'x\r\nBcc: victim@example.org' });
    assert.equal(outcome.status, 'permanent-failure');
    assert.match(outcome.detail, /control character/);
    assert.deepEqual(await transport().send({ ...message, to: [] }), { status: 'permanent-failure', detail: 'the message has no recipient' });
    assert.equal(sink.messages().length, 0);
  });
});

test('an aborted send is a temporary failure', async () => {
  await withSink({}, async (sink, transport) => {
    const outcome = await transport().send(message, AbortSignal.abort());
    assert.equal(outcome.status, 'temporary-failure');
    assert.match(outcome.detail, /aborted/);
    assert.equal(sink.messages().length, 0);
  });
});

test('invalid transport options are configuration errors', () => {
  assert.throws(() => createSmtpTransport({ host: '127.0.0.1', port: 0, heloName: 'x.example' }), /port 0/);
  assert.throws(() => createSmtpTransport({ host: '127.0.0.1', port: 25, heloName: 'bad name\r\n' }), /heloName/);
  assert.throws(() => createSmtpTransport({ host: '127.0.0.1', port: 25, heloName: 'x.example', auth: { username: 'a\r\nMAIL', password: 'b' } }), /CR, LF/);
});
