// The NTP grab against scripted servers on loopback: an old ntpd that answers monlist (the
// reference implementation's MON_GETLIST_1 format, several packets with the "more" bit), one
// that answers only mode 6, and one that answers nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { monlistReply, readVariablesReply } from '../../../test/support/ntp-peer-b.ts';
import { startUdpPeer, type UdpPeer } from '../../../test/support/udp-peer-b.ts';
import { grabNtp } from './grabber.ts';
import ntp from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000 });
const peers: UdpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});
const oldNtpd = 'version="ntpd 4.2.6p5@1.2349-o Fri Apr 13 12:00:00 UTC 2018 (1)", processor="mips", system="Linux/2.6.36", leap=0, stratum=3, refid=192.0.2.9';
const isMode = (request: Buffer, mode: number) => (request[0] & 0x07) === mode;

async function peer(respond: (request: Buffer) => Buffer[]): Promise<UdpPeer> {
  const started = await startUdpPeer('127.102.8.1', respond);
  peers.push(started);
  return started;
}

test('a server that answers monlist: every packet of the list counts, and the measure is monlist', async () => {
  const packets = monlistReply(40);
  const server = await peer((request) => (isMode(request, 6) ? readVariablesReply(request, oldNtpd, 64) : isMode(request, 7) ? packets : []));
  const outcome = await grabNtp(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'success');
  const { result } = outcome;
  assert.equal(result.version, 'ntpd 4.2.6p5@1.2349-o Fri Apr 13 12:00:00 UTC 2018 (1)');
  assert.deepEqual([result.system, result.processor, result.stratum, result.refid, result.leap], ['Linux/2.6.36', 'mips', 3, '192.0.2.9', 0]);
  assert.equal(result.monlist, true);
  assert.equal(result.monlistEntries, 40);
  const measure = ntp.reflection?.(result);
  assert.deepEqual(measure, {
    request: 'monlist',
    requestBytes: 48,
    replyBytes: packets.reduce((sum, packet) => sum + packet.length, 0),
    replyPackets: 7,
  });
  assert.deepEqual(
    server.requests.map((request) => request[0] & 0x07),
    [6, 7],
    'READVAR, then monlist: no client packet',
  );
});

test('a server that answers only mode 6, or mode 7 with an error: no monlist, the measure is READVAR', async () => {
  // INFO_ERR_NODATA (4) in the error nibble: what ntpd says with monitoring off.
  const noData = Buffer.from([0x97, 0x00, 0x03, 0x2a, 0x40, 0x00, 0x00, 0x48]);
  const server = await peer((request) => (isMode(request, 6) ? readVariablesReply(request, oldNtpd, 40) : [noData]));
  const outcome = await grabNtp(ctx, { ip: server.ip, port: server.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.monlist, false);
  assert.equal(outcome.result.monlistEntries, undefined);
  const fragments = readVariablesReply(Buffer.alloc(12), oldNtpd, 40);
  assert.deepEqual(outcome.result.reflection, {
    request: 'READVAR',
    requestBytes: 12,
    replyBytes: fragments.reduce((sum, fragment) => sum + fragment.length, 0),
    replyPackets: fragments.length,
  });
});

test('mode 6 replies with another sequence are not ours; a silent server is never asked for monlist', async () => {
  const wrong = await peer((request) => {
    const copy = Buffer.from(request);
    copy.writeUInt16BE((request.readUInt16BE(2) + 1) & 0xffff, 2);
    return isMode(request, 6) ? readVariablesReply(copy, oldNtpd) : monlistReply(6);
  });
  const outcome = await grabNtp(ctx, { ip: wrong.ip, port: wrong.port });
  assert.equal(outcome.status, 'protocol-error');
  assert.deepEqual(outcome.result, {});
  assert.equal(wrong.requests.length, 1, 'no monlist after an answer that was not ours');
  const silent = await peer(() => []);
  assert.equal((await grabNtp(ctx, { ip: silent.ip, port: silent.port })).status, 'io-timeout');
  assert.equal(silent.requests.length, 1);
});
