// The Ubiquiti discovery grab against a scripted device on loopback (no Debian daemon speaks the
// protocol): its reply shaped as public descriptions give it, tcpdump as the witness of the bytes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryReply, nanoStationFields } from '../../../test/support/ubiquiti-peer-b.ts';
import { startUdpCapture, wireTotals, withinShare } from '../../../test/support/udp-capture-b.ts';
import { createSourcedContext } from '../../../test/support/udp-daemon-b.ts';
import { startUdpPeer, type UdpPeer } from '../../../test/support/udp-peer-b.ts';
import { grabUbiquiti } from './grabber.ts';
import ubiquiti from './index.ts';

const ctx = createSourcedContext('127.102.0.100', { ioTimeoutMs: 400, deadlineMs: 3000 });
const peers: UdpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});

async function peer(respond: (request: Buffer) => Buffer[]): Promise<UdpPeer> {
  const started = await startUdpPeer('127.102.9.1', respond);
  peers.push(started);
  return started;
}

test('a NanoStation answers the four-byte request: its facts, and a reflection the wire agrees with', async () => {
  const reply = discoveryReply(nanoStationFields);
  const device = await peer((request) => (request.equals(Buffer.from([1, 0, 0, 0])) ? [reply] : []));
  const capture = await startUdpCapture(device.ip, device.port);
  const outcome = await grabUbiquiti(ctx, { ip: device.ip, port: device.port });
  const seen = await capture.stop();
  assert.equal(outcome.status, 'success');
  assert.deepEqual(
    { ...outcome.result, reflection: undefined },
    {
      mac: '04:18:d6:a1:b2:c3',
      ip: '192.0.2.20',
      addresses: ['192.0.2.20', '198.51.100.1'],
      uptime: 86_400,
      hostname: 'rooftop-nsm2',
      modelShort: 'N2N',
      essid: 'village-link',
      wirelessMode: 3,
      firmware: 'XM.ar7240.v6.1.7.32555.180523.1649',
      modelFull: 'NanoStation M2',
      reflection: undefined,
    },
  );
  const measure = ubiquiti.reflection?.(outcome.result);
  assert.deepEqual(measure, { request: 'discovery v1', requestBytes: 4, replyBytes: reply.length, replyPackets: 1 });
  const wire = wireTotals(seen, device.ip, device.port);
  assert.deepEqual([wire.requests, wire.replies], [1, 1]);
  assert.ok(withinShare(4, wire.requestBytes) && withinShare(reply.length, wire.replyBytes));
});

test('garbage, or a reply with no field, is a protocol error with no reflection', async () => {
  const noisy = await peer(() => [Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), Buffer.from([1, 0, 0, 0])]);
  const outcome = await grabUbiquiti(ctx, { ip: noisy.ip, port: noisy.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.deepEqual(outcome.result, {});
  const silent = await peer(() => []);
  assert.equal((await grabUbiquiti(ctx, { ip: silent.ip, port: silent.port })).status, 'io-timeout');
});
