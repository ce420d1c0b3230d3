import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer } from '../../../test/support/udp-peer.ts';
import { decodeCoap } from './codec.ts';
import { grabCoap } from './grabber.ts';
import coap from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000 });
const peers: Array<{ close(): Promise<void> }> = [];
after(() => Promise.all(peers.map((peer) => peer.close())));

/** A peer that answers each request with what `reply` builds from its message id and token. */
async function peerAnswering(reply: (messageId: Buffer, token: Buffer) => Buffer[]) {
  const peer = await startUdpPeer('127.101.1.1', (request) => {
    const tokenLength = request[0] & 0x0f;
    return reply(request.subarray(2, 4), request.subarray(4, 4 + tokenLength));
  });
  peers.push(peer);
  return peer;
}

test('a piggy-backed answer: resources read, and the reflection counts request and reply payload bytes', async () => {
  const document = '</>;title="Kestrix Hub v2.1";ct=0,</sensors/temp>;rt="temperature-c";if="sensor"';
  const peer = await peerAnswering((id, token) => [
    Buffer.concat([Buffer.from([0x60 | token.length, 0x45]), id, token, Buffer.from([0xc1, 0x28, 0xff]), Buffer.from(document)]),
  ]);
  const outcome = await grabCoap(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success', outcome.error);
  const request = peer.requests[0];
  assert.ok(request);
  const decoded = decodeCoap(request);
  assert.ok(decoded.ok && decoded.message.type === 'CON' && decoded.message.code === '0.01');
  assert.equal(decoded.message.token.length, 4);
  assert.deepEqual(outcome.result.resources, ['/', '/sensors/temp']);
  assert.deepEqual(outcome.result.titles, ['Kestrix Hub v2.1']);
  assert.deepEqual(outcome.result.reflection, {
    request: 'GET /.well-known/core',
    requestBytes: request.length,
    replyBytes: 8 + 3 + document.length,
    replyPackets: 1,
  });
  assert.deepEqual(coap.reflection?.(outcome.result), outcome.result.reflection);
});

test('replies to another token or message id, and garbage, are not counted: protocol-error, no reflection', async () => {
  const peer = await peerAnswering((id, token) => [
    Buffer.concat([Buffer.from([0x60 | token.length, 0x45]), id, Buffer.alloc(token.length, 0xee), Buffer.from([0xff, 0x41])]),
    Buffer.concat([Buffer.from([0x60 | token.length, 0x45]), Buffer.from([id[0] ^ 0xff, id[1]]), token, Buffer.from([0xff, 0x41])]),
    Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'),
    Buffer.alloc(1400, 0x41),
  ]);
  const outcome = await grabCoap(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.equal(outcome.result.reflection, undefined);
  assert.equal(coap.reflection?.(outcome.result), undefined);
});

test('an empty ACK then a separate response: both counted, the response described', async () => {
  const peer = await peerAnswering((id, token) => [
    Buffer.concat([Buffer.from([0x60, 0x00]), id]),
    Buffer.concat([Buffer.from([0x50 | token.length, 0x45, 0x99, 0x01]), token, Buffer.from([0xff]), Buffer.from('</late>')]),
  ]);
  const outcome = await grabCoap(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.messageType, 'NON');
  assert.deepEqual(outcome.result.resources, ['/late']);
  assert.equal(outcome.result.reflection?.replyPackets, 2);
  assert.equal(outcome.result.reflection?.replyBytes, 4 + 4 + 4 + 1 + 7);
});

test('a silent service is io-timeout with nothing extracted', async () => {
  const peer = await peerAnswering(() => []);
  const outcome = await grabCoap(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'io-timeout');
  assert.deepEqual(outcome.result, {});
});
