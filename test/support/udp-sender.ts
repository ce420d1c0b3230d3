/**
 * Loopback UDP traffic for tests that watch the wire (live capture on `lo`): a known number of
 * datagrams from a known source, so a test can check that exactly those were captured.
 * Loopback only: every address must be in 127.0.0.0/8.
 */
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';

export interface UdpSendOptions {
  /** Source address to bind (default 127.0.0.1); the port is chosen by the kernel. */
  sourceHost?: string;
  /** Bytes of each datagram (default: "opennotice-lab <index>"). */
  payload?: (index: number) => Uint8Array;
}

export interface UdpSendResult {
  sourceHost: string;
  sourcePort: number;
  sent: number;
}

const MAX_DATAGRAMS = 100_000;

function requireLoopback(address: string, role: string): void {
  if (!isIPv4(address) || !address.startsWith('127.')) {
    throw new Error(`the lab only sends to loopback (127.0.0.0/8); refusing ${role} address ${JSON.stringify(address)}`);
  }
}

/**
 * Sends `count` datagrams one after another (each send awaited, so they leave in order) and
 * closes the socket. Nobody needs to listen on the destination port.
 * @example const { sourcePort } = await sendUdpDatagrams('127.203.0.1', 47001, 5, { sourceHost: '127.203.0.2' });
 */
export async function sendUdpDatagrams(host: string, port: number, count: number, options: UdpSendOptions = {}): Promise<UdpSendResult> {
  const sourceHost = options.sourceHost ?? '127.0.0.1';
  requireLoopback(host, 'destination');
  requireLoopback(sourceHost, 'source');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid UDP port ${port}`);
  if (!Number.isInteger(count) || count < 0 || count > MAX_DATAGRAMS) throw new Error(`datagram count must be an integer 0..${MAX_DATAGRAMS}, not ${count}`);
  const payload = options.payload ?? ((index: number) => Buffer.from(`opennotice-lab ${index}`));
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: sourceHost, port: 0 }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    for (let index = 0; index < count; index++) {
      await new Promise<void>((resolve, reject) => socket.send(payload(index), port, host, (error) => (error ? reject(error) : resolve())));
    }
    return { sourceHost, sourcePort: socket.address().port, sent: count };
  } finally {
    // A socket whose bind failed may already be closed; closing twice must not hide the real error.
    try {
      socket.close();
    } catch {
      /* already closed */
    }
  }
}
