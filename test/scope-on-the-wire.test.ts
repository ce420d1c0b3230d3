// R1 on the wire: a survey (TCP, TLS, UDP; IPv4 and IPv6) of devices that redirect and hand out
// URLs pointing at excluded and out-of-scope addresses, with an approved opt-out, all inside a
// network namespace whose only interface is its loopback — and tcpdump on that interface. Every
// packet the scanner sent or received is in the capture: none may carry a forbidden address.
// A listener waits at every forbidden address, so a scanner that followed would have been
// answered, not silently dropped.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ServiceRow } from '../src/store/row-types.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { createNetworkNamespace, systemPath, type NetworkNamespace } from './support/network-namespace.ts';
import { wireDevices, wireTraps, type OnTheWireConfig } from './support/on-the-wire-devices.ts';

const runner = fileURLToPath(new URL('./support/on-the-wire-run.ts', import.meta.url));
const runTimeoutMs = 180_000;
const sources = ['192.0.2.1', '2001:db8:7::1'];
const optedOut = '192.0.2.50';
const emptyAddress = '192.0.2.20';

interface RunResult {
  summary: SurveySummary;
  services: ServiceRow[];
  reached: Record<string, number>;
}

interface Packet {
  source: string;
  destination: string;
}

let namespace: NetworkNamespace;
let directory: string;
let result: RunResult;
let packets: Packet[];

/** Every IP packet of a pcap file (Ethernet, Linux cooked v1/v2 or raw link types): its addresses. */
function readPackets(file: string): Packet[] {
  const bytes = readFileSync(file);
  const magic = bytes.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && bytes.readUInt32BE(0) !== 0xa1b2c3d4 && bytes.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${file} is not a pcap file`);
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const linkType = u32(20);
  const found: Packet[] = [];
  for (let at = 24; at + 16 <= bytes.length; ) {
    const captured = u32(at + 8);
    const frame = bytes.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
    let offset: number;
    let etherType: number;
    if (linkType === 1) [offset, etherType] = [14, frame.readUInt16BE(12)];
    else if (linkType === 113) [offset, etherType] = [16, frame.readUInt16BE(14)];
    else if (linkType === 276) [offset, etherType] = [20, frame.readUInt16BE(0)];
    else if (linkType === 101) [offset, etherType] = [0, frame[0]! >> 4 === 6 ? 0x86dd : 0x0800];
    else throw new Error(`link type ${linkType} not read by this test`);
    const ip = frame.subarray(offset);
    if (etherType === 0x0800 && ip.length >= 20) found.push({ source: [...ip.subarray(12, 16)].join('.'), destination: [...ip.subarray(16, 20)].join('.') });
    else if (etherType === 0x86dd && ip.length >= 40) found.push({ source: ipv6Text(ip.subarray(8, 24)), destination: ipv6Text(ip.subarray(24, 40)) });
  }
  return found;
}

function ipv6Text(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, index) => ((bytes[2 * index]! << 8) | bytes[2 * index + 1]!).toString(16));
  // Compress the longest run of zero groups (only what this test's addresses need).
  const text = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  return text.replace(/^0::/, '::');
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/listening on/.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (${code}) before listening: ${seen}`));
    });
  });
}

before(
  async () => {
    directory = mkdtempSync(join(tmpdir(), 'opennotice-wire-'));
    namespace = await createNetworkNamespace(`on-r1-${process.pid}`);
    await namespace.exec('ip', ['addr', 'add', '192.0.2.1/32', 'dev', 'lo']);
    await namespace.exec('ip', ['-6', 'addr', 'add', '2001:db8:7::1/128', 'dev', 'lo', 'nodad']);
    for (const prefix of ['192.0.2.0/24', '198.51.100.0/24']) await namespace.exec('ip', ['route', 'add', 'local', prefix, 'dev', 'lo']);
    for (const prefix of ['2001:db8:7::/64', '2001:db8:8::/64']) await namespace.exec('ip', ['-6', 'route', 'add', 'local', prefix, 'dev', 'lo']);
    await namespace.exec('sysctl', ['-qw', 'net.ipv4.ip_nonlocal_bind=1']);
    await namespace.exec('sysctl', ['-qw', 'net.ipv6.ip_nonlocal_bind=1']);

    const day = 24 * 3600 * 1000;
    const plan = join(directory, 'plan.yaml');
    writeFileSync(
      plan,
      [
        'operator: { name: Wire Test, organisation: opennotice tests, contact: ops@example.net, transparencyUrl: "https://example.net/survey" }',
        'authorization: test namespace only',
        `validFrom: "${new Date(Date.now() - day).toISOString().slice(0, 10)}"`,
        `validUntil: "${new Date(Date.now() + day).toISOString().slice(0, 10)}"`,
        `sourceAddresses: ${JSON.stringify(sources)}`,
        'ranges: ["192.0.2.0/25", "2001:db8:7::/64"]',
        'exclude: ["192.0.2.64/26"]',
        'udpPorts: [1900]',
        'checks: [discovery, identify, credentials]',
        'credentialList: default',
        'rates: { connectionsPerSecond: 2000, maxConcurrent: 200, perHostConcurrent: 2, perHostAttempts: 100 }',
        '',
      ].join('\n'),
    );
    // The hit list names the devices, an empty address, and every forbidden address outright.
    const hitList = join(directory, 'hits.txt');
    const addresses = [...new Set([...wireDevices.map((device) => device.ip), ...wireTraps.map((trap) => trap.ip), emptyAddress])];
    writeFileSync(hitList, `${addresses.join('\n')}\n`);
    const config: OnTheWireConfig = {
      plan,
      hitList,
      store: join(directory, 'survey.sqlite'),
      exclude: ['2001:db8:7::99/128'],
      optOut: `${optedOut}/32`,
      // The namespace's documentation ranges, for this survey only; 198.51.100.0/24 and 2001:db8:8::/64 stay blocklisted.
      allowReserved: ['192.0.2.0/24', '2001:db8:7::/64'],
    };
    const configFile = join(directory, 'config.json');
    const resultFile = join(directory, 'result.json');
    const captureFile = join(directory, 'wire.pcap');
    writeFileSync(configFile, JSON.stringify(config));

    const tcpdump = spawn('ip', ['netns', 'exec', namespace.name, 'tcpdump', '-i', 'lo', '-n', '-U', '-s', '128', '-w', captureFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PATH: systemPath },
    });
    try {
      await waitForListening(tcpdump, 20_000);
      await new Promise<void>((resolve, reject) => {
        execFile(
          'ip',
          ['netns', 'exec', namespace.name, process.execPath, '--disable-warning=ExperimentalWarning', runner, configFile, resultFile],
          { timeout: runTimeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PATH: systemPath } },
          (error, _stdout, stderr) => (error ? reject(new Error(`the survey run failed: ${error.message}\n${stderr.slice(-4000)}`)) : resolve()),
        );
      });
    } finally {
      const exited = new Promise<void>((resolve) => (tcpdump.exitCode !== null ? resolve() : tcpdump.once('exit', () => resolve())));
      tcpdump.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      tcpdump.kill('SIGKILL');
    }
    result = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
    packets = readPackets(captureFile);
  },
  { timeout: runTimeoutMs + 60_000 },
);

after(async () => {
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('not one captured packet carries an excluded, opted-out or out-of-scope address', () => {
  const forbidden = new Set([...wireTraps.map((trap) => trap.ip), optedOut]);
  const offending = packets.filter((packet) => forbidden.has(packet.source) || forbidden.has(packet.destination));
  console.log(`on the wire: ${packets.length} packets checked, ${offending.length} to or from ${forbidden.size} forbidden addresses`);
  assert.deepEqual(offending.slice(0, 5), []);
  assert.deepEqual(result.reached[`${optedOut}:80`], undefined, 'the opted-out device was never reached');
  for (const trap of wireTraps) assert.equal(result.reached[`${trap.ip}:${trap.port}`], undefined, `${trap.ip}:${trap.port} was never reached`);
});

test('the capture is a real witness: the survey is in it, from the published sources, to every device', () => {
  assert.equal(result.summary.status, 'completed');
  assert.ok(packets.length > 100, `${packets.length} packets`);
  const scannerPackets = packets.filter((packet) => sources.includes(packet.source));
  for (const device of wireDevices.filter((candidate) => candidate.ip !== optedOut)) {
    assert.ok(
      scannerPackets.some((packet) => packet.destination === device.ip),
      `packets to ${device.ip}`,
    );
    assert.ok((result.reached[`${device.ip}:${device.port}`] ?? 0) > 0, `${device.ip}:${device.port} answered the survey`);
  }
  // Nothing left from an address the plan does not publish.
  const fromOthers = packets.filter(
    (packet) => !sources.includes(packet.source) && !wireDevices.some((device) => device.ip === packet.source) && packet.source !== emptyAddress,
  );
  assert.deepEqual(fromOthers.slice(0, 5), []);
});

test('the devices did try: their redirects and LOCATIONs are recorded, not followed', () => {
  const serviceOf = (ip: string, port: number) => result.services.find((service) => service.ip === ip && service.port === port);
  for (const device of wireDevices.filter((candidate) => candidate.leadsTo !== undefined)) {
    const service = serviceOf(device.ip, device.port);
    assert.ok(service, `${device.ip}:${device.port} was stored`);
    const recorded = JSON.stringify(service.result);
    if (device.behaviour !== 'rtsp-302')
      assert.ok(recorded.includes(device.leadsTo!.replace(/\/$/, '')), `${device.ip} recorded ${device.leadsTo}: ${recorded}`);
  }
});
