// The CoAP grabber against a real libcoap coap-server (Debian's libcoap3-bin, installed by npm
// test) on a loopback address of its own, with tcpdump on lo as the witness of what the
// reflection figures claim: the request and reply payload bytes the wire carried.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startUdpCapture, trafficOf } from '../../../test/support/udp-capture.ts';
import { startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon.ts';
import { grabCoap } from './grabber.ts';
import coap from './index.ts';

const ip = '127.101.2.1';
const port = 5683;
const server = ['/usr/bin/coap-server-notls', '/usr/bin/coap-server'].find((path) => existsSync(path));
let daemon: UdpDaemon | undefined;
let directory: string | undefined;

before(async () => {
  assert.ok(server, 'coap-server is not installed (npm test installs the Debian package libcoap3-bin)');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-coap-'));
  daemon = await startUdpDaemon({ name: 'coap-server', command: server, args: ['-A', ip, '-p', String(port), '-v', '3'], ip, port });
});

after(async () => {
  await daemon?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('coap-server: its resource list is read, and the reflection figures are what tcpdump saw', async (t) => {
  const capture = await startUdpCapture({ file: join(directory!, 'coap.pcap'), filter: `udp port ${port} and host ${ip}` });
  const outcome = await grabCoap(createLoopbackContext({ ioTimeoutMs: 2000, deadlineMs: 5000 }), { ip, port });
  const seen = trafficOf(await capture.stop(), port, ip);
  assert.equal(outcome.status, 'success', `${outcome.error}\n${daemon?.output()}`);
  const { result } = outcome;
  assert.equal(result.messageType, 'ACK');
  assert.equal(result.code, '2.05');
  assert.equal(result.contentFormat, 40);
  // libcoap's example server publishes these (coap-server.c: init_resources).
  assert.ok(result.resources?.includes('/time'), String(result.links));
  assert.ok(result.resources?.includes('/'));
  assert.ok(result.resourceTypes?.includes('ticks'));
  assert.ok(result.titles?.includes('Internal Clock'));
  const reflection = coap.reflection?.(result);
  assert.ok(reflection);
  t.diagnostic(
    `${reflection.request}: ${reflection.requestBytes} → ${reflection.replyBytes} bytes in ${reflection.replyPackets} datagrams; the wire: ${seen.requestBytes} → ${seen.replyBytes}`,
  );
  assert.equal(seen.requestPackets, 1, 'one request datagram');
  assert.equal(reflection.replyPackets, seen.replyPackets);
  assert.ok(
    Math.abs(reflection.requestBytes - seen.requestBytes) <= seen.requestBytes * 0.1,
    `request ${reflection.requestBytes} vs wire ${seen.requestBytes}`,
  );
  assert.ok(Math.abs(reflection.replyBytes - seen.replyBytes) <= seen.replyBytes * 0.1, `replies ${reflection.replyBytes} vs wire ${seen.replyBytes}`);
  assert.ok(reflection.replyBytes > reflection.requestBytes, 'the answer is larger than the question');
});
