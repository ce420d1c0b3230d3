// The memcached grab against scripted servers on loopback: parts out of order, frames of
// another request, an answer that is not statistics.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer, type UdpPeer } from '../../../test/support/udp-peer-b.ts';
import { grabMemcached } from './grabber.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000 });
const peers: UdpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});

const frame = (requestId: number, sequence: number, total: number, payload: string) => {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(requestId, 0);
  header.writeUInt16BE(sequence, 2);
  header.writeUInt16BE(total, 4);
  return Buffer.concat([header, Buffer.from(payload)]);
};

async function peer(respond: (request: Buffer) => Buffer[]): Promise<UdpPeer> {
  const started = await startUdpPeer('127.102.6.1', respond);
  peers.push(started);
  return started;
}

test('parts out of order are put back by sequence; a frame of another request is neither read nor counted', async () => {
  const server = await peer((request) => {
    const id = request.readUInt16BE(0);
    return [
      frame(id, 1, 2, 'ion 1.4.25\r\nEND\r\n'),
      frame((id + 1) & 0xffff, 0, 1, `STAT pid 1\r\nSTAT padding ${'x'.repeat(200)}\r\nEND\r\n`),
      frame(id, 0, 2, 'STAT pid 4242\r\nSTAT uptime 99\r\nSTAT vers'),
    ];
  });
  const outcome = await grabMemcached(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual({ ...outcome.result, reflection: undefined }, { version: '1.4.25', pid: 4242, uptime: 99, complete: true, reflection: undefined });
  assert.equal(outcome.result.reflection?.replyPackets, 2);
  assert.equal(outcome.result.reflection?.replyBytes, 8 + 'ion 1.4.25\r\nEND\r\n'.length + 8 + 'STAT pid 4242\r\nSTAT uptime 99\r\nSTAT vers'.length);
});

test('an ERROR, or bytes without a frame, are a protocol error with no reflection', async () => {
  const error = await peer((request) => [frame(request.readUInt16BE(0), 0, 1, 'ERROR\r\n')]);
  const outcome = await grabMemcached(ctx, { ip: error.ip, port: error.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.deepEqual(outcome.result, {});
  const noise = await peer(() => [Buffer.from('STAT pid 1\r\nEND\r\n')]);
  assert.equal((await grabMemcached(ctx, { ip: noise.ip, port: noise.port })).status, 'protocol-error');
});
