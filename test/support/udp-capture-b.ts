/**
 * A witness on the wire for the UDP grab tests: tcpdump captures on `lo` while a grab runs, and
 * the classic pcap file it wrote is read here (record headers, link types, IPv4 and UDP headers)
 * so a test can compare what a grab says it sent and received with the UDP payload bytes the
 * kernel really carried. Loopback only, bounded in time; tcpdump is stopped by its own pid.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One UDP datagram seen on the wire. */
export interface CapturedDatagram {
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
  /** UDP payload length from the UDP header (not cut by the snap length). */
  payloadBytes: number;
}

export interface UdpCapture {
  /** Stops tcpdump (bounded) and returns the datagrams it wrote. */
  stop(): Promise<CapturedDatagram[]>;
}

/** Link types tcpdump may write for `lo`, with the bytes before the IP header. */
const linkHeaderBytes: ReadonlyMap<number, number | 'null'> = new Map<number, number | 'null'>([
  [0, 'null'], // BSD loopback: a 4-byte address family in host order
  [1, 14], // Ethernet: Linux's lo is captured as Ethernet with zero addresses
  [12, 0], // raw IP
  [101, 0], // raw IP
  [113, 16], // Linux cooked capture v1
  [276, 20], // Linux cooked capture v2
]);

const maxRecords = 100_000;

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
  return {
    async stop() {
      // A short pause lets the last reply reach the capture before tcpdump is told to stop.
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (!exited) child.kill('SIGINT');
      const killer = setTimeout(() => !exited && child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(killer);
      process.removeListener('exit', killOnExit);
      try {
        return parsePcap(readFileSync(file));
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The IPv4 UDP datagrams of a classic pcap file (either byte order, micro- or nanosecond
 * timestamps); other packets are skipped. Throws on a file that is not pcap.
 * @example parsePcap(readFileSync('capture.pcap')).filter((d) => d.destinationPort === 161)
 */
export function parsePcap(bytes: Buffer): CapturedDatagram[] {
  if (bytes.length < 24) throw new Error(`not a pcap file: ${bytes.length} bytes`);
  const magic = bytes.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const big = bytes.readUInt32BE(0) === 0xa1b2c3d4 || bytes.readUInt32BE(0) === 0xa1b23c4d;
  if (!little && !big) throw new Error(`not a classic pcap file: magic ${magic.toString(16)}`);
  const u32 = (offset: number) => (little ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset));
  const linkType = u32(20) & 0x0fffffff;
  const header = linkHeaderBytes.get(linkType);
  if (header === undefined) throw new Error(`link type ${linkType} is not one a loopback capture writes`);
  const datagrams: CapturedDatagram[] = [];
  let offset = 24;
  for (let record = 0; record < maxRecords && offset + 16 <= bytes.length; record++) {
    const caplen = u32(offset + 8);
    const start = offset + 16;
    const end = start + caplen;
    if (end > bytes.length) break; // a record cut short by the stop: nothing more to read
    const packet = bytes.subarray(start, end);
    offset = end;
    const ipStart = header === 'null' ? 4 : header;
    if (linkType === 1 && (packet.length < 14 || packet.readUInt16BE(12) !== 0x0800)) continue;
    if (linkType === 113 && (packet.length < 16 || packet.readUInt16BE(14) !== 0x0800)) continue;
    if (linkType === 276 && (packet.length < 20 || packet.readUInt16BE(0) !== 0x0800)) continue;
    const datagram = udpOf(packet.subarray(ipStart));
    if (datagram) datagrams.push(datagram);
  }
  return datagrams;
}

function udpOf(ip: Buffer): CapturedDatagram | undefined {
  if (ip.length < 20 || ip[0] >> 4 !== 4) return undefined;
  const headerLength = (ip[0] & 0x0f) * 4;
  if (ip[9] !== 17 || ip.length < headerLength + 8) return undefined;
  // A later fragment carries no UDP header.
  if ((ip.readUInt16BE(6) & 0x1fff) !== 0) return undefined;
  const udp = ip.subarray(headerLength);
  const address = (at: number) => `${ip[at]}.${ip[at + 1]}.${ip[at + 2]}.${ip[at + 3]}`;
  return {
    source: address(12),
    sourcePort: udp.readUInt16BE(0),
    destination: address(16),
    destinationPort: udp.readUInt16BE(2),
    payloadBytes: udp.readUInt16BE(4) - 8,
  };
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
