// Real tcpdump on the loopback interface; every datagram goes to 127.203.0.x only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomInt } from 'node:crypto';
import { OpenNoticeError } from '../../core/errors.ts';
import { sendUdpDatagrams } from '../../../test/support/udp-sender.ts';
import { scanCapture } from '../capture/reader.ts';
import type { DecodedPacket } from '../packet.ts';
import { startTcpdump, type LiveCapture } from './tcpdump.ts';

const TARGET = '127.203.0.1';
const SOURCE = '127.203.0.2';
const WAIT_MS = 15_000;

function findOnPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(directory, name), constants.X_OK);
      return join(directory, name);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** These tests need the real tcpdump: fail loudly rather than skip (CI installs it). */
function requireTcpdump(): string {
  const path = findOnPath('tcpdump');
  if (path === undefined)
    throw new Error('tcpdump is not installed: the live-capture tests need it (Debian/Ubuntu: apt-get install tcpdump; npm test installs it as root)');
  return path;
}

/** A safety net against hangs, not a measurement. */
function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const testPort = () => 47000 + randomInt(1000);
const filterFor = (port: number) => `udp and dst port ${port} and dst host ${TARGET}`;

async function startListening(options: Parameters<typeof startTcpdump>[0]): Promise<LiveCapture> {
  const capture = startTcpdump({ tcpdumpPath: requireTcpdump(), ...options });
  const line = await within(capture.ready, 'tcpdump to start listening');
  assert.match(line, /listening on lo/);
  return capture;
}

const captureFailed = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof OpenNoticeError, `expected OpenNoticeError, got ${String(error)}`);
  assert.equal(error.code, 'CAPTURE_FAILED');
  assert.match(error.message, pattern);
  return true;
};

async function readAll(packets: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of packets) bytes += chunk.byteLength;
  return bytes;
}

test('captures exactly the datagrams sent to the filtered port, readable by scanCapture', async () => {
  const port = testPort();
  const capture = await startListening({ interface: 'lo', filter: filterFor(port) });
  try {
    const seen: DecodedPacket[] = [];
    const scanning = scanCapture(capture.packets, (packet) => seen.push(packet), { name: 'tcpdump on lo' });
    // Noise the filter must drop: another port, another destination.
    await sendUdpDatagrams(TARGET, port + 1, 3, { sourceHost: SOURCE });
    await sendUdpDatagrams('127.203.0.3', port, 3, { sourceHost: SOURCE });
    const sent = await sendUdpDatagrams(TARGET, port, 5, { sourceHost: SOURCE });
    await waitUntil(() => seen.length >= 5, 'the 5 datagrams in the stream');
    const end = await within(capture.stop(), 'tcpdump to stop');
    const stats = await within(scanning, 'the stream to end');

    assert.equal(stats.format, 'pcap');
    assert.equal(stats.packets, 5);
    assert.equal(seen.length, 5);
    for (const packet of seen) {
      assert.deepEqual([packet.protocol, packet.src, packet.srcPort, packet.dst, packet.dstPort], ['udp', SOURCE, sent.sourcePort, TARGET, port]);
    }
    assert.deepEqual([end.exitCode, end.signal, end.captured, end.droppedByKernel], [0, null, 5, 0]);
    // On lo the kernel filter also sees each datagram's outgoing copy, which libpcap then skips.
    assert.ok(end.received !== undefined && end.received >= 5, `received ${end.received}`);
    assert.deepEqual(await capture.stop(), end, 'stop() is idempotent');
  } finally {
    await capture.stop().catch(() => undefined);
  }
});

test('aborting the signal ends tcpdump cleanly and the stream ends', async () => {
  const controller = new AbortController();
  const capture = await startListening({ interface: 'lo', filter: filterFor(testPort()), signal: controller.signal });
  const scanning = scanCapture(capture.packets, () => undefined);
  controller.abort();
  const end = await within(capture.ended, 'tcpdump to end after abort');
  assert.deepEqual([end.exitCode, end.signal, end.captured], [0, null, 0]);
  assert.equal((await within(scanning, 'the stream to end')).packets, 0);
});

test('an already aborted signal starts nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  const capture = startTcpdump({ interface: 'lo', signal: controller.signal, tcpdumpPath: requireTcpdump() });
  await assert.rejects(capture.ready, (error: unknown) => error instanceof OpenNoticeError && error.code === 'INTERRUPTED');
  assert.deepEqual(await capture.ended, { exitCode: null, signal: null });
  assert.equal(await readAll(capture.packets), 0);
});

test('stop() does not deadlock when nobody reads and tcpdump is blocked writing', async () => {
  const port = testPort();
  // A long grace period: a deadlock must show as a timeout here, not be rescued by SIGKILL.
  const capture = await startListening({ interface: 'lo', filter: filterFor(port), stopGraceMs: 60_000 });
  try {
    // 12 000 records of 144 bytes (snaplen 128): 1.7 MB, beyond the 1 MiB in-process limit plus the pipe.
    await sendUdpDatagrams(TARGET, port, 12_000, { sourceHost: SOURCE, payload: () => new Uint8Array(200) });
    // Node's stdio "pipe" is a Unix socketpair: a writer blocked on it sleeps in sock_alloc_send_pskb.
    const blockedOnWrite = /pipe_write|sock_alloc_send_pskb|unix_stream_sendmsg/;
    // Back-pressure: 1 MiB waits in this process, reading has paused, so tcpdump blocks.
    await waitUntil(
      () => capture.bufferedBytes >= 1024 * 1024 && blockedOnWrite.test(readFileSync(`/proc/${capture.pid}/wchan`, 'utf8')),
      'tcpdump to block writing to its stdout',
    );
    const end = await within(capture.stop(), 'tcpdump to stop while blocked writing');
    assert.deepEqual([end.exitCode, end.signal], [0, null]);
    let packets = 0;
    await within(
      scanCapture(capture.packets, () => {
        packets++;
      }),
      'reading the tail',
    );
    // The SIGINT interrupts the blocked write: that one packet may be lost (whole, never half a record).
    assert.ok(end.captured !== undefined && (packets === end.captured || packets === end.captured - 1), `read ${packets}, tcpdump wrote ${end.captured}`);
  } finally {
    await capture.stop().catch(() => undefined);
  }
});

test('leaving the read loop early stops the capture', async () => {
  const port = testPort();
  const capture = await startListening({ interface: 'lo', filter: filterFor(port) });
  await sendUdpDatagrams(TARGET, port, 3, { sourceHost: SOURCE });
  for await (const chunk of capture.packets) {
    assert.ok(chunk.byteLength > 0);
    break;
  }
  const end = await within(capture.ended, 'tcpdump to end after the consumer left');
  assert.deepEqual([end.exitCode, end.signal], [0, null]);
});

test('a missing interface fails with CAPTURE_FAILED naming it', async () => {
  const capture = startTcpdump({ interface: 'onnosuch0', tcpdumpPath: requireTcpdump() });
  await within(assert.rejects(capture.ready, captureFailed(/capture interface "onnosuch0" does not exist.*tcpdump said: .*onnosuch0/s)), 'ready to reject');
  await assert.rejects(capture.ended, captureFailed(/does not exist/));
  await assert.rejects(readAll(capture.packets), captureFailed(/does not exist/));
  await assert.rejects(capture.stop(), captureFailed(/does not exist/));
});

test('a tcpdumpPath that does not exist fails with CAPTURE_FAILED and says to install tcpdump', async () => {
  const capture = startTcpdump({ interface: 'lo', tcpdumpPath: '/nonexistent/opennotice/tcpdump' });
  await within(assert.rejects(capture.ended, captureFailed(/tcpdump not found.*apt-get install tcpdump/)), 'ended to reject');
  await assert.rejects(capture.ready, captureFailed(/not found/));
  await assert.rejects(readAll(capture.packets), captureFailed(/not found/));
});

test('an invalid filter fails with CAPTURE_FAILED quoting tcpdump', async () => {
  const capture = startTcpdump({ interface: 'lo', filter: 'udp and and', tcpdumpPath: requireTcpdump() });
  await within(
    assert.rejects(capture.ended, captureFailed(/rejected the capture filter "udp and and"; tcpdump said: .*can't parse filter expression/)),
    'ended to reject',
  );
});

test('options that could become tcpdump options are refused before anything starts', () => {
  assert.throws(() => startTcpdump({ interface: '-w/tmp/x' }), captureFailed(/invalid capture interface/));
  assert.throws(() => startTcpdump({ interface: 'lo', filter: '-Z root' }), captureFailed(/must not start with '-'/));
});

test('no capture permission fails with CAPTURE_FAILED saying root or CAP_NET_RAW is needed', async (t) => {
  let tcpdumpPath = requireTcpdump();
  let scratch: string | undefined;
  if (process.getuid?.() === 0) {
    // As root, run tcpdump as nobody through a wrapper (the test's own script; the module never uses a shell).
    const setpriv = findOnPath('setpriv');
    if (setpriv === undefined) {
      t.skip('setpriv (util-linux) is needed to drop root for this test');
      return;
    }
    scratch = mkdtempSync(join(tmpdir(), 'opennotice-live-'));
    tcpdumpPath = join(scratch, 'tcpdump-as-nobody');
    writeFileSync(tcpdumpPath, `#!/bin/sh\nexec ${setpriv} --reuid=65534 --regid=65534 --clear-groups ${requireTcpdump()} "$@"\n`, { mode: 0o755 });
  }
  try {
    const capture = startTcpdump({ interface: 'lo', tcpdumpPath });
    await within(
      assert.rejects(capture.ended, captureFailed(/no permission to capture on "lo": run as root.*cap_net_raw.*tcpdump said: .*permission/s)),
      'ended to reject',
    );
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
});
