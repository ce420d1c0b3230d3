// The native UDP receiver as the listener's transport, with real sockets on loopback
// (127.170.0.0/16 and ::1) and the real compiled program: what it delivers, how it bounds a
// flood, that it dies with its parent, and the fallback to node:dgram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type SocketType } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { listenUdp, type UdpListener } from './udp-listener.ts';

// Shared by the tests of a run: the receiver is compiled once (the cache is keyed by the source's hash).
const cacheDirectory = join(tmpdir(), 'opennotice-test-native-receiver');
const parentScript = fileURLToPath(new URL('../../test/support/native-receiver-parent.ts', import.meta.url));

interface Received {
  datagram: Buffer;
  sender: string;
}

async function sender(type: SocketType, address: string) {
  const socket = createSocket(type);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  return {
    send: (datagram: Buffer, port: number, to: string) =>
      new Promise<void>((resolve, reject) => socket.send(datagram, port, to, (error) => (error ? reject(error) : resolve()))),
    close: () => socket.close(),
  };
}

/** Waits until `done` (checked every 20 ms), at most 10 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Distinct datagrams of many lengths (1 byte to a jumbo frame), each numbered in its first bytes. */
function numberedDatagrams(count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) => {
    const datagram = Buffer.alloc(1 + ((index * 7919) % 9216));
    for (let at = 0; at < datagram.length; at++) datagram[at] = (index + at) & 0xff;
    if (datagram.length >= 4) datagram.writeUInt32BE(index);
    return datagram;
  });
}

async function deliversExactly(t: test.TestContext, type: SocketType, listenAddress: string, senderAddress: string): Promise<void> {
  const received: Received[] = [];
  const listener = await listenUdp({ address: listenAddress, port: 0, receiver: 'native', nativeBuild: { cacheDirectory } }, (datagram, from) =>
    received.push({ datagram: Buffer.from(datagram), sender: from }),
  );
  t.after(() => listener.close());
  assert.equal(listener.receiver, 'native');
  assert.ok(listener.receiverPid !== undefined && listener.receiverPid !== process.pid);
  const socket = await sender(type, senderAddress);
  t.after(() => socket.close());
  const datagrams = numberedDatagrams(300);
  for (const datagram of datagrams) await socket.send(datagram, listener.port, listenAddress);
  // One longer than the limit: counted and dropped by the receiver, never handed on.
  await socket.send(Buffer.alloc(9217, 1), listener.port, listenAddress);
  await until(() => listener.counters.datagrams === datagrams.length + 1, 'every datagram');
  assert.equal(received.length, datagrams.length);
  for (const [index, datagram] of datagrams.entries()) {
    assert.ok(received[index]!.datagram.equals(datagram), `datagram ${index} arrives whole and in order`);
    assert.equal(received[index]!.sender, senderAddress);
  }
  assert.equal(listener.counters.oversized, 1);
  assert.equal(listener.counters.bytes, datagrams.reduce((sum, datagram) => sum + datagram.length, 0) + 9217);
  assert.equal(listener.counters.kernelDrops, 0);
}

test('the native receiver delivers exactly the datagrams sent, with their sender (IPv4)', async (t) => {
  await deliversExactly(t, 'udp4', '127.170.0.1', '127.170.0.2');
});

test('the native receiver delivers exactly the datagrams sent, with their sender (IPv6)', async (t) => {
  await deliversExactly(t, 'udp6', '::1', '::1');
});

test('a flood is bounded: the kernel drops what the small socket buffer cannot hold, the receiver counts it and goes on', async (t) => {
  let received = 0;
  const listener = await listenUdp(
    { address: '127.170.0.3', port: 0, receiver: 'native', receiveBufferBytes: 16_384, nativeBuild: { cacheDirectory }, nativeLingerMs: 50 },
    () => {
      received++;
    },
  );
  t.after(() => listener.close());
  const socket = await sender('udp4', '127.170.0.4');
  t.after(() => socket.close());
  const flood = 20_000;
  const datagram = Buffer.alloc(1000, 7);
  // Not awaited one by one: as fast as the sender can go, far faster than a 16 KiB buffer drains every 50 ms.
  await Promise.all(Array.from({ length: flood }, () => socket.send(datagram, listener.port, '127.170.0.3')));
  // The drop count rides on the next datagram received: paced ones carry it over.
  let sent = flood;
  for (let probe = 0; probe < 3; probe++, sent++) {
    const before = received;
    await socket.send(datagram, listener.port, '127.170.0.3');
    await until(() => received > before, 'a paced datagram after the flood');
  }
  assert.ok(listener.counters.kernelDrops > 0, 'the flood overflowed the socket buffer');
  assert.equal(received + listener.counters.kernelDrops, sent, 'every datagram was either delivered or counted as dropped');
  // Fixed memory: one batch of buffers and one output buffer, whatever the flood.
  const residentKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${listener.receiverPid}/status`, 'utf8'))?.[1]);
  assert.ok(residentKiB < 16 * 1024, `the receiver's peak memory stays small: ${residentKiB} KiB`);
});

test('the native receiver dies with its parent, even one killed with SIGKILL', async (t) => {
  const parent = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', parentScript, '127.170.0.5', cacheDirectory], {
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60_000,
  });
  t.after(() => parent.kill('SIGKILL'));
  const receiverPid = await new Promise<number>((resolve, reject) => {
    let output = '';
    parent.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(Number(output.trim()));
    });
    parent.once('exit', (code) => reject(new Error(`the parent exited (${code}) before starting the receiver`)));
  });
  assert.ok(existsSync(`/proc/${receiverPid}`), 'the receiver runs');
  parent.kill('SIGKILL');
  await until(() => !existsSync(`/proc/${receiverPid}`) || /^State:\s+Z/m.test(readFileSync(`/proc/${receiverPid}/status`, 'utf8')), 'the receiver to die');
});

test('auto falls back to node:dgram with one notice when the receiver cannot be built; native refuses', async (t) => {
  const emptyCache = mkdtempSync(join(tmpdir(), 'on-native-missing-'));
  t.after(() => rmSync(emptyCache, { recursive: true, force: true }));
  const nativeBuild = { cacheDirectory: emptyCache, compiler: '/nonexistent/cc' };
  const notices: string[] = [];
  const received: string[] = [];
  const listener: UdpListener = await listenUdp(
    { address: '127.170.0.6', port: 0, receiver: 'auto', nativeBuild, onNotice: (text) => notices.push(text) },
    (datagram, from) => received.push(`${from} ${datagram.toString()}`),
  );
  t.after(() => listener.close());
  assert.equal(listener.receiver, 'dgram');
  assert.equal(listener.receiverPid, undefined);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /native UDP receiver unavailable, receiving with node:dgram: cannot build the native UDP receiver with \/nonexistent\/cc/);
  const socket = await sender('udp4', '127.170.0.7');
  t.after(() => socket.close());
  await socket.send(Buffer.from('hello'), listener.port, '127.170.0.6');
  await until(() => received.length === 1, 'the datagram over dgram');
  assert.deepEqual(received, ['127.170.0.7 hello']);
  await assert.rejects(
    listenUdp({ address: '127.170.0.6', port: 0, receiver: 'native', nativeBuild }, () => undefined),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'INTERNAL',
  );
});

test('a native receiver that dies is replaced by node:dgram on the same port, with a notice', async (t) => {
  const notices: string[] = [];
  const received: string[] = [];
  const listener = await listenUdp(
    { address: '127.170.0.8', port: 0, receiver: 'native', nativeBuild: { cacheDirectory }, onNotice: (text) => notices.push(text) },
    (datagram) => received.push(datagram.toString()),
  );
  t.after(() => listener.close());
  process.kill(listener.receiverPid!, 'SIGKILL');
  await until(() => listener.receiver === 'dgram' && listener.receiverPid === undefined, 'dgram to take over');
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /the native UDP receiver stopped \(exited with SIGKILL\); receiving with node:dgram from now on/);
  const socket = await sender('udp4', '127.170.0.9');
  t.after(() => socket.close());
  await socket.send(Buffer.from('still here'), listener.port, '127.170.0.8');
  await until(() => received.length === 1, 'the datagram after the takeover');
  assert.deepEqual(received, ['still here']);
});

test('a port already bound is SERVER_FAILED from the native receiver too, not a fallback', async (t) => {
  const first = await listenUdp({ address: '127.170.0.10', port: 0, receiver: 'dgram' }, () => undefined);
  t.after(() => first.close());
  await assert.rejects(
    listenUdp({ address: '127.170.0.10', port: first.port, receiver: 'auto', nativeBuild: { cacheDirectory } }, () => undefined),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'SERVER_FAILED' && /Address already in use/.test(error.message),
  );
});
