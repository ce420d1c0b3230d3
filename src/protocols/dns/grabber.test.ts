// The DNS grab against scripted servers on loopback: answers that are not ours, an authoritative
// server that answers without recursion, a silent one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer, type UdpPeer } from '../../../test/support/udp-peer-b.ts';
import { grabDns } from './grabber.ts';

const ctx = { ...createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000 }), resolverCheckName: 'check.example' };
const peers: UdpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});

/** The query echoed back as a reply with `flags`, and an A record for its name when `address` is given. */
function replyTo(query: Buffer, flags: number, address?: number[], idDelta = 0): Buffer {
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE((query.readUInt16BE(0) + idDelta) & 0xffff, 0);
  header.writeUInt16BE(flags | (query.readUInt16BE(2) & 0x0100), 2);
  header.writeUInt16BE(address ? 1 : 0, 6);
  const answer = address ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address]) : Buffer.alloc(0);
  return Buffer.concat([header, query.subarray(12), answer]);
}

async function peer(respond: (query: Buffer) => Buffer[]): Promise<UdpPeer> {
  const started = await startUdpPeer('127.102.4.1', respond);
  peers.push(started);
  return started;
}

test('an authoritative server answering its own name without RA is not an open resolver', async () => {
  const server = await peer((query) => [replyTo(query, 0x8400, [192, 0, 2, 1])]);
  const outcome = await grabDns(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual([outcome.result.openResolver, outcome.result.recursionAvailable, outcome.result.rcode], [false, false, 'NOERROR']);
  assert.equal(outcome.result.reflection, undefined);
  assert.equal(server.requests[0].readUInt16BE(2) & 0x0100, 0x0100, 'the A question asks for recursion');
  assert.equal(server.requests[1].readUInt16BE(2) & 0x0100, 0, 'version.bind does not');
});

test('replies with another id are not counted: a protocol error, not an open resolver', async () => {
  const server = await peer((query) => [replyTo(query, 0x8180, [192, 0, 2, 1], 1)]);
  const outcome = await grabDns(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.deepEqual(outcome.result, {});
});

test('a silent server gets the one question and nothing more', async () => {
  const server = await peer(() => []);
  const outcome = await grabDns(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'io-timeout');
  assert.equal(server.requests.length, 1);
});
