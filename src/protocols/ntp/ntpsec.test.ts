// The NTP grabber against the real server: Debian's ntpsec (npm test installs it as root).
// ntpd listens only on addresses of its interfaces, so it runs in a network namespace of this
// test (on-udpb-ntp) whose loopback carries 127.102.7.1; the grab runs there too
// (test/support/namespace-grab.ts), and tcpdump watches that loopback. ntpd has no server, its
// own configuration, and no right to touch the clock: it starts without CAP_SYS_TIME (setpriv),
// with `disable kernel` and `disable ntp`. ntpsec answers mode 6 and does not implement mode 7,
// so the grab must record no monlist and measure READVAR.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetworkNamespace, type NetworkNamespace } from '../../../test/support/network-namespace.ts';
import { startUdpCapture, wireTotals, withinShare } from '../../../test/support/udp-capture-b.ts';
import { startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon-b.ts';
import type { GrabOutcome } from '../grab.ts';
import type { NtpResult } from './grabber.ts';

const ntpd = '/usr/sbin/ntpd';
const missing = 'ntpd is missing: npm test installs it as root (apt-get install ntpsec)';
const server = { ip: '127.102.7.1', port: 123 };
const root = new URL('../../../', import.meta.url).pathname;

let directory = '';
let namespace: NetworkNamespace | undefined;
let daemon: UdpDaemon | undefined;

/** One grab by the shipped ntp protocol from inside the namespace. */
async function grabInside(ns: NetworkNamespace): Promise<GrabOutcome<NtpResult>> {
  const output = await ns.exec(
    join(root, 'node_modules/.bin/node'),
    ['--disable-warning=ExperimentalWarning', join(root, 'test/support/namespace-grab.ts'), 'ntp', server.ip, String(server.port)],
    20_000,
  );
  return JSON.parse(output) as GrabOutcome<NtpResult>;
}

before(async () => {
  if (!existsSync(ntpd)) return;
  directory = mkdtempSync(join(tmpdir(), 'on-udpb-ntpsec-'));
  const ns = await createNetworkNamespace('on-udpb-ntp');
  namespace = ns;
  await ns.exec('ip', ['addr', 'add', `${server.ip}/32`, 'dev', 'lo']);
  const config = join(directory, 'ntp.conf');
  writeFileSync(
    config,
    [
      'disable kernel', // never discipline the kernel clock
      'disable ntp', // and never the time itself: there is no server anyway
      'restrict default',
      'restrict 127.0.0.0 mask 255.0.0.0',
      'interface ignore wildcard',
      `interface listen ${server.ip}`,
      `statsdir ${directory}/`,
      '',
    ].join('\n'),
  );
  daemon = await startUdpDaemon({
    name: 'ntpd',
    command: 'ip',
    // setpriv drops CAP_SYS_TIME before ntpd starts: whatever it tries, the clock stays as it is.
    args: ['netns', 'exec', ns.name, 'setpriv', '--bounding-set', '-sys_time', ntpd, '-n', '-c', config],
    logFile: join(directory, 'ntpd.log'),
    ready: async () => (await grabInside(ns)).status === 'success',
    startTimeoutMs: 30_000,
  });
});

after(async () => {
  await daemon?.stop();
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('ntpsec answers READVAR: version, system, processor, stratum; no monlist; the wire agrees with the READVAR measure', async () => {
  assert.ok(existsSync(ntpd), missing);
  assert.ok(namespace);
  const capture = await startUdpCapture(server.ip, server.port, { namespace: namespace.name });
  const outcome = await grabInside(namespace);
  const seen = await capture.stop();
  assert.equal(outcome.status, 'success', outcome.error);
  const { result } = outcome;
  assert.match(result.version ?? '', /^ntpd ntpsec-1\.\d+\.\d+/);
  assert.match(result.system ?? '', /^Linux/);
  assert.ok((result.processor ?? '').length > 0);
  assert.equal(result.stratum, 16, 'no server: unsynchronised');
  assert.equal(result.monlist, false, 'ntpsec has no mode 7');
  assert.equal(result.monlistEntries, undefined);
  const measure = result.reflection;
  assert.ok(measure);
  assert.equal(measure.request, 'READVAR');
  assert.equal(measure.requestBytes, 12);
  const wire = wireTotals(seen, server.ip, server.port);
  assert.equal(wire.requests, 2, 'READVAR, then the monlist request');
  // The monlist request went unanswered: every reply on the wire is READVAR's.
  assert.equal(wire.replies, measure.replyPackets);
  const readvar = seen.find((datagram) => datagram.destinationPort === server.port);
  assert.ok(readvar && withinShare(measure.requestBytes, readvar.payloadBytes), `request ${measure.requestBytes} vs ${readvar?.payloadBytes}`);
  assert.ok(withinShare(measure.replyBytes, wire.replyBytes), `replies ${measure.replyBytes} vs ${wire.replyBytes}`);
});
