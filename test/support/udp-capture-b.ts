/**
 * A witness on the wire for the UDP grab tests: tcpdump captures on `lo` while a grab runs, and
 * the classic pcap file it wrote is read here (record headers, link types, IPv4 and UDP headers)
 * so a test can compare what a grab says it sent and received with the UDP payload bytes the
 * kernel really carried. Loopback only, bounded in time; tcpdump is stopped by its own pid.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedDatagram, udpDatagrams } from './udp-capture.ts';

export type { CapturedDatagram };

export interface UdpCapture {
  /** Stops tcpdump (bounded) and returns the datagrams it wrote. */
  stop(): Promise<CapturedDatagram[]>;
}

/**
 * Start tcpdump on `lo` (of `namespace` when given) for UDP to or from `host`:`port`; resolves once it listens.
 * @example const capture = await startUdpCapture('127.102.1.1', 161); await grab(); const seen = await capture.stop();
 */
export async function startUdpCapture(host: string, port: number, options: { namespace?: string; timeoutMs?: number } = {}): Promise<UdpCapture> {
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!host.startsWith('127.')) throw new Error(`captures are taken on loopback only, not ${host}`);
  const directory = mkdtempSync(join(tmpdir(), 'on-udpb-capture-'));
  const file = join(directory, 'capture.pcap');
  // --immediate-mode and -U: each packet is handed over and written as it arrives, so nothing
  // waits in a kernel block or a buffer when tcpdump is stopped; -Z root:
  // tcpdump keeps the user that may write our private temp directory instead of switching to its own.
  const tcpdump = [
    'tcpdump',
    '-i',
    'lo',
    '-n',
    '-U',
    '--immediate-mode',
    '-Z',
    'root',
    '-s',
    '0',
    '-w',
    file,
    'udp',
    'and',
    'host',
    host,
    'and',
    'port',
    String(port),
  ];
  // Inside a test's own namespace, its loopback is the wire to watch.
  const [command, ...args] = options.namespace ? ['ip', 'netns', 'exec', options.namespace, ...tcpdump] : tcpdump;
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      stderr += String(error);
      exited = true;
      resolve();
    });
  });
  const killOnExit = () => !exited && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start listening in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited before listening: ${stderr}`));
    });
  });
  const isMarker = (datagram: CapturedDatagram) => datagram.source === host && datagram.destination === markerAddress && datagram.destinationPort === port;
  return {
    async stop() {
      // tcpdump told to stop leaves what it has not read yet in the kernel; on a busy machine that
      // can be the grab's last datagrams. On this host's loopback, one more datagram the filter
      // matches (from the watched address to the watched port of an address nothing answers on)
      // marks the end: once it is in the file, everything before it is too.
      if (!options.namespace) await waitForMarker(file, host, port, isMarker);
      else await new Promise((resolve) => setTimeout(resolve, 200));
      if (!exited) child.kill('SIGINT');
      const killer = setTimeout(() => !exited && child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(killer);
      process.removeListener('exit', killOnExit);
      try {
        return parsePcap(readFileSync(file)).filter((datagram) => !isMarker(datagram));
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}

/** Where the end marker goes: a loopback address no test or daemon uses. */
const markerAddress = '127.254.254.254';

/** Sends the end marker and waits (bounded) until tcpdump has written it. */
async function waitForMarker(file: string, host: string, port: number, isMarker: (datagram: CapturedDatagram) => boolean): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    await new Promise<void>((resolve) => socket.send(Buffer.from('end of capture'), port, markerAddress, () => resolve()));
  } catch {
    // Without a marker the pause below is all there is.
  } finally {
    socket.close();
  }
  for (const started = Date.now(); Date.now() - started < 5000; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      if (existsSync(file) && parsePcap(readFileSync(file)).some(isMarker)) return;
    } catch {
      // A record half written: read again.
    }
  }
}

/**
 * The UDP datagrams of a classic pcap file: udp-capture.ts's reader, under the name these tests use.
 * @example parsePcap(readFileSync('capture.pcap')).filter((d) => d.destinationPort === 161)
 */
export function parsePcap(bytes: Buffer): CapturedDatagram[] {
  return udpDatagrams(bytes);
}

/**
 * Payload bytes sent to and from the service at `host`:`port`, and the datagram counts.
 * @example const wire = wireTotals(seen, '127.102.1.1', 161) // { requestBytes: 60, replyBytes: 180, requests: 1, replies: 1 }
 */
export function wireTotals(seen: readonly CapturedDatagram[], host: string, port: number) {
  const toService = seen.filter((datagram) => datagram.destination === host && datagram.destinationPort === port);
  const fromService = seen.filter((datagram) => datagram.source === host && datagram.sourcePort === port);
  const sum = (list: readonly CapturedDatagram[]) => list.reduce((total, datagram) => total + datagram.payloadBytes, 0);
  return { requestBytes: sum(toService), replyBytes: sum(fromService), requests: toService.length, replies: fromService.length };
}

/**
 * Whether two byte counts agree within `tolerance` (a fraction) of the larger.
 * @example withinShare(100, 95, 0.1) // true
 */
export function withinShare(measured: number, seen: number, tolerance = 0.1): boolean {
  return Math.abs(measured - seen) <= tolerance * Math.max(measured, seen);
}
