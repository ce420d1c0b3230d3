// The secure gateway end to end, on three network namespaces: a device (on-gw-dev) behind the
// gateway (on-gw-gw: forwarding, nftables, `opennotice gateway` as a child process) in front
// of an "internet" (on-gw-net: `opennotice serve` on a real store, a C&C endpoint, a web site,
// a DNS server). Proves: the device cannot reach the C&C endpoint (and the drop is counted),
// the quarantined device's web traffic gets the walled-garden page — in real chromium, run
// inside the device's namespace, in Japanese and English — while DNS still works and other
// traffic is dropped; with the server away it keeps the last good policy; after the finding
// is closed on the server the next round releases the device; every window's report reaches
// the server (the outage's late); restarted while the server is away, it enforces the saved policy. Namespaces are removed whatever happens.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { openStore } from '../src/store/open-store.ts';
import { type CliProcess, startCli } from './support/cli-process.ts';
import { siteBody } from './support/gateway-internet.ts';
import { closeGatewayFinding, gatewayTestCncPort, prepareGatewayStore } from './support/gateway-store.ts';
import { createNetworkNamespace, type NetworkNamespace, stopProcess, systemPath } from './support/network-namespace.ts';
import { chromiumPath } from './web/browser.ts';

const address = {
  device: '198.18.165.2',
  neighbour: '198.18.165.3',
  gatewayLan: '198.18.165.1',
  gatewayWan: '198.19.165.1',
  internet: '198.19.165.2',
  server: '198.19.165.10',
  cnc: '198.19.165.66',
  site: '198.19.165.80',
  dns: '198.19.165.53',
};
const cncPort = gatewayTestCncPort;
const supportFile = (name: string) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));

async function buildNetwork(namespaces: NetworkNamespace[]): Promise<{ device: NetworkNamespace; gateway: NetworkNamespace; internet: NetworkNamespace }> {
  const device = await createNetworkNamespace('on-gw-dev');
  namespaces.push(device);
  const gateway = await createNetworkNamespace('on-gw-gw');
  namespaces.push(gateway);
  const internet = await createNetworkNamespace('on-gw-net');
  namespaces.push(internet);
  await device.exec('ip', ['link', 'add', 'dev0', 'type', 'veth', 'peer', 'name', 'lan0', 'netns', gateway.name]);
  await internet.exec('ip', ['link', 'add', 'net0', 'type', 'veth', 'peer', 'name', 'wan0', 'netns', gateway.name]);
  await device.exec('ip', ['addr', 'add', `${address.device}/24`, 'dev', 'dev0']);
  await device.exec('ip', ['link', 'set', 'dev0', 'up']);
  await device.exec('ip', ['route', 'add', 'default', 'via', address.gatewayLan]);
  await gateway.exec('ip', ['addr', 'add', `${address.gatewayLan}/24`, 'dev', 'lan0']);
  await gateway.exec('ip', ['addr', 'add', `${address.gatewayWan}/24`, 'dev', 'wan0']);
  await gateway.exec('ip', ['link', 'set', 'lan0', 'up']);
  await gateway.exec('ip', ['link', 'set', 'wan0', 'up']);
  await gateway.exec('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  for (const ip of [address.internet, address.server, address.cnc, address.site, address.dns])
    await internet.exec('ip', ['addr', 'add', `${ip}/24`, 'dev', 'net0']);
  await internet.exec('ip', ['link', 'set', 'net0', 'up']);
  await internet.exec('ip', ['route', 'add', '198.18.165.0/24', 'via', address.gatewayWan]);
  return { device, gateway, internet };
}

/** A process's end, or a failure naming what did not happen within 30 s. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`waited 30 s for ${what}`)), 30_000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the device sees when it tries something (gateway-probe.ts in the device's namespace). */
const probe = (device: NetworkNamespace, ...args: string[]) =>
  device.exec(process.execPath, ['--disable-warning=ExperimentalWarning', supportFile('gateway-probe.ts'), ...args], 8000).then((out) => out.trim());

/** Chromium inside the device's namespace: playwright talks to it over pipes, which `ip netns exec` passes on. */
function chromiumInNamespace(directory: string, namespace: string): string {
  const wrapper = join(directory, 'chromium-in-namespace');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${namespace} ${chromiumPath} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

test('gateway: C&C dropped and counted, quarantine with the walled garden (real browser), DNS kept, last good policy kept while the server is away, release when the finding closes, reports on the server', {
  timeout: 120_000,
}, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-gateway-e2e-'));
  const namespaces: NetworkNamespace[] = [];
  const processes: CliProcess[] = [];
  let peers: ReturnType<NetworkNamespace['spawn']> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    const storeFile = join(directory, 'store.sqlite');
    const tokenFile = join(directory, 'gateway.token');
    writeFileSync(tokenFile, `${await prepareGatewayStore(storeFile, address)}\n`, { mode: 0o600 });
    const { device, gateway, internet } = await buildNetwork(namespaces);

    peers = internet.spawn(process.execPath, [
      '--disable-warning=ExperimentalWarning',
      supportFile('gateway-internet.ts'),
      address.cnc,
      String(cncPort),
      address.site,
      address.dns,
    ]);
    const peersReady = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the internet peers did not start in 15 s')), 15_000);
      peers!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      peers!.once('exit', (code) => reject(new Error(`the internet peers exited (${code})`)));
    });
    const startServer = () => {
      const server = startCli(['serve', '--db', storeFile, '--host', address.server, '--port', '8080', '--allow-remote'], { netns: internet.name });
      processes.push(server);
      return server;
    };
    const serve = startServer();
    await Promise.all([peersReady, serve.waitForLine('stdout', (line) => line.includes('web server on'), 30_000)]);
    assert.equal(
      await probe(device, 'tcp', address.cnc, String(cncPort)),
      'connected',
      'before the gateway: the C&C endpoint is reachable (the test network works)',
    );

    const stateFile = join(directory, 'gateway-policy.json');
    const gatewayArguments = [
      'gateway',
      '--server',
      `http://${address.server}:8080`,
      '--token-file',
      tokenFile,
      '--lan-interface',
      'lan0',
      '--allow-http',
      '--name',
      'e2e-gw',
      '--state-file',
      stateFile,
    ];
    const gatewayProcess = startCli([...gatewayArguments, '--interval', '600'], { netns: gateway.name });
    processes.push(gatewayProcess);
    const applied = await gatewayProcess.waitForLine('stderr', (line) => line.includes('applied:'), 30_000);
    assert.match(applied, /1 C&C indicators, 1 quarantined devices \(198\.18\.165\.2\)/, "only this ISP's device: the neighbour's finding is another ISP's");

    // The drop: no answer at all from the C&C endpoint (dropped, not refused).
    assert.equal(await probe(device, 'tcp', address.cnc, String(cncPort)), 'timeout');
    // Quarantine: DNS passes, port 80 is the walled garden, 443 is reset, anything else is dropped.
    assert.equal(await probe(device, 'dns', address.dns, 'update.vendor.example'), `answer ${address.site}`);
    const page = await probe(device, 'http', `http://${address.site}/`);
    assert.match(page, /^status 200\n/);
    assert.match(page, /Internet access of this device is restricted/);
    assert.ok(!page.includes(siteBody), 'the site itself is not reached');
    assert.equal(await probe(device, 'tcp', address.site, '443'), 'refused');
    assert.equal(await probe(device, 'tcp', address.site, '81'), 'timeout');

    // The page in a real browser, inside the device's namespace.
    browser = await chromium.launch({
      executablePath: chromiumInNamespace(directory, device.name),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-quic',
      ],
      timeout: 30_000,
      env: { ...process.env, PATH: systemPath },
    });
    for (const [locale, title, problem] of [
      ['ja-JP', 'この機器のインターネット接続は制限されています', '脆弱なID・パスワード'],
      ['en-US', 'Internet access of this device is restricted', 'Weak credentials'],
    ] as const) {
      const context = await browser.newContext({ locale });
      const tab = await context.newPage();
      const response = await tab.goto(`http://${address.site}/some/page`, { timeout: 15_000 });
      assert.equal(response?.status(), 200);
      assert.equal(await tab.locator('h1').textContent(), title);
      const text = (await tab.locator('body').textContent()) ?? '';
      assert.ok(text.includes(problem), `${locale}: names the problem`);
      assert.ok(text.includes('Acme Cam-1'), `${locale}: names the device`);
      assert.ok(text.includes('RTSP'), `${locale}: the camera's own steps`);
      await context.close();
    }

    // The server goes away: the round keeps the last good policy (the device stays quarantined,
    // the page still explains why) and keeps the window's report for later.
    const rounds = (text: string) => gatewayProcess.stderrLines.filter((line) => line.includes(text)).length;
    assert.equal(await within(serve.stop('SIGTERM'), 'the server to stop'), 0);
    gatewayProcess.signal('SIGHUP');
    await gatewayProcess.waitForLine('stderr', (line) => line.includes('applied:') && rounds('applied:') >= 2, 30_000);
    assert.equal(rounds('keeping the last good policy'), 1);
    assert.equal(rounds('1 kept for the next round'), 1);
    assert.match(await probe(device, 'http', `http://${address.site}/`), /Internet access of this device is restricted/);
    assert.equal(await probe(device, 'tcp', address.cnc, String(cncPort)), 'timeout');

    // The server is back and the ISP closes the finding (a re-check no longer sees it): the next round releases the device.
    const again = startServer();
    await again.waitForLine('stdout', (line) => line.includes('web server on'), 30_000);
    await closeGatewayFinding(storeFile, address.device);
    gatewayProcess.signal('SIGHUP');
    await gatewayProcess.waitForLine('stderr', (line) => line.includes('0 quarantined devices'), 30_000);
    const released = await probe(device, 'http', `http://${address.site}/`);
    assert.equal(released, `status 200\n${siteBody}`, 'released: the real site answers');
    assert.equal(await probe(device, 'tcp', address.site, '81'), 'connected');
    assert.equal(await probe(device, 'tcp', address.cnc, String(cncPort)), 'timeout', 'the C&C endpoint stays blocked');

    assert.equal(await within(gatewayProcess.stop('SIGTERM'), 'the gateway to report and stop'), 0);
    const store = await openStore(storeFile);
    try {
      const reports = (await store.listGatewayReports({ limit: 10 })).reverse();
      assert.equal(reports.length, 3, 'one report per window, the one of the outage sent late: quarantined, quarantined while the server was away, released');
      const [quarantineWindow, outageWindow, releasedWindow] = reports;
      assert.ok(quarantineWindow!.windowEnd <= outageWindow!.windowStart && outageWindow!.windowEnd <= releasedWindow!.windowStart, 'windows in order');
      assert.equal(quarantineWindow!.ispId, 'isp-e2e');
      assert.equal(quarantineWindow!.gateway, 'e2e-gw');
      const cncCount = quarantineWindow!.blocked.find((entry) => entry.indicator === `${address.cnc}/32 tcp port ${cncPort}`);
      assert.ok(cncCount && cncCount.packets > 0, `the C&C drops are counted: ${JSON.stringify(quarantineWindow!.blocked)}`);
      const quarantined = quarantineWindow!.quarantined.find((entry) => entry.ip === address.device);
      assert.ok(quarantined && quarantined.pagesServed >= 3 && quarantined.droppedPackets > 0, `pages and drops counted: ${JSON.stringify(quarantined)}`);
      assert.equal(outageWindow!.quarantined.find((entry) => entry.ip === address.device)?.pagesServed, 1, 'the page served during the outage');
      assert.ok((releasedWindow!.blocked.find((entry) => entry.indicator === `${address.cnc}/32 tcp port ${cncPort}`)?.packets ?? 0) > 0);
      assert.deepEqual(releasedWindow!.quarantined, []);
    } finally {
      await store.close();
    }

    // A restart while the server is away: the saved policy is enforced again.
    assert.equal(await within(again.stop('SIGTERM'), 'the server to stop'), 0);
    const restarted = startCli([...gatewayArguments, '--once'], { netns: gateway.name });
    processes.push(restarted);
    assert.equal(await within(restarted.exited, 'the restarted gateway to finish its round'), 0, restarted.stderrLines.join('\n'));
    assert.ok(restarted.stderrLines.some((line) => line.includes(`loaded from ${stateFile}`)));
    assert.ok(restarted.stderrLines.some((line) => line.includes('keeping the last good policy')));
    assert.ok(restarted.stderrLines.some((line) => line.includes('applied: 1 C&C indicators, 0 quarantined devices')));
    assert.equal(await probe(device, 'tcp', address.cnc, String(cncPort)), 'timeout');
  } finally {
    await browser?.close().catch(() => undefined);
    for (const child of processes) await child.stop('SIGKILL').catch(() => undefined);
    if (peers) await stopProcess(peers);
    for (const namespace of namespaces.reverse()) await namespace.remove().catch(() => undefined);
    rmSync(directory, { recursive: true, force: true });
  }
});
