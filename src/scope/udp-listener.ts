/**
 * The inbound UDP listener the flow collector receives exports on. Sockets are the framework's
 * (src/scope), inbound ones too: the web server is HTTP (server/listen.ts), darknet capture
 * reads tcpdump, and this module is the one place that owns an inbound UDP socket: its bind, its receive buffer, and the counters of what
 * arrived and what was refused. It hands each datagram on with the sender's address; it never
 * parses.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { OpenNoticeError } from '../core/errors.ts';

export interface UdpListenerOptions {
  address: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Kernel receive buffer: exporters send in bursts, and a small buffer drops them silently. */
  receiveBufferBytes?: number;
  /** Datagrams longer than this are counted and dropped (an export never needs more than a jumbo frame). */
  maxDatagramBytes?: number;
}

export interface UdpListenerCounters {
  datagrams: number;
  bytes: number;
  oversized: number;
}

export interface UdpListener {
  /** Where it listens (the real port when 0 was asked). */
  readonly address: string;
  readonly port: number;
  readonly counters: Readonly<UdpListenerCounters>;
  close(): Promise<void>;
}

const defaultReceiveBufferBytes = 8 * 1024 * 1024;
const defaultMaxDatagramBytes = 9216;

/**
 * Binds and starts handing datagrams to `onDatagram` (called synchronously per datagram; the
 * buffer is the handler's). Rejects with SERVER_FAILED when the address cannot be bound.
 * @example const listener = await listenUdp({ address: '127.0.0.1', port: 2055 }, (data, from) => decode(data, from))
 */
export async function listenUdp(options: UdpListenerOptions, onDatagram: (datagram: Buffer, senderAddress: string) => void): Promise<UdpListener> {
  const socket: Socket = createSocket({ type: isIPv6(options.address) ? 'udp6' : 'udp4' });
  const counters: UdpListenerCounters = { datagrams: 0, bytes: 0, oversized: 0 };
  const maxDatagramBytes = options.maxDatagramBytes ?? defaultMaxDatagramBytes;
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (error) =>
      reject(
        new OpenNoticeError(
          'SERVER_FAILED',
          `cannot listen for flows on ${options.address}:${options.port}: ${error.message}`,
          { ip: options.address, port: options.port },
          { cause: error },
        ),
      ),
    );
    socket.bind(options.port, options.address, () => resolve());
  });
  try {
    socket.setRecvBufferSize(options.receiveBufferBytes ?? defaultReceiveBufferBytes);
  } catch {
    // The kernel caps the size (net.core.rmem_max); the default buffer still works, only smaller.
  }
  // After binding, a socket error (e.g. ICMP-induced) must not crash the collector: it is ignored.
  socket.on('error', () => undefined);
  socket.on('message', (datagram, sender) => {
    counters.datagrams++;
    counters.bytes += datagram.length;
    if (datagram.length > maxDatagramBytes) {
      counters.oversized++;
      return;
    }
    onDatagram(datagram, sender.address);
  });
  const bound = socket.address();
  return {
    address: bound.address,
    port: bound.port,
    counters,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
