// The SNMP grab against scripted agents on loopback: the v1 fallback, answers that are not ours.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer, type UdpPeer } from '../../../test/support/udp-peer-b.ts';
import { berTags, encodeInteger, encodeOid, encodeTlv, readTlv, tlvsIn } from './ber.ts';
import { pduTags, systemOids } from './codec.ts';
import { grabSnmp } from './grabber.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000 });
const peers: UdpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});

/** The version and request-id of a GetRequest. */
function readRequest(request: Buffer): { version: number; requestId: number } {
  const message = readTlv(request, 0)!;
  const [version, , pdu] = tlvsIn(request, message, 3)!;
  const [id] = tlvsIn(request, pdu, 4)!;
  return { version: request[version.start], requestId: request.readUIntBE(id.start, id.end - id.start) };
}

function answer(version: number, requestId: number, sysDescr: string): Buffer {
  const varbind = encodeTlv(berTags.sequence, Buffer.concat([encodeOid(systemOids.sysDescr), encodeTlv(berTags.octetString, Buffer.from(sysDescr))]));
  const pdu = encodeTlv(pduTags.response, Buffer.concat([encodeInteger(requestId), encodeInteger(0), encodeInteger(0), encodeTlv(berTags.sequence, varbind)]));
  return encodeTlv(berTags.sequence, Buffer.concat([encodeInteger(version), encodeTlv(berTags.octetString, Buffer.from('public')), pdu]));
}

async function peer(respond: (request: Buffer) => Buffer[]): Promise<UdpPeer> {
  const started = await startUdpPeer('127.102.2.1', respond);
  peers.push(started);
  return started;
}

test('an agent that drops v2c is asked again in v1, and its answer is version v1', async () => {
  const agent = await peer((request) => {
    const { version, requestId } = readRequest(request);
    return version === 0 ? [answer(0, requestId, 'old printer')] : [];
  });
  const outcome = await grabSnmp(ctx, { ip: agent.ip, port: agent.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.version, 'v1');
  assert.equal(outcome.result.sysDescr, 'old printer');
  assert.deepEqual(
    agent.requests.map((request) => readRequest(request).version),
    [1, 0],
  );
  assert.equal(outcome.result.reflection?.request, 'GetRequest v1 system');
  assert.equal(outcome.result.reflection?.requestBytes, agent.requests[1].length);
});

test('a Response with another request-id, or garbage, is a protocol error and no reflection', async () => {
  const wrongId = await peer((request) => [answer(1, readRequest(request).requestId + 1, 'spoof')]);
  const outcome = await grabSnmp(ctx, { ip: wrongId.ip, port: wrongId.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.match(outcome.error ?? '', /not ours/);
  assert.deepEqual(outcome.result, {});
  const garbage = await peer(() => [Buffer.alloc(1200, 0x41)]);
  const noise = await grabSnmp(ctx, { ip: garbage.ip, port: garbage.port });
  assert.equal(noise.status, 'protocol-error');
  assert.equal(noise.result.reflection, undefined);
  assert.equal(garbage.requests.length, 1, 'an answer of any kind ends the grab: no v1 retry');
});

test('a closed port is connection-refused, after one request', async () => {
  const gone = await startUdpPeer('127.102.2.2', () => []);
  const port = gone.port;
  await gone.close();
  const outcome = await grabSnmp(ctx, { ip: '127.102.2.2', port });
  assert.equal(outcome.status, 'connection-refused');
});
