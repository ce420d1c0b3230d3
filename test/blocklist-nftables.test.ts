// The nftables export loaded into a real table: three network namespaces the test creates —
// on-blocklist-c (a customer host), on-blocklist-r (the ISP's router, forwarding) and
// on-blocklist-s (the far side with the addresses) — joined by veth pairs. A TCP listener in
// the far namespace holds every address; from the host, connections to listed addresses (and
// to a listed address's one listed port) get no answer while the others connect, whether the
// list is loaded on the router (forward chain) or on the host (output chain). Loading the next
// version replaces the set.
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
let router: NetworkNamespace | undefined;
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

/** A veth pair between two namespaces, each end with an IPv4 and an IPv6 address, both up. */
async function link(
  a: NetworkNamespace,
  b: NetworkNamespace,
  names: readonly [string, string],
  addresses: { a: readonly [string, string]; b: readonly [string, string] },
): Promise<void> {
  await a.exec('ip', ['link', 'add', names[0], 'type', 'veth', 'peer', 'name', names[1], 'netns', b.name]);
  for (const [namespace, device, [v4, v6]] of [
    [a, names[0], addresses.a],
    [b, names[1], addresses.b],
  ] as const) {
    await namespace.exec('ip', ['addr', 'add', v4, 'dev', device]);
    // nodad: the address is usable at once, not after duplicate address detection.
    await namespace.exec('ip', ['-6', 'addr', 'add', v6, 'dev', device, 'nodad']);
    await namespace.exec('ip', ['link', 'set', device, 'up']);
  }
}

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'on-blocklist-nft-'));
  near = await createNetworkNamespace('on-blocklist-c');
  router = await createNetworkNamespace('on-blocklist-r');
  far = await createNetworkNamespace('on-blocklist-s');
  // No duplicate address detection on the links about to be made: while a link-local address
  // is tentative, the first IPv6 packets through the router can be lost, and the test bed
  // would look like a block.
  for (const namespace of [near, router, far])
    await namespace.exec('sysctl', ['-q', '-w', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
  await link(near, router, ['blk-near', 'blk-rnear'], { a: ['10.162.1.1/24', '2001:db8:c1::1/64'], b: ['10.162.1.2/24', '2001:db8:c1::2/64'] });
  await link(router, far, ['blk-rfar', 'blk-far'], { a: ['10.162.2.1/24', '2001:db8:c2::1/64'], b: ['10.162.2.2/24', '2001:db8:c2::2/64'] });
  for (const address of farAddresses) await far.exec('ip', ['addr', 'add', address, 'dev', 'blk-far', ...(address.includes(':') ? ['nodad'] : [])]);
  await near.exec('ip', ['-4', 'route', 'add', 'default', 'via', '10.162.1.2']);
  await near.exec('ip', ['-6', 'route', 'add', 'default', 'via', '2001:db8:c1::2']);
  await far.exec('ip', ['-4', 'route', 'add', 'default', 'via', '10.162.2.1']);
  await far.exec('ip', ['-6', 'route', 'add', 'default', 'via', '2001:db8:c2::1']);
  for (const address of farAddresses)
    await router.exec('ip', [address.includes(':') ? '-6' : '-4', 'route', 'add', address, 'via', address.includes(':') ? '2001:db8:c2::2' : '10.162.2.2']);
  // Forwarding is per namespace: only the router's is turned on.
  await router.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
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
  // Neighbour discovery through the router may take a moment: wait (bounded) until every
  // address answers with nothing loaded, so a "no answer" later can only be the block.
  let unreachable: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    unreachable = [...(await probeAll())].filter((line) => !line.endsWith(' connected'));
    if (unreachable.length === 0) return;
  }
  throw new Error(`the test bed does not connect before any list is loaded: ${unreachable.join('; ')}`);
});

after(async () => {
  if (listener) await stopProcess(listener);
  await near?.remove();
  await router?.remove();
  await far?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** "ADDRESS PORT result" for every far address and port, from the near namespace. */
async function probeAll(): Promise<Set<string>> {
  const targets = farAddresses.flatMap((address) => ports.map((port) => [address, port]));
  const output = await near!.exec(process.execPath, ['-e', probeScript, JSON.stringify(targets)], 15_000);
  return new Set(JSON.parse(output) as string[]);
}

async function loadNft(namespace: NetworkNamespace, indicators: readonly BlockIndicator[], version: number): Promise<void> {
  const file = join(directory, `${namespace.name}-v${version}.nft`);
  writeFileSync(file, writeNftablesScript(indicators, { version }));
  await namespace.exec('nft', ['-f', file]);
}

test('with nothing loaded every far address connects (the test bed works)', async () => {
  const results = await probeAll();
  for (const address of farAddresses) for (const port of ports) assert.ok(results.has(`${address} ${port} connected`), `${address} ${port}: ${[...results]}`);
});

test('loaded on the router, the forward chain drops traffic to listed addresses, prefixes and address-port pairs; the rest passes', async () => {
  await loadNft(
    router!,
    listed([
      { kind: 'ip', value: '198.51.100.7' },
      { kind: 'cidr', value: '203.0.113.0/24' },
      { kind: 'ip', value: '192.0.2.44', port: 4444 },
      { kind: 'cidr', value: '2001:db8:66::/48' },
      { kind: 'domain', value: 'evil.example' },
    ]),
    1,
  );
  let results: Set<string>;
  try {
    results = await probeAll();
  } finally {
    // The next tests load the list on the host itself and start from an unfiltered router.
    await router!.exec('nft', ['delete', 'table', 'inet', 'opennotice_blocklist']);
  }
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

test('loaded on the host, the output chain drops; loading the next version replaces the set: a withdrawn address passes again, a new one is dropped', async () => {
  await loadNft(near!, listed([{ kind: 'ip', value: '198.51.100.7' }]), 1);
  await loadNft(near!, listed([{ kind: 'ip', value: '192.0.2.10' }]), 2);
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
