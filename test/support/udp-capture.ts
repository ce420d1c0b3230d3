/**
 * What the wire saw of a UDP exchange, for tests that check a grab's reflection figures against
 * an independent witness: tcpdump writes a classic pcap file (on the host's `lo` or inside a test
 * namespace), and this module reads its UDP datagrams back — payload sizes from the UDP header,
 * so a grab's `requestBytes` and `replyBytes` can be compared with what really crossed.
 * Link types read: Ethernet (1, Linux `lo`), BSD loopback (0, 108), raw IPv4/IPv6 (12, 101, 228,
 * 229), Linux cooked (113, 276). IPv4 and IPv6 (no extension headers) carrying UDP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { NetworkNamespace } from './network-namespace.ts';
import { systemPath } from './network-namespace.ts';

/** One UDP datagram as the capture recorded it. */
export interface CapturedDatagram {
  source: string;
  sourcePort: number;
  destination: string;
  destinationPort: number;
  /** UDP payload length from the UDP header (length − 8), whatever the snap length kept. */
  payloadBytes: number;
}

/** Records read at most from one file: a test capture is small, a bigger one is a mistake. */
const maxRecords = 100_000;

/**
 * The UDP datagrams of a classic pcap file (not pcapng); other packets are skipped, and a
 * truncated last record ends the reading.
 * @example udpDatagrams(readFileSync('/tmp/x.pcap')).filter((d) => d.destinationPort === 1900)
 */
export function udpDatagrams(file: Buffer): CapturedDatagram[] {
  if (file.length < 24) throw new Error(`not a pcap file: ${file.length} bytes`);
  const magic = file.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error(`not a classic pcap file (magic ${magic.toString(16)})`);
  const u32 = (offset: number) => (little ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const linkType = u32(20) & 0xffff;
  if (!knownLinkTypes.has(linkType)) throw new Error(`link type ${linkType} is not one a capture of ours writes`);
  const datagrams: CapturedDatagram[] = [];
  let offset = 24;
  for (let record = 0; record < maxRecords && offset + 16 <= file.length; record++) {
    const caplen = u32(offset + 8);
    const start = offset + 16;
    if (start + caplen > file.length) break;
    const frame = file.subarray(start, start + caplen);
    offset = start + caplen;
    const ip = networkLayer(frame, linkType);
    const datagram = ip ? udpOf(ip) : undefined;
    if (datagram) datagrams.push(datagram);
  }
  return datagrams;
}

/** The link types networkLayer reads: Ethernet, BSD loopback, raw IP, Linux cooked (v1 and v2). */
const knownLinkTypes = new Set([0, 1, 12, 101, 108, 113, 228, 229, 276]);

/** The IP packet inside a frame of the given link type, or undefined. */
function networkLayer(frame: Buffer, linkType: number): Buffer | undefined {
  switch (linkType) {
    case 1: {
      if (frame.length < 14) return undefined;
      let etherType = frame.readUInt16BE(12);
      let at = 14;
      if (etherType === 0x8100 && frame.length >= 18) {
        etherType = frame.readUInt16BE(16);
        at = 18;
      }
      return etherType === 0x0800 || etherType === 0x86dd ? frame.subarray(at) : undefined;
    }
    case 0:
    case 108:
      return frame.length > 4 ? frame.subarray(4) : undefined;
    case 12:
    case 101:
    case 228:
    case 229:
      return frame;
    case 113:
      return frame.length > 16 ? frame.subarray(16) : undefined;
    case 276:
      return frame.length > 20 ? frame.subarray(20) : undefined;
    default:
      return undefined;
  }
}

function udpOf(packet: Buffer): CapturedDatagram | undefined {
  const version = packet.length > 0 ? packet[0] >> 4 : 0;
  if (version === 4) {
    const headerBytes = (packet[0] & 0x0f) * 4;
    if (headerBytes < 20 || packet.length < headerBytes + 8 || packet[9] !== 17) return undefined;
    // A later fragment carries no UDP header.
    if ((packet.readUInt16BE(6) & 0x1fff) !== 0) return undefined;
    return udpHeader(packet.subarray(headerBytes), [...packet.subarray(12, 16)].join('.'), [...packet.subarray(16, 20)].join('.'));
  }
  if (version === 6) {
    if (packet.length < 48 || packet[6] !== 17) return undefined;
    return udpHeader(packet.subarray(40), ipv6Text(packet.subarray(8, 24)), ipv6Text(packet.subarray(24, 40)));
  }
  return undefined;
}

function udpHeader(udp: Buffer, source: string, destination: string): CapturedDatagram {
  return { source, sourcePort: udp.readUInt16BE(0), destination, destinationPort: udp.readUInt16BE(2), payloadBytes: Math.max(0, udp.readUInt16BE(4) - 8) };
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push(bytes.readUInt16BE(index).toString(16));
  return groups.join(':');
}

/** Request and reply payload bytes of one port's traffic: to the port, and from it. */
export interface PortTraffic {
  requestBytes: number;
  requestPackets: number;
  replyBytes: number;
  replyPackets: number;
}

/**
 * Sum the datagrams to `port` (requests; only those to `host` when given) and the datagrams from
 * it back to a requester's address and port (replies): a daemon's own multicast announcements
 * from the same port are neither.
 * @example trafficOf(udpDatagrams(file), 5683, '127.101.0.1') // { requestBytes: 25, replyBytes: 120, … }
 */
export function trafficOf(datagrams: readonly CapturedDatagram[], port: number, host?: string): PortTraffic {
  const traffic: PortTraffic = { requestBytes: 0, requestPackets: 0, replyBytes: 0, replyPackets: 0 };
  const requesters = new Set<string>();
  for (const datagram of datagrams) {
    if (datagram.destinationPort === port && (host === undefined || datagram.destination === host)) {
      traffic.requestBytes += datagram.payloadBytes;
      traffic.requestPackets++;
      requesters.add(`${datagram.source} ${datagram.sourcePort}`);
    } else if (
      datagram.sourcePort === port &&
      (host === undefined || datagram.source === host) &&
      requesters.has(`${datagram.destination} ${datagram.destinationPort}`)
    ) {
      traffic.replyBytes += datagram.payloadBytes;
      traffic.replyPackets++;
    }
  }
  return traffic;
}

export interface UdpCapture {
  /** Stop tcpdump (its file flushed) and read the datagrams it wrote. */
  stop(): Promise<CapturedDatagram[]>;
}

const startTimeoutMs = 8000;

/**
 * Start tcpdump on `lo` (of the host, or of `namespace`) writing `file`, filtered by `filter`
 * ("udp port 5683"), in immediate mode (each packet handed over and written as it comes: a
 * capture stopped right after the exchange has it all, not a ring block short); resolves once it listens, fails fast if it cannot.
 * @example const capture = await startUdpCapture({ file, filter: 'udp port 5683 and host 127.101.0.1' }); …; const seen = await capture.stop()
 */
export async function startUdpCapture(options: { file: string; filter: string; namespace?: NetworkNamespace }): Promise<UdpCapture> {
  const args = ['-i', 'lo', '-n', '-U', '--immediate-mode', '-w', options.file, ...options.filter.split(' ')];
  const child: ChildProcess = options.namespace
    ? options.namespace.spawn('tcpdump', args)
    : spawn('tcpdump', args, { env: { ...process.env, PATH: systemPath }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  // A test cut short must not leave tcpdump running.
  const killOnExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.removeListener('exit', killOnExit);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tcpdump did not start within ${startTimeoutMs} ms: ${log}`));
    }, startTimeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (/listening on/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited (${code}) before listening: ${log}`));
    });
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(killer);
      }
      return udpDatagrams(readFileSync(options.file));
    },
  };
}
