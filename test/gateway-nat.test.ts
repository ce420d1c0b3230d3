// The secure gateway behind NAT, on one network namespace that plays the home router: a LAN
// interface, a WAN interface with the router's public address, the router's own port forwards
// as a home router holds them (a native nftables dnat table, as OpenWrt's fw4 writes, and an
// iptables DNAT rule in miniupnpd's chain, as UPnP opens it on Debian), and `opennotice serve`
// on the namespace's loopback. The survey found three findings at the router's public address:
// two behind forwards, one on a port nothing forwards (the router's own service). The gateway,
// told its WAN address, must quarantine the two devices the forwards lead to — not the router —
// say which forward explained each finding, name the router's own one, and its notice page
// must explain the device's finding to the device.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CliProcess, startCli } from './support/cli-process.ts';
import { addGatewayFinding, prepareGatewayStore } from './support/gateway-store.ts';
import { createNetworkNamespace, type NetworkNamespace } from './support/network-namespace.ts';

const address = {
  gatewayLan: '198.18.166.1',
  camera: '198.18.166.2',
  dvr: '198.18.166.3',
  wan: '198.19.166.1',
  neighbour: '198.19.166.7',
  cnc: '198.19.166.66',
};
const probeFile = fileURLToPath(new URL('./support/gateway-probe.ts', import.meta.url));

test('behind NAT: findings at the WAN address quarantine the devices the port forwards lead to (nftables and iptables forwards), never the router; its own service is named; the page explains the device', {
  timeout: 90_000,
}, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-gateway-nat-'));
  let router: NetworkNamespace | undefined;
  const processes: CliProcess[] = [];
  try {
    const storeFile = join(directory, 'store.sqlite');
    const tokenFile = join(directory, 'gateway.token');
    // The camera's RTSP (554) and the DVR's telnet (2323 outside, 23 inside) are forwarded; 8081 is the router's own web admin.
    writeFileSync(tokenFile, `${await prepareGatewayStore(storeFile, { device: address.wan, neighbour: address.neighbour, cnc: address.cnc })}\n`, {
      mode: 0o600,
    });
    await addGatewayFinding(storeFile, { ip: address.wan, port: 2323, protocol: 'telnet' });
    await addGatewayFinding(storeFile, { ip: address.wan, port: 8081, protocol: 'http' });

    router = await createNetworkNamespace('on-gwnat-router');
    for (const [name, cidr] of [
      ['lan0', `${address.gatewayLan}/24`],
      ['wan0', `${address.wan}/24`],
    ] as const) {
      // A veth pair with both ends in the namespace, the far end without an address: an interface
      // that is up and running (what the gateway reads its LAN addresses from) with nothing behind it.
      await router.exec('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}-far`]);
      await router.exec('ip', ['addr', 'add', cidr, 'dev', name]);
      await router.exec('ip', ['link', 'set', `${name}-far`, 'up']);
      await router.exec('ip', ['link', 'set', name, 'up']);
    }
    // The camera's address on the router too, so the notice page can be asked from it.
    await router.exec('ip', ['addr', 'add', `${address.camera}/32`, 'dev', 'lan0']);
    const forwardsFile = join(directory, 'home-nat.nft');
    writeFileSync(
      forwardsFile,
      `table ip home_nat {\n  chain prerouting {\n    type nat hook prerouting priority dstnat;\n    iifname "wan0" tcp dport 554 dnat to ${address.camera}\n  }\n}\n`,
    );
    await router.exec('nft', ['-f', forwardsFile]);
    await router.exec('iptables-nft', ['-t', 'nat', '-N', 'MINIUPNPD']);
    await router.exec('iptables-nft', ['-t', 'nat', '-A', 'PREROUTING', '-j', 'MINIUPNPD']);
    await router.exec('iptables-nft', [
      '-t',
      'nat',
      '-A',
      'MINIUPNPD',
      '-d',
      `${address.wan}/32`,
      '-p',
      'tcp',
      '-m',
      'tcp',
      '--dport',
      '2323',
      '-j',
      'DNAT',
      '--to-destination',
      `${address.dvr}:23`,
    ]);

    const serve = startCli(['serve', '--db', storeFile, '--host', '127.0.0.1', '--port', '8080'], { netns: router.name });
    processes.push(serve);
    await serve.waitForLine('stdout', (line) => line.includes('web server on'), 30_000);

    const gateway = startCli(
      [
        'gateway',
        ...['--server', 'http://127.0.0.1:8080', '--token-file', tokenFile, '--lan-interface', 'lan0', '--name', 'home-router'],
        ...['--wan-address', address.wan, '--walled-garden-listen', `${address.gatewayLan}:8088`, '--interval', '600'],
      ],
      { netns: router.name },
    );
    processes.push(gateway);
    const applied = await gateway.waitForLine('stderr', (line) => line.includes('applied:'), 30_000);
    assert.match(applied, new RegExp(`2 quarantined devices \\(${address.camera}, ${address.dvr}\\)`), 'the devices behind the forwards, not the router');
    const log = gateway.stderrLines.join('\n');
    assert.match(log, new RegExp(`at ${address.wan} tcp/554 is device ${address.camera} \\(nft ip home_nat prerouting #\\d+\\)`));
    assert.match(log, new RegExp(`at ${address.wan} tcp/2323 is device ${address.dvr} \\(iptables nat MINIUPNPD\\)`));
    assert.match(log, new RegExp(`at ${address.wan} tcp/8081 leads to no device \\(no port forward\\): the router itself answers there`));
    assert.ok(!log.includes(address.neighbour), "the neighbour's finding is another ISP's");

    const table = await router.exec('nft', ['list', 'table', 'inet', 'opennotice_gw']);
    assert.ok(table.includes(address.camera) && table.includes(address.dvr), 'both devices are in the quarantine rules');
    assert.ok(!table.includes(`quarantine ${address.wan}`), 'the router itself is not quarantined');

    // The notice page, asked from the camera's address: the camera's finding, its RTSP port.
    const page = await router.exec(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', probeFile, 'http', `http://${address.gatewayLan}:8088/`, address.camera],
      8000,
    );
    assert.match(page, /^status 200\n/);
    assert.match(page, /Internet access of this device is restricted/);
    assert.match(page, /Acme Cam-1|Weak credentials/, "the camera's own finding, moved from the WAN address");
    assert.equal(await gateway.stop('SIGTERM'), 0);
  } finally {
    for (const child of processes) await child.stop('SIGKILL').catch(() => undefined);
    await router?.remove().catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  }
});
