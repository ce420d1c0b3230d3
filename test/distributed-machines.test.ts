// A distributed survey across "machines": the lab in one network namespace, three workers in
// three others, each with its own source address on a veth, PostgreSQL (the central store and
// pg-boss's queue) in the test's own namespace, reached by the workers at the bridge address the
// set-up made (test/support/test-network.ts). What must hold: the distributed run finds exactly
// what one process finds on the same lab; killing one worker mid-shard changes nothing; and a
// capture on each worker's interface shows it dialed only addresses of the shards it took.
// Needs root (namespaces, tcpdump). Every wait is bounded.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLabProcess, type LabProcess } from '../src/lab/lab-child-process.ts';
import { shardAddressList } from '../src/scope/address-shards.ts';
import { AddressSet } from '../src/scope/cidr.ts';
import { ipv4AddressList } from '../src/scope/targets.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { systemPath } from './support/network-namespace.ts';
import { type PostgresServer, startPostgres } from './support/postgres-server.ts';
import { createTestNetwork, type TestHost, type TestNetwork } from './support/test-network.ts';

const run = promisify(execFile);
const cidr = '127.143.0.0/24';
const subnet = 143;
const seed = 17;
const shardCount = 6;
const ports = [21, 22, 23, 80, 554, 1883, 2323, 8080];
const cliEntry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const node = process.execPath;
/** The survey's options, the same for the one-process reference and the distributed run. */
const surveyOptions = [
  '--target',
  cidr,
  '--seed',
  String(seed),
  '--ports',
  ports.join(','),
  '--udp-ports',
  '',
  '--check',
  'credentials',
  '--per-host',
  '2',
  '--connect-timeout',
  '1000',
  '--io-timeout',
  '2000',
  '--deadline',
  '8000',
  '--max-attempts-per-service',
  '40',
  '--max-attempts-per-host',
  '100',
];
const runBoundMs = 180_000;

let network: TestNetwork;
let postgres: PostgresServer;
let lab: LabProcess;
let directory: string;

/** A URL of the test's server as the workers reach it: through the bridge, not loopback. */
const fromHosts = (url: string) => url.replace('@127.0.0.1:', `@${network.gatewayAddress}:`);

interface HostProcess {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

function startIn(host: TestHost, args: readonly string[]): HostProcess {
  const child = host.spawn(node, ['--disable-warning=ExperimentalWarning', cliEntry, ...args]);
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, stdout: () => stdout, exited };
}

async function finished(process: HostProcess, timeoutMs: number): Promise<number | null> {
  const timer = setTimeout(() => process.child.kill('SIGKILL'), timeoutMs);
  try {
    return await process.exited;
  } finally {
    clearTimeout(timer);
  }
}

async function waitForOutput(process: HostProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pattern.test(process.output())) {
    if (process.child.exitCode !== null) throw new Error(`exited before ${pattern}: ${process.output()}`);
    if (performance.now() > deadline) throw new Error(`no ${pattern} in ${timeoutMs} ms: ${process.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What two surveys of the same lab must agree on: each finding, and each device's identity. */
async function resultsOf(url: string): Promise<{ findings: string[]; devices: string[] }> {
  const store: Store = await openStore(url);
  try {
    const findings = (await store.listFindings({})).map((row) => `${row.kind} ${row.ip}:${row.port}/${row.protocol}`).sort();
    const devices = (await store.listDevices()).map((row) => `${row.ip} ${row.vendor ?? '?'} ${row.model ?? '?'}`).sort();
    return { findings, devices };
  } finally {
    await store.close();
  }
}

/** The addresses of one shard, as the coordinator cuts the run's permutation. */
function shardAddresses(index: number): Set<string> {
  const list = shardAddressList(ipv4AddressList(AddressSet.fromCidrs([cidr])), seed, { index, count: shardCount });
  return new Set(Array.from({ length: list.size }, (_, position) => list.addressAt(position)));
}

/** The lab addresses a capture saw connections opened to (TCP SYN without ACK), and the sources they left from. */
/** Resolves once tcpdump has attached to its interface (its "listening on" line), else fails naming what it said. */
function tcpdumpListening(tcpdump: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not attach within ${timeoutMs} ms: ${said}`)), timeoutMs);
    tcpdump.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (said.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    tcpdump.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (${code}) before attaching: ${said}`));
    });
  });
}

/** SIGINT, then the exit (SIGKILL after 5 s): its capture file is complete. */
async function stopTcpdump(tcpdump: ChildProcess): Promise<void> {
  if (tcpdump.exitCode !== null || tcpdump.signalCode !== null) return;
  const exited = new Promise((resolve) => tcpdump.once('exit', resolve));
  tcpdump.kill('SIGINT');
  const killer = setTimeout(() => tcpdump.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

async function dialedIn(capture: string): Promise<{ dialed: Set<string>; sources: Set<string> }> {
  const { stdout } = await run('tcpdump', ['-nn', '-r', capture], { env: { ...process.env, PATH: systemPath }, maxBuffer: 64 * 1024 * 1024 });
  const dialed = new Set<string>();
  const sources = new Set<string>();
  for (const line of stdout.split('\n')) {
    const match = /IP (\d+\.\d+\.\d+\.\d+)\.\d+ > (127\.143\.\d+\.\d+)\.\d+: Flags \[S\]/.exec(line);
    if (!match) continue;
    sources.add(match[1]!);
    dialed.add(match[2]!);
  }
  return { dialed, sources };
}

before(
  async () => {
    directory = mkdtempSync(join(tmpdir(), 'opennotice-machines-'));
    network = await createTestNetwork({ name: 'dist', subnet, hosts: ['lab', 'ref', 'w1', 'w2', 'w3'], lab: { host: 'lab', cidr } });
    postgres = await startPostgres({ alsoListen: { address: network.gatewayAddress, trustedNetwork: `198.18.${subnet}.0/24` } });
    lab = await startLabProcess({ cidr, seed: 7, devices: 40, hostile: false, timeoutMs: 60_000, namespace: network.host('lab').namespace });
  },
  { timeout: 120_000 },
);

after(async () => {
  await lab?.stop();
  await postgres?.stop();
  await network?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('three workers on three machines find what one process finds; one killed mid-shard changes nothing; each dialed only its shards', {
  timeout: 400_000,
}, async () => {
  // The reference: one process on a machine of its own, into a store of its own.
  const referenceDb = await postgres.createDatabase();
  const reference = startIn(network.host('ref'), ['survey', '--db', fromHosts(referenceDb), ...surveyOptions]);
  assert.equal(await finished(reference, runBoundMs), 0, reference.output());
  const expected = await resultsOf(referenceDb);
  assert.ok(expected.findings.length >= 5, `the lab has weak devices to find (${expected.findings.length})`);

  // The distributed run: the coordinator here, the workers on their machines.
  const db = await postgres.createDatabase();
  const started = startIn(network.host('ref'), [
    'survey',
    '--distributed',
    '--detach',
    '--db',
    fromHosts(db),
    '--shards',
    String(shardCount),
    '--lease',
    '10',
    ...surveyOptions,
  ]);
  assert.equal(await finished(started, 60_000), 0, started.output());
  const runId = Number(/^\d+$/m.exec(started.output())?.[0]);
  assert.ok(runId > 0, `the run id is printed: ${started.output()}`);

  const captures = new Map<string, { file: string; tcpdump: ChildProcess }>();
  const workers = new Map<string, HostProcess>();
  try {
    for (const name of ['w1', 'w2', 'w3']) {
      const host = network.host(name);
      const file = join(directory, `${name}.pcap`);
      // -U: each packet is written as it comes, so stopping the capture loses none.
      const tcpdump = host.spawn('tcpdump', ['-i', host.interfaceName, '-U', '-w', file, 'tcp and dst net 127.143.0.0/24']);
      captures.set(name, { file, tcpdump });
    }
    // Each tcpdump says "listening on" once attached: a fixed pause was too short on a loaded machine.
    await Promise.all([...captures.values()].map(({ tcpdump }) => tcpdumpListening(tcpdump, 20_000)));
    // w2 is slow, so it is surely mid-shard when it is killed.
    for (const name of ['w1', 'w2', 'w3']) {
      const host = network.host(name);
      const rate = name === 'w2' ? ['--rate', '20'] : [];
      workers.set(name, startIn(host, ['worker', '--db', fromHosts(db), '--source-address', host.address, '--quiet', ...rate]));
    }
    const doomed = workers.get('w2')!;
    await waitForOutput(doomed, /shard \d\/\d: taken/, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const watch = startIn(network.host('ref'), ['survey', '--distributed', '--watch', String(runId), '--db', fromHosts(db), '--json']);
    assert.equal(await finished(watch, runBoundMs), 0, watch.output());
    const result = JSON.parse(watch.stdout()) as {
      status: string;
      progress: { shards: { done: number }; retries: number };
    };
    assert.equal(result.status, 'completed');
    assert.equal(result.progress.shards.done, shardCount);
    assert.ok(result.progress.retries >= 1, "the killed worker's shard was taken again after its lease");

    assert.deepEqual(await resultsOf(db), expected, 'the distributed run found exactly what one process found');
  } finally {
    for (const worker of workers.values()) worker.child.kill('SIGTERM');
    await Promise.all([...workers.values()].map((worker) => finished(worker, 30_000)));
    // -U wrote each packet as it came; wait for each tcpdump to close its file.
    await Promise.all([...captures.values()].map(({ tcpdump }) => stopTcpdump(tcpdump)));
  }

  // Each worker dialed only addresses of the shards it took; together they dialed them all.
  const everyAddress = new Set<string>();
  for (const [name, worker] of workers) {
    const taken = [...worker.output().matchAll(/shard (\d+)\/\d+: taken/g)].map((match) => Number(match[1]) - 1);
    const allowed = new Set(taken.flatMap((index) => [...shardAddresses(index)]));
    const { dialed, sources } = await dialedIn(captures.get(name)!.file);
    assert.deepEqual([...sources], dialed.size > 0 ? [network.host(name).address] : [], `${name}'s connections left from its own address`);
    const strays = [...dialed].filter((ip) => !allowed.has(ip));
    assert.deepEqual(strays, [], `${name} (shards ${taken.map((index) => index + 1).join(', ')}) dialed only its shards' addresses`);
    assert.ok(dialed.size > 0 || taken.length === 0, `${name}'s capture saw its connections`);
    for (const ip of dialed) everyAddress.add(ip);
  }
  assert.equal(everyAddress.size, 256, 'every address of the range was dialed by some worker');
  process.stdout.write(`distributed over machines: ${expected.findings.length} findings, ${everyAddress.size} addresses dialed\n`);
});
