// The SSDP grabber against a real miniupnpd (Debian's package, installed by npm test), which
// answers M-SEARCH on UDP 1900 and serves its description on TCP. It runs in a network namespace
// this test creates (miniupnpd wants an external interface: a veth pair), with the grab and a
// tcpdump on the namespace's loopback beside it; nothing leaves the namespace, which is removed
// at the end. tcpdump is the witness of the reflection figures.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createNetworkNamespace, systemPath, type NetworkNamespace } from '../../../test/support/network-namespace.ts';
import { startUdpCapture, trafficOf } from '../../../test/support/udp-capture.ts';
import { startUdpDaemon, type UdpDaemon } from '../../../test/support/udp-daemon.ts';
import type { GrabOutcome } from '../grab.ts';
import type { SsdpResult } from './grabber.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const miniupnpd = ['/usr/sbin/miniupnpd', '/usr/local/sbin/miniupnpd'].find((path) => existsSync(path));
const httpPort = 5000;

let namespace: NetworkNamespace | undefined;
let daemon: UdpDaemon | undefined;
let directory: string | undefined;

before(async () => {
  assert.ok(miniupnpd, 'miniupnpd is not installed (npm test installs the Debian package miniupnpd)');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-ssdp-'));
  namespace = await createNetworkNamespace(`on-udpa-ssdp-${process.pid}`);
  const inside = (...args: string[]) => namespace!.exec('ip', args);
  await inside('link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'lan0');
  // A documentation address (TEST-NET-1) that exists only inside the namespace.
  await inside('addr', 'add', '192.0.2.2/24', 'dev', 'ext0');
  await inside('link', 'set', 'ext0', 'up');
  await inside('link', 'set', 'lan0', 'up');
  const config = join(directory, 'miniupnpd.conf');
  writeFileSync(
    config,
    [
      'ext_ifname=ext0',
      'listening_ip=lo',
      `http_port=${httpPort}`,
      'enable_natpmp=no',
      'enable_upnp=yes',
      'secure_mode=yes',
      'system_uptime=no',
      `lease_file=${join(directory, 'upnp.leases')}`,
      'uuid=3c5e7a90-1b2d-4e6f-8a9b-0c1d2e3f4a5b',
      'friendly_name=Kestrix Home Gateway',
      'manufacturer_name=Kestrix Networks',
      'model_name=KX-R300',
      'model_number=1.04B05',
      'serial=KX3000012345',
      'allow 1024-65535 127.0.0.0/8 1024-65535',
      'deny 0-65535 0.0.0.0/0 0-65535',
      '',
    ].join('\n'),
  );
  daemon = await startUdpDaemon({
    name: 'miniupnpd',
    command: miniupnpd,
    args: ['-f', config, '-d', '-P', join(directory, 'miniupnpd.pid')],
    port: 1900,
    namespace,
  });
});

after(async () => {
  await daemon?.stop();
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('miniupnpd: SERVER, LOCATION and the description read from it; reflection figures as tcpdump saw them', async (t) => {
  const capture = await startUdpCapture({ file: join(directory!, 'ssdp.pcap'), filter: 'udp port 1900', namespace });
  const { stdout } = await promisify(execFile)(
    'ip',
    [
      'netns',
      'exec',
      namespace!.name,
      process.execPath,
      '--disable-warning=ExperimentalWarning',
      join(root, 'test/support/namespace-grab.ts'),
      'ssdp',
      '127.0.0.1',
      '1900',
    ],
    { timeout: 30_000, cwd: root, env: { ...process.env, PATH: systemPath } },
  );
  // miniupnpd's own NOTIFY announcements go to the multicast group: only the exchange with 127.0.0.1 counts.
  const seen = trafficOf(await capture.stop(), 1900, '127.0.0.1');
  const outcome = JSON.parse(stdout) as GrabOutcome<SsdpResult>;
  assert.equal(outcome.status, 'success', `${outcome.error}\n${daemon?.output()}`);
  const { result } = outcome;
  assert.match(String(result.server), /MiniUPnPd\/2\.\d/);
  assert.match(String(result.location), new RegExp(`^http://127\\.0\\.0\\.1:${httpPort}/rootDesc\\.xml$`));
  assert.equal(result.description, 'read');
  assert.equal(result.manufacturer, 'Kestrix Networks');
  assert.equal(result.modelName, 'KX-R300');
  assert.equal(result.modelNumber, '1.04B05');
  assert.equal(result.friendlyName, 'Kestrix Home Gateway');
  assert.ok(result.searchTargets?.includes('upnp:rootdevice'), String(result.searchTargets));
  assert.ok(result.usns?.some((usn) => usn.startsWith('uuid:3c5e7a90-1b2d-4e6f-8a9b-0c1d2e3f4a5b')));
  assert.doesNotMatch(stdout, /KX30000/, 'the serial number is not kept');
  const reflection = result.reflection;
  assert.ok(reflection);
  t.diagnostic(
    `${reflection.request}: ${reflection.requestBytes} → ${reflection.replyBytes} bytes in ${reflection.replyPackets} datagrams; the wire: ${seen.requestBytes} → ${seen.replyBytes}`,
  );
  assert.equal(seen.requestPackets, 1, 'one M-SEARCH');
  assert.ok(reflection.replyPackets > 1, 'ssdp:all draws one answer per device and service type');
  assert.equal(reflection.replyPackets, seen.replyPackets);
  assert.ok(
    Math.abs(reflection.requestBytes - seen.requestBytes) <= seen.requestBytes * 0.1,
    `request ${reflection.requestBytes} vs wire ${seen.requestBytes}`,
  );
  assert.ok(Math.abs(reflection.replyBytes - seen.replyBytes) <= seen.replyBytes * 0.1, `replies ${reflection.replyBytes} vs wire ${seen.replyBytes}`);
});
