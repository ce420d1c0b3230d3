import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer } from '../../../test/support/udp-peer.ts';
import { grabMdns } from './grabber.ts';
import mdns from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000 });
const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((close) => close())));

/** The answer a responder gives: the query's id (or `id`), QR and AA, the question echoed, one PTR per type. */
function answer(query: Buffer, types: readonly string[], id?: number): Buffer {
  const questionEnd = query.length;
  const question = query.subarray(12, questionEnd);
  const records = types.map((type) => {
    const labels = Buffer.concat([...type.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
    return Buffer.concat([Buffer.from([0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 10, 0, labels.length]), labels]);
  });
  const header = Buffer.from([0, 0, 0x84, 0, 0, 1, 0, records.length, 0, 0, 0, 0]);
  if (id === undefined) query.copy(header, 0, 0, 2);
  else header.writeUInt16BE(id, 0);
  return Buffer.concat([header, question, ...records]);
}

async function peer(ip: string, reply: (query: Buffer) => Buffer[]) {
  const started = await startUdpPeer(ip, reply);
  closers.push(() => started.close());
  return started;
}

test('an answer repeating the id: service types read, reflection measured', async () => {
  const responder = await peer('127.101.4.1', (query) => [answer(query, ['_ipp._tcp.local', '_printer._tcp.local'])]);
  const outcome = await grabMdns(ctx, { ip: responder.ip, port: responder.port });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result.serviceTypes, ['_ipp._tcp.local', '_printer._tcp.local']);
  const query = responder.requests[0]!;
  assert.equal(query.length, 46);
  assert.deepEqual(mdns.reflection?.(outcome.result), {
    request: 'PTR _services._dns-sd._udp.local',
    requestBytes: 46,
    replyBytes: answer(query, ['_ipp._tcp.local', '_printer._tcp.local']).length,
    replyPackets: 1,
  });
});

test('an answer with id 0 that echoes the question is accepted (RFC 6762 §18.1)', async () => {
  const responder = await peer('127.101.4.2', (query) => [answer(query, ['_airplay._tcp.local'], 0)]);
  const outcome = await grabMdns(ctx, { ip: responder.ip, port: responder.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result.serviceTypes, ['_airplay._tcp.local']);
});

test('answers to another id and garbage are not counted: protocol-error without reflection; silence is io-timeout', async () => {
  const wrong = await peer('127.101.4.3', (query) => [answer(query, ['_ssh._tcp.local'], query.readUInt16BE(0) === 7 ? 8 : 7), Buffer.alloc(900, 0xc0)]);
  const outcome = await grabMdns(ctx, { ip: wrong.ip, port: wrong.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.equal(mdns.reflection?.(outcome.result), undefined);
  const silent = await peer('127.101.4.4', () => []);
  assert.equal((await grabMdns(ctx, { ip: silent.ip, port: silent.port })).status, 'io-timeout');
});
