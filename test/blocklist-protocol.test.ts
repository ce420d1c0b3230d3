// A block limited to one protocol blocks only that protocol: the nftables export and the ipset
// restore file loaded in a network namespace of the test's own (on-cs-block), where one
// address (198.18.166.7) holds a TCP listener and a UDP echo on the same port. With a UDP block
// of that port loaded, UDP gets no answer while TCP still connects; a TCP block, the reverse;
// a port without a protocol, both. (test/blocklist-nftables.test.ts covers addresses,
// prefixes and ports through a router.)
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BlockIndicator } from '../src/blocklist/indicator.ts';
import { canonicalIndicators } from '../src/blocklist/indicator-list.ts';
import { ipsetNames, writeIpsetRestore } from '../src/blocklist/ipset.ts';
import { writeNftablesScript } from '../src/blocklist/nftables.ts';
import { createNetworkNamespace, type NetworkNamespace, stopProcess } from './support/network-namespace.ts';

const address = '198.18.166.7';
const port = 6881;
let directory = '';
let namespace: NetworkNamespace | undefined;
let listener: ChildProcess | undefined;

const listenerScript = `
const net = require('node:net');
const dgram = require('node:dgram');
const tcp = net.createServer((socket) => { socket.on('error', () => {}); socket.end('hello\\n'); });
const udp = dgram.createSocket('udp4');
udp.on('message', (message, peer) => udp.send(message, peer.port, peer.address));
tcp.listen({ port: ${port}, host: '${address}' }, () => udp.bind(${port}, '${address}', () => console.log('listening')));
`;

// One TCP connect and one UDP request; a packet the output chain drops shows as no answer
// within the bound (or as the kernel's EPERM for the send).
const probeScript = `
const net = require('node:net');
const dgram = require('node:dgram');
const tcp = new Promise((resolve) => {
  const socket = net.connect({ host: '${address}', port: ${port} });
  const done = (result) => { socket.destroy(); resolve(result); };
  socket.setTimeout(1500, () => done('no-answer'));
  socket.once('connect', () => done('answered'));
  socket.once('error', (error) => done(error.code));
});
const udp = new Promise((resolve) => {
  const socket = dgram.createSocket('udp4');
  const done = (result) => { clearTimeout(timer); socket.close(); resolve(result); };
  const timer = setTimeout(() => done('no-answer'), 1500);
  socket.once('message', () => done('answered'));
  socket.once('error', (error) => done(error.code));
  socket.send('ping', ${port}, '${address}', (error) => { if (error) done(error.code); });
});
Promise.all([tcp, udp]).then(([tcpResult, udpResult]) => console.log(JSON.stringify({ tcp: tcpResult, udp: udpResult })));
`;

const listed = (values: readonly Omit<BlockIndicator, 'reason' | 'approvedAt'>[]) =>
  canonicalIndicators(
    values.map((value) => ({ ...value, reason: 'test C&C', approvedAt: '2026-12-07T00:00:00Z' })),
    'protocol test',
  );

async function probe(): Promise<{ tcp: string; udp: string }> {
  return JSON.parse(await namespace!.exec(process.execPath, ['-e', probeScript], 15_000)) as { tcp: string; udp: string };
}

async function loadNft(indicators: readonly BlockIndicator[], version: number): Promise<void> {
  const file = join(directory, `v${version}.nft`);
  writeFileSync(file, writeNftablesScript(indicators, { version }));
  await namespace!.exec('nft', ['-f', file]);
}

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'on-cs-block-'));
  namespace = await createNetworkNamespace('on-cs-block');
  await namespace.exec('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
  listener = namespace.spawn(process.execPath, ['-e', listenerScript]);
  const started = listener;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the listener in the namespace did not start')), 10_000);
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
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('nftables: nothing loaded, both answer; a UDP block of the port leaves TCP; a TCP block leaves UDP; a port alone blocks both', {
  timeout: 60_000,
}, async () => {
  assert.deepEqual(await probe(), { tcp: 'answered', udp: 'answered' }, 'the test bed works');
  await loadNft(listed([{ kind: 'ip', value: address, port, protocol: 'udp' }]), 1);
  const udpBlocked = await probe();
  assert.equal(udpBlocked.tcp, 'answered', 'a UDP block does not block TCP on that port');
  assert.notEqual(udpBlocked.udp, 'answered');
  await loadNft(listed([{ kind: 'ip', value: address, port, protocol: 'tcp' }]), 2);
  const tcpBlocked = await probe();
  assert.notEqual(tcpBlocked.tcp, 'answered');
  assert.equal(tcpBlocked.udp, 'answered', 'the next version replaced the UDP block');
  await loadNft(listed([{ kind: 'ip', value: address, port }]), 3);
  const bothBlocked = await probe();
  assert.ok(bothBlocked.tcp !== 'answered' && bothBlocked.udp !== 'answered', JSON.stringify(bothBlocked));
  await namespace!.exec('nft', ['delete', 'table', 'inet', 'opennotice_blocklist']);
});

test('ipset: a UDP block is a udp: entry only', { timeout: 60_000 }, async () => {
  const file = join(directory, 'v1.ipset');
  writeFileSync(file, writeIpsetRestore(listed([{ kind: 'ip', value: address, port, protocol: 'udp' }]), { version: 1 }));
  await namespace!.exec('sh', ['-c', `ipset restore < '${file}'`]);
  const member = (entry: string) =>
    namespace!.exec('ipset', ['test', ipsetNames().v4Port, entry]).then(
      () => true,
      () => false,
    );
  try {
    assert.equal(await member(`${address},udp:${port}`), true);
    assert.equal(await member(`${address},tcp:${port}`), false);
  } finally {
    await namespace!.exec('ipset', ['destroy']).catch(() => undefined);
  }
});
