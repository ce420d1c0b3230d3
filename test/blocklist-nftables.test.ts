// The nftables export loaded into a real table: two network namespaces the test creates
// (on-blocklist-c, the host that loads the list; on-blocklist-s, the far side with the
// addresses), joined by a veth pair. A TCP listener in the far namespace holds every address;
// from the near one, connections to listed addresses (and to a listed address's one listed
// port) get no answer while the others connect. Loading the next version replaces the set.
// The ipset restore file is loaded in the same namespace and its sets hold what was listed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockIndicator } from '../src/blocklist/indicator.ts';
import { canonicalIndicators } from '../src/blocklist/indicator-list.ts';
import { ipsetNames, writeIpsetRestore } from '../src/blocklist/ipset.ts';
import { writeNftablesScript } from '../src/blocklist/nftables.ts';
import { createNetworkNamespace, type NetworkNamespace, stopProcess } from './support/network-namespace.ts';

const approvedAt = '2026-12-01T10:00:00Z';
const listed = (values: readonly Omit<BlockIndicator, 'reason' | 'approvedAt'>[]) =>
  canonicalIndicators(
    values.map((value) => ({ ...value, reason: 'test C&C', approvedAt })),
    'nftables test',
  );

const farAddresses = ['198.51.100.7', '203.0.113.9', '192.0.2.10', '192.0.2.44', '2001:db8:66::7', '2001:db8:77::10'];
const ports = [8080, 4444];

let directory = '';
let near: NetworkNamespace | undefined;
let far: NetworkNamespace | undefined;
let listener: ChildProcess | undefined;

// The probe closes each connection at once: a reset on the listener's side is expected, not fatal.
const listenerScript = `
const net = require('node:net');
let open = 0;
for (const port of ${JSON.stringify(ports)}) net.createServer((socket) => { socket.on('error', () => {}); socket.end('hello\\n'); }).listen({ port, host: '::' }, () => { if (++open === ${ports.length}) console.log('listening'); });
`;

// Connects to every target at once; a dropped SYN shows as no connection within the bound.
const probeScript = `
const net = require('node:net');
const targets = JSON.parse(process.argv[1]);
Promise.all(targets.map(([host, port]) => new Promise((resolve) => {
  const socket = net.connect({ host, port });
  const done = (result) => { socket.destroy(); resolve(host + ' ' + port + ' ' + result); };
  socket.setTimeout(1500, () => done('no-answer'));
  socket.once('connect', () => done('connected'));
  socket.once('error', (error) => done(error.code));
}))).then((lines) => console.log(JSON.stringify(lines)));
`;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'on-blocklist-nft-'));
  near = await createNetworkNamespace('on-blocklist-c');
  far = await createNetworkNamespace('on-blocklist-s');
  await near.exec('ip', ['link', 'add', 'blk-near', 'type', 'veth', 'peer', 'name', 'blk-far', 'netns', far.name]);
  await near.exec('ip', ['addr', 'add', '10.162.0.1/24', 'dev', 'blk-near']);
  await near.exec('ip', ['-6', 'addr', 'add', '2001:db8:c::1/64', 'dev', 'blk-near', 'nodad']);
  await far.exec('ip', ['addr', 'add', '10.162.0.2/24', 'dev', 'blk-far']);
  await far.exec('ip', ['-6', 'addr', 'add', '2001:db8:c::2/64', 'dev', 'blk-far', 'nodad']);
  for (const address of farAddresses) await far.exec('ip', ['addr', 'add', address, 'dev', 'blk-far', ...(address.includes(':') ? ['nodad'] : [])]);
  for (const namespace of [near, far]) await namespace.exec('ip', ['link', 'set', namespace === near ? 'blk-near' : 'blk-far', 'up']);
  for (const address of farAddresses)
    await near.exec('ip', [address.includes(':') ? '-6' : '-4', 'route', 'add', address, 'via', address.includes(':') ? '2001:db8:c::2' : '10.162.0.2']);
  listener = far.spawn(process.execPath, ['-e', listenerScript]);
  const started = listener;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the listener in the far namespace did not start')), 10_000);
    started.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    started.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
  });
});

after(async () => {
  if (listener) await stopProcess(listener);
  await near?.remove();
  await far?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** "ADDRESS PORT result" for every far address and port, from the near namespace. */
async function probeAll(): Promise<Set<string>> {
  const targets = farAddresses.flatMap((address) => ports.map((port) => [address, port]));
  const output = await near!.exec(process.execPath, ['-e', probeScript, JSON.stringify(targets)], 15_000);
  return new Set(JSON.parse(output) as string[]);
}

async function loadNft(indicators: readonly BlockIndicator[], version: number): Promise<void> {
  const file = join(directory, `v${version}.nft`);
  writeFileSync(file, writeNftablesScript(indicators, { version }));
  await near!.exec('nft', ['-f', file]);
}

test('with nothing loaded every far address connects (the test bed works)', async () => {
  const results = await probeAll();
  for (const address of farAddresses) for (const port of ports) assert.ok(results.has(`${address} ${port} connected`), `${address} ${port}: ${[...results]}`);
});

test('the nftables set drops traffic to listed addresses, prefixes and address-port pairs; the rest passes', async () => {
  await loadNft(
    listed([
      { kind: 'ip', value: '198.51.100.7' },
      { kind: 'cidr', value: '203.0.113.0/24' },
      { kind: 'ip', value: '192.0.2.44', port: 4444 },
      { kind: 'cidr', value: '2001:db8:66::/48' },
      { kind: 'domain', value: 'evil.example' },
    ]),
    1,
  );
  const results = await probeAll();
  const expected = [
    '198.51.100.7 8080 no-answer',
    '198.51.100.7 4444 no-answer',
    '203.0.113.9 8080 no-answer',
    '192.0.2.44 4444 no-answer',
    '192.0.2.44 8080 connected',
    '192.0.2.10 8080 connected',
    '192.0.2.10 4444 connected',
    '2001:db8:66::7 8080 no-answer',
    '2001:db8:77::10 8080 connected',
  ];
  for (const line of expected) assert.ok(results.has(line), `expected "${line}", got ${[...results].join('; ')}`);
});

test('loading the next version replaces the set: a withdrawn address passes again, a new one is dropped', async () => {
  await loadNft(listed([{ kind: 'ip', value: '198.51.100.7' }]), 1);
  await loadNft(listed([{ kind: 'ip', value: '192.0.2.10' }]), 2);
  const results = await probeAll();
  assert.ok(results.has('198.51.100.7 8080 connected'), [...results].join('; '));
  assert.ok(results.has('192.0.2.10 8080 no-answer'), [...results].join('; '));
  const tables = await near!.exec('nft', ['list', 'tables']);
  assert.equal(tables.trim(), 'table inet opennotice_blocklist', 'one table, the old one replaced');
});

test('the ipset restore file loads, and its sets hold the listed entries and no others', async () => {
  const file = join(directory, 'v1.ipset');
  const indicators = listed([
    { kind: 'cidr', value: '203.0.113.0/24' },
    { kind: 'ip', value: '2001:db8:66::7' },
    { kind: 'ip', value: '192.0.2.44', port: 4444 },
  ]);
  writeFileSync(file, writeIpsetRestore(indicators, { version: 1 }));
  // Twice: a second restore (the next version) must not fail on the sets that exist.
  for (let round = 0; round < 2; round++) await near!.exec('sh', ['-c', `ipset restore < '${file}'`]);
  const names = ipsetNames();
  const member = async (set: string, entry: string) =>
    near!.exec('ipset', ['test', set, entry]).then(
      () => true,
      () => false,
    );
  try {
    assert.equal(await member(names.v4, '203.0.113.77'), true);
    assert.equal(await member(names.v4, '198.51.100.7'), false);
    assert.equal(await member(names.v6, '2001:db8:66::7'), true);
    assert.equal(await member(names.v4Port, '192.0.2.44,tcp:4444'), true);
    assert.equal(await member(names.v4Port, '192.0.2.44,tcp:8080'), false);
  } finally {
    // ipset sets belong to the namespace, but are destroyed explicitly so a kept namespace holds none.
    await near!.exec('ipset', ['destroy']).catch(() => undefined);
  }
});
