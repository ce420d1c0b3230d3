// The WS-Discovery grabber against a scripted peer replaying the ProbeMatches shape ONVIF
// cameras send. Debian's wsdd is no unicast peer: its host side reads only the socket bound to
// the multicast group (wsdd 0.7: WSDHost registers recv_socket alone), so a Probe sent to its
// address is never answered — the survey's unicast Probe has no real daemon to play against.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpPeer } from '../../../test/support/udp-peer.ts';
import { grabWsd } from './grabber.ts';
import wsd from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 800, deadlineMs: 3000 });
const template = readFileSync(new URL('../../../test/fixtures/wsd/onvif-probematches.xml', import.meta.url), 'utf8');
const closers: Array<() => Promise<void>> = [];
after(() => Promise.all(closers.map((close) => close())));

/** The MessageID of a Probe, read as a camera would. */
const messageIdOf = (probe: Buffer) => /<wsa:MessageID>([^<]+)<\/wsa:MessageID>/.exec(probe.toString('utf8'))?.[1] ?? '';

async function camera(ip: string, reply: (probe: Buffer) => Buffer[]) {
  const peer = await startUdpPeer(ip, reply);
  closers.push(() => peer.close());
  return peer;
}

test('a camera answering twice (SOAP-over-UDP repeats): both measured, the model and profiles read', async () => {
  const peer = await camera('127.101.5.1', (probe) => {
    const answer = Buffer.from(template.replace('{{RELATES_TO}}', messageIdOf(probe)));
    return [answer, answer];
  });
  const outcome = await grabWsd(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success', outcome.error);
  const probe = peer.requests[0]!;
  assert.match(messageIdOf(probe), /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const { result } = outcome;
  assert.equal(result.hardware, 'DS-2CD2143G0-I');
  assert.equal(result.onvifName, 'HIKVISION DS-2CD2143G0-I');
  assert.deepEqual(result.types, ['dn:NetworkVideoTransmitter', 'tds:Device']);
  const answerBytes = Buffer.byteLength(template.replace('{{RELATES_TO}}', messageIdOf(probe)));
  assert.deepEqual(wsd.reflection?.(result), { request: 'Probe', requestBytes: probe.length, replyBytes: 2 * answerBytes, replyPackets: 2 });
  assert.ok(answerBytes > probe.length, 'the answer outweighs the probe');
});

test('each grab has a fresh MessageID; a ProbeMatches relating to another is not counted', async () => {
  const seen: string[] = [];
  const peer = await camera('127.101.5.2', (probe) => {
    seen.push(messageIdOf(probe));
    return [Buffer.from(template.replace('{{RELATES_TO}}', 'urn:uuid:11111111-2222-4333-8444-555555555555'))];
  });
  const first = await grabWsd(ctx, { ip: peer.ip, port: peer.port });
  await grabWsd(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(first.status, 'protocol-error');
  assert.equal(wsd.reflection?.(first.result), undefined);
  assert.equal(seen.length, 2);
  assert.notEqual(seen[0], seen[1]);
});

test('a silent port is io-timeout', async () => {
  const peer = await camera('127.101.5.3', () => []);
  assert.equal((await grabWsd(ctx, { ip: peer.ip, port: peer.port })).status, 'io-timeout');
});
