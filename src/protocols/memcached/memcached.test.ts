// The memcached grabber against the real server: Debian's memcached (npm test installs it as
// root), started here with UDP turned on (-U; off by default since 1.5.6) on 127.102.5.1 and TCP
// off (-p 0). Its stats reply takes more than one datagram; tcpdump on `lo` is the witness of
// the bytes the grab says it sent and received.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagedVersion } from '../../../test/support/real-daemons/check.ts';
import { startUdpCapture, wireTotals, withinShare } from '../../../test/support/udp-capture-b.ts';
import { createSourcedContext, startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon-b.ts';
import { grabMemcached } from './grabber.ts';
import memcached from './index.ts';

const binary = '/usr/bin/memcached';
const missing = 'memcached is missing: npm test installs it as root (apt-get install memcached)';
const server = { ip: '127.102.5.1', port: 11211 };
const ctx = createSourcedContext('127.102.0.100', { ioTimeoutMs: 1500, deadlineMs: 5000 });

let directory = '';
let daemon: UdpDaemon | undefined;

before(async () => {
  if (!existsSync(binary)) return;
  directory = mkdtempSync(join(tmpdir(), 'on-udpb-memcached-'));
  const quick = createSourcedContext('127.102.0.100', { ioTimeoutMs: 300, deadlineMs: 2000 });
  daemon = await startUdpDaemon({
    name: 'memcached',
    command: binary,
    // -U: UDP on this port; -p 0: no TCP; -m 8: a small cache; -u root: memcached refuses root without it.
    args: ['-U', String(server.port), '-p', '0', '-l', server.ip, '-m', '8', '-u', 'root', '-v'],
    logFile: join(directory, 'memcached.log'),
    ready: async () => (await grabMemcached(quick, server)).status === 'success',
  });
});

after(async () => {
  await daemon?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('memcached answers stats over UDP in several datagrams: every one is counted, and the wire agrees', async () => {
  assert.ok(existsSync(binary), missing);
  const capture = await startUdpCapture(server.ip, server.port);
  const outcome = await grabMemcached(ctx, server);
  const seen = await capture.stop();
  assert.equal(outcome.status, 'success', outcome.error);
  const { result } = outcome;
  assert.equal(result.version, packagedVersion('memcached'));
  assert.equal(result.complete, true);
  assert.equal(result.limitMaxbytes, 8 * 1024 * 1024);
  assert.ok((result.pid ?? 0) > 0 && (result.threads ?? 0) > 0);
  const measure = memcached.reflection?.(result);
  assert.ok(measure);
  assert.equal(measure.request, 'stats');
  assert.equal(measure.requestBytes, 15);
  assert.ok(measure.replyPackets >= 2, `${measure.replyPackets} datagrams`);
  assert.ok(measure.replyBytes / measure.requestBytes > 50, `amplification ${measure.replyBytes} / ${measure.requestBytes}`);
  const wire = wireTotals(seen, server.ip, server.port);
  assert.equal(wire.requests, 1);
  assert.equal(wire.replies, measure.replyPackets);
  assert.ok(withinShare(measure.requestBytes, wire.requestBytes), `request ${measure.requestBytes} vs ${wire.requestBytes}`);
  assert.ok(withinShare(measure.replyBytes, wire.replyBytes), `replies ${measure.replyBytes} vs ${wire.replyBytes}`);
});
