// The mDNS grabber against a real avahi-daemon (Debian's package, installed by npm test), run
// without the system bus (enable-dbus=no), without chroot or dropping root, in a network
// namespace this test creates, with its own configuration and a service directory of its own
// bind-mounted over /etc/avahi/services inside the namespace's private mount table (the host's
// directory is untouched). It answers legacy unicast queries on the namespace's loopback; the
// grab and a tcpdump run beside it, and the namespace is removed at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createNetworkNamespace, systemPath, type NetworkNamespace } from '../../../test/support/network-namespace.ts';
import { startUdpCapture, trafficOf } from '../../../test/support/udp-capture.ts';
import { startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon.ts';
import type { GrabOutcome } from '../grab.ts';
import type { MdnsResult } from './grabber.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const avahi = ['/usr/sbin/avahi-daemon'].find((path) => existsSync(path));

let namespace: NetworkNamespace | undefined;
let daemon: UdpDaemon | undefined;
let directory: string | undefined;

before(async () => {
  assert.ok(avahi, 'avahi-daemon is not installed (npm test installs the Debian package avahi-daemon)');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-avahi-'));
  const services = join(directory, 'services');
  mkdirSync(services);
  const config = join(directory, 'avahi-daemon.conf');
  writeFileSync(
    config,
    [
      '[server]',
      'host-name=kestrix-cam',
      'domain-name=local',
      'use-ipv4=yes',
      'use-ipv6=no',
      'enable-dbus=no',
      'allow-interfaces=lo',
      '[wide-area]',
      'enable-wide-area=no',
      '[publish]',
      'publish-addresses=yes',
      'publish-hinfo=yes',
      'publish-workstation=yes',
      '[reflector]',
      'enable-reflector=no',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(services, 'camera.service'),
    [
      '<?xml version="1.0" standalone="no"?>',
      '<service-group><name>Kestrix KX-C20 Camera</name>',
      '<service><type>_http._tcp</type><port>80</port><txt-record>model=KX-C20</txt-record></service>',
      '<service><type>_rtsp._tcp</type><port>554</port></service>',
      '</service-group>',
      '',
    ].join('\n'),
  );
  namespace = await createNetworkNamespace(`on-udpa-mdns-${process.pid}`);
  daemon = await startUdpDaemon({
    name: 'avahi-daemon',
    command: 'sh',
    args: ['-c', `mount --bind '${services}' /etc/avahi/services && exec '${avahi}' -f '${config}' --no-drop-root --no-chroot --no-rlimits --debug`],
    port: 5353,
    namespace,
  });
  // Bound is not yet announced: avahi probes its names for about a second before it answers.
  const deadline = Date.now() + 8000;
  for (let round = 0; round < 200 && Date.now() < deadline && !/Server startup complete/.test(daemon.output()); round++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (let round = 0; round < 200 && Date.now() < deadline && !/successfully established/.test(daemon.output()); round++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(daemon.output(), /successfully established/, daemon.output());
});

after(async () => {
  await daemon?.stop();
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('avahi-daemon: the service types it publishes; reflection figures as tcpdump saw them', async (t) => {
  const capture = await startUdpCapture({ file: join(directory!, 'mdns.pcap'), filter: 'udp port 5353', namespace });
  const { stdout } = await promisify(execFile)(
    'ip',
    [
      'netns',
      'exec',
      namespace!.name,
      process.execPath,
      '--disable-warning=ExperimentalWarning',
      join(root, 'test/support/namespace-grab.ts'),
      'mdns',
      '127.0.0.1',
      '5353',
    ],
    { timeout: 30_000, cwd: root, env: { ...process.env, PATH: systemPath } },
  );
  // avahi's own announcements go to the multicast group: only the exchange with 127.0.0.1 counts.
  const seen = trafficOf(await capture.stop(), 5353, '127.0.0.1');
  const outcome = JSON.parse(stdout) as GrabOutcome<MdnsResult>;
  assert.equal(outcome.status, 'success', `${outcome.error}\n${daemon?.output()}`);
  const { result } = outcome;
  assert.ok(result.serviceTypes?.includes('_http._tcp.local'), String(result.serviceTypes));
  assert.ok(result.serviceTypes?.includes('_rtsp._tcp.local'), String(result.serviceTypes));
  assert.ok(result.serviceTypes?.includes('_workstation._tcp.local'), String(result.serviceTypes));
  const reflection = result.reflection;
  assert.ok(reflection);
  t.diagnostic(
    `${reflection.request}: ${reflection.requestBytes} → ${reflection.replyBytes} bytes in ${reflection.replyPackets} datagrams; the wire: ${seen.requestBytes} → ${seen.replyBytes}`,
  );
  assert.equal(seen.requestPackets, 1, 'one query');
  assert.equal(reflection.replyPackets, seen.replyPackets);
  assert.ok(
    Math.abs(reflection.requestBytes - seen.requestBytes) <= seen.requestBytes * 0.1,
    `request ${reflection.requestBytes} vs wire ${seen.requestBytes}`,
  );
  assert.ok(Math.abs(reflection.replyBytes - seen.replyBytes) <= seen.replyBytes * 0.1, `replies ${reflection.replyBytes} vs wire ${seen.replyBytes}`);
});
