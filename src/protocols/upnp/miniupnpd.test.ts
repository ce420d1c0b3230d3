// The UPnP grabber against a real miniupnpd (Debian's package, installed by npm test). miniupnpd
// wants an external interface, so it runs in a network namespace this test creates: a veth pair
// for ext0, the namespace's own loopback for its HTTP server and SSDP. The grab runs in the same
// namespace (test/support/namespace-grab.ts) with the real dialer limited to loopback; nothing
// leaves the namespace, and the namespace is removed at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createNetworkNamespace, stopProcess, type NetworkNamespace } from '../../../test/support/network-namespace.ts';
import { createIdentifier } from '../../identify/engine.ts';
import { loadRuleFiles } from '../../identify/rule-loader.ts';
import type { GrabOutcome } from '../grab.ts';
import type { UpnpResult } from './grabber.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const miniupnpd = ['/usr/sbin/miniupnpd', '/usr/local/sbin/miniupnpd'].find((path) => existsSync(path));
const port = 5000;
const startTimeoutMs = 8000;

let namespace: NetworkNamespace | undefined;
let daemon: ChildProcess | undefined;
let directory: string | undefined;
let log = '';

before(async () => {
  assert.ok(miniupnpd, 'miniupnpd is not installed (npm test installs the Debian package miniupnpd)');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-miniupnpd-'));
  namespace = await createNetworkNamespace(`onsmall-upnp-${process.pid}`);
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
      `http_port=${port}`,
      'enable_natpmp=no',
      'enable_upnp=yes',
      'secure_mode=yes',
      'system_uptime=no',
      `lease_file=${join(directory, 'upnp.leases')}`,
      'uuid=8a2b0f3c-4d5e-4f60-8a71-92b3c4d5e6f7',
      'friendly_name=Kestrix Home Gateway',
      'manufacturer_name=Kestrix Networks',
      'manufacturer_url=http://www.kestrix.example/',
      'model_name=KX-R300',
      'model_number=1.04B05',
      'model_description=Kestrix KX-R300 router',
      'serial=KX3000012345',
      'allow 1024-65535 127.0.0.0/8 1024-65535',
      'deny 0-65535 0.0.0.0/0 0-65535',
      '',
    ].join('\n'),
  );
  daemon = namespace.spawn(miniupnpd, ['-f', config, '-d', '-P', join(directory, 'miniupnpd.pid')]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`miniupnpd did not start within ${startTimeoutMs} ms:\n${log}`)), startTimeoutMs);
    const onOutput = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (/HTTP listening on port/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    daemon!.stdout!.on('data', onOutput);
    daemon!.stderr!.on('data', onOutput);
    daemon!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`miniupnpd exited (${code}) before listening:\n${log}`));
    });
  });
});

after(async () => {
  if (daemon) await stopProcess(daemon);
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('miniupnpd: the grab reads manufacturer, model and number as its config sets them, and never the serial', async () => {
  const { stdout } = await promisify(execFile)(
    'ip',
    [
      'netns',
      'exec',
      namespace!.name,
      process.execPath,
      '--disable-warning=ExperimentalWarning',
      join(root, 'test/support/namespace-grab.ts'),
      'upnp',
      '127.0.0.1',
      String(port),
    ],
    { timeout: 30_000, cwd: root, env: { ...process.env, PATH: `/usr/sbin:/sbin:${process.env.PATH ?? ''}` } },
  );
  const outcome = JSON.parse(stdout) as GrabOutcome<UpnpResult>;
  assert.equal(outcome.status, 'success', `${outcome.error}\n${log}`);
  const { result } = outcome;
  assert.equal(result.descriptionPath, '/rootDesc.xml');
  assert.equal(result.manufacturer, 'Kestrix Networks');
  assert.equal(result.manufacturerURL, 'http://www.kestrix.example/');
  assert.equal(result.modelName, 'KX-R300');
  assert.equal(result.modelNumber, '1.04B05');
  assert.equal(result.modelDescription, 'Kestrix KX-R300 router');
  assert.equal(result.friendlyName, 'Kestrix Home Gateway');
  assert.equal(result.UDN, 'uuid:8a2b0f3c-4d5e-4f60-8a71-92b3c4d5e6f7');
  assert.match(String(result.deviceType), /^urn:schemas-upnp-org:device:InternetGatewayDevice:[12]$/);
  assert.match(String(result.server), /MiniUPnPd\/2\.\d/);
  assert.ok(result.services?.some((service) => service.startsWith('urn:schemas-upnp-org:service:Layer3Forwarding')));
  assert.match(String(result.embedded?.deviceType), /WANDevice/);
  assert.doesNotMatch(stdout, /KX30000/, 'the serial number is not kept');
  // The daemon is named with its release and CPE by the shipped rules, from what the grab kept.
  // "miniupnpd<TAB>2.3.1-1": the upstream release is the version between the epoch and the Debian revision.
  const packaged = execFileSync('dpkg-query', ['-W', 'miniupnpd'], { encoding: 'utf8' }).trim().split('\t')[1] ?? '';
  const installed = packaged.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
  const identity = createIdentifier(loadRuleFiles()).identify('127.0.0.1', [
    { ip: '127.0.0.1', port, protocol: 'upnp', status: 'success', result, durationMs: 1, observedAt: '' },
  ]);
  const miniupnpd = identity?.components?.find((component) => component.product === 'MiniUPnPd');
  assert.equal(miniupnpd?.version, installed, `Debian's miniupnpd ${installed} (Server: ${result.server})`);
  assert.equal(miniupnpd?.cpe, `cpe:2.3:a:miniupnp_project:miniupnpd:${installed}:*:*:*:*:*:*:*`);
});
