import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { OpenNoticeError } from '../../core/errors.ts';
import { startWebhookReceiver, type WebhookReceiverOptions } from '../../lab/webhook-receiver.ts';
import type { OutgoingMessage } from './types.ts';
import { createWebhookTransport, outcomeForStatus } from './webhook.ts';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.ts';

const secret = 'lab-webhook-secret-0123456789';
const message: OutgoingMessage = {
  idempotencyKey: 'report-isp7-2025-01',
  from: 'notice@cert.example',
  to: ['abuse@isp.example'],
  subject: '脆弱なIoT機器',
  text: '本文',
  attachments: [],
  json: { isp: 'isp-7', findings: [{ ip: '192.0.2.1', port: 23, kind: 'weak-credential', note: '初期パスワード' }] },
};

async function withReceiver(
  options: Omit<WebhookReceiverOptions, 'secret'>,
  body: (receiver: Awaited<ReturnType<typeof startWebhookReceiver>>) => Promise<void>,
): Promise<void> {
  const receiver = await startWebhookReceiver({ secret, ...options });
  try {
    await body(receiver);
  } finally {
    await receiver.close();
  }
}

test('the receiver verifies the signature and records the Idempotency-Key; a repeat is marked duplicate', async () => {
  await withReceiver({}, async (receiver) => {
    const webhook = createWebhookTransport({ url: receiver.url, secret });
    assert.deepEqual(await webhook.send(message), { status: 'delivered', detail: 'HTTP 200: {"status":200,"message":"accepted"}' });
    await webhook.send(message);
    const [first, second] = receiver.deliveries();
    assert.equal(first.signatureValid, true);
    assert.equal(first.idempotencyKey, message.idempotencyKey);
    assert.deepEqual(first.json, message.json);
    assert.match(first.headers['x-opennotice-signature'], /^sha256=[0-9a-f]{64}$/);
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
  });
});

test('a wrong secret is refused by the receiver (401, permanent)', async () => {
  await withReceiver({}, async (receiver) => {
    const outcome = await createWebhookTransport({ url: receiver.url, secret: 'another-secret-0123456789' }).send(message);
    assert.equal(outcome.status, 'permanent-failure');
    assert.match(outcome.detail, /^HTTP 401/);
    assert.equal(receiver.deliveries()[0].signatureValid, false);
    assert.equal(receiver.deliveries()[0].signatureProblem, 'signature does not match');
  });
});

test('500 and 429 are temporary (with Retry-After), 400 is permanent', async () => {
  await withReceiver({ faults: { failEvery: 1, retryAfterSeconds: 120 } }, async (receiver) => {
    assert.deepEqual(await createWebhookTransport({ url: receiver.url, secret }).send(message), {
      status: 'temporary-failure',
      detail: 'HTTP 500: {"status":500,"message":"failure injected by the lab"}',
      retryAfterSeconds: 120,
    });
  });
  await withReceiver({ faults: { failEvery: 1, failStatus: 429 } }, async (receiver) => {
    assert.equal((await createWebhookTransport({ url: receiver.url, secret }).send(message)).status, 'temporary-failure');
  });
  await withReceiver({ faults: { failEvery: 1, failStatus: 400 } }, async (receiver) => {
    assert.equal((await createWebhookTransport({ url: receiver.url, secret }).send(message)).status, 'permanent-failure');
  });
});

test('every Nth request fails, the rest are accepted', async () => {
  await withReceiver({ faults: { failEvery: 3 } }, async (receiver) => {
    const webhook = createWebhookTransport({ url: receiver.url, secret });
    const statuses = [];
    for (let index = 0; index < 6; index++) statuses.push((await webhook.send({ ...message, idempotencyKey: `k${index}` })).status);
    assert.deepEqual(statuses, ['delivered', 'delivered', 'temporary-failure', 'delivered', 'delivered', 'temporary-failure']);
  });
});

test('a redirect is not followed: permanent failure, and the receiver saw one request only', async () => {
  await withReceiver({ faults: { failEvery: 1, failStatus: 302 } }, async (receiver) => {
    const outcome = await createWebhookTransport({ url: receiver.url, secret }).send(message);
    assert.equal(outcome.status, 'permanent-failure');
    assert.match(outcome.detail, /^HTTP 302: redirect to http:\/\/127\.0\.0\.1:\d+\/redirected not followed$/);
    assert.equal(receiver.deliveries().length, 1);
  });
});

test('a server that never answers is a temporary failure after the timeout', async () => {
  const held: Socket[] = [];
  const silent = createServer((socket) => {
    held.push(socket);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve));
  try {
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const outcome = await createWebhookTransport({ url: `http://127.0.0.1:${port}/hook`, secret, timeoutMs: 200 }).send(message);
    assert.deepEqual(outcome, { status: 'temporary-failure', detail: `POST http://127.0.0.1:${port}/hook: no complete response within 200 ms` });
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('without a json field the text and attachments are sent as base64', async () => {
  await withReceiver({}, async (receiver) => {
    await createWebhookTransport({ url: receiver.url, secret }).send({
      ...message,
      json: undefined,
      attachments: [{ filename: 'a.csv', contentType: 'text/csv', content: 'ip\n' }],
    });
    assert.deepEqual(receiver.deliveries()[0].json, {
      idempotencyKey: message.idempotencyKey,
      subject: message.subject,
      text: message.text,
      attachments: [{ filename: 'a.csv', contentType: 'text/csv', contentBase64: Buffer.from('ip\n').toString('base64') }],
    });
  });
});

test('configuration: https only (http to loopback), allowedHosts, no URL credentials, a real secret', () => {
  const invalid = (options: Parameters<typeof createWebhookTransport>[0]) =>
    assert.throws(
      () => createWebhookTransport(options),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID',
    );
  invalid({ url: 'http://soc.isp.example/hook', secret });
  invalid({ url: 'ftp://127.0.0.1/hook', secret });
  invalid({ url: 'https://user:pw@soc.isp.example/hook', secret });
  invalid({ url: 'https://soc.isp.example/hook', secret, allowedHosts: ['other.example'] });
  invalid({ url: 'https://soc.isp.example/hook', secret: 'short' });
  invalid({ url: 'not a url', secret });
  assert.equal(createWebhookTransport({ url: 'https://SOC.isp.example/hook', secret, allowedHosts: ['soc.ISP.example'] }).name, 'webhook');
});

test('signatures: tampered body, stale timestamp and malformed headers are refused', () => {
  const body = '{"a":1}';
  const signature = signWebhookBody(secret, 1_700_000_000, body);
  const check = (changes: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
    verifyWebhookSignature({ secret, body, timestamp: '1700000000', signature, nowSeconds: 1_700_000_010, ...changes });
  assert.deepEqual(check({}), { valid: true });
  assert.deepEqual(check({ body: '{"a":2}' }), { valid: false, reason: 'signature does not match' });
  assert.deepEqual(check({ timestamp: '1700000001' }), { valid: false, reason: 'signature does not match' });
  assert.deepEqual(check({ nowSeconds: 1_700_000_400 }), { valid: false, reason: 'timestamp outside the tolerance window' });
  assert.equal(check({ signature: undefined }).valid, false);
  assert.equal(check({ signature: signature.toUpperCase() }).valid, false);
});

test('status classes map to outcomes', () => {
  assert.equal(outcomeForStatus(202, '', undefined).status, 'delivered');
  assert.equal(outcomeForStatus(408, '', undefined).status, 'temporary-failure');
  assert.equal(outcomeForStatus(404, '', undefined).status, 'permanent-failure');
  assert.deepEqual(outcomeForStatus(503, '', 30), { status: 'temporary-failure', detail: 'HTTP 503', retryAfterSeconds: 30 });
  assert.equal(outcomeForStatus(307, '', undefined, 'https://elsewhere.example/').status, 'permanent-failure');
});
