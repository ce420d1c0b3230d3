/**
 * The inbound UDP listener the flow collector receives exports on. Sockets are the framework's
 * (src/scope), inbound ones too: the web server is HTTP (server/listen.ts), darknet capture
 * reads tcpdump, and this module is the one place that owns an inbound UDP socket: its bind, its receive buffer, and the counters of what
 * arrived and what was refused. It hands each datagram on with the sender's address; it never
 * parses.
 *
 * Two transports: node:dgram in this process, or the native receiver (native-udp-receiver.ts),
 * a small C program that reads many datagrams per system call and passes them over a unix
 * socket into one reused buffer, far cheaper per datagram. `receiver: 'auto'` uses the native one when it can be built and run,
 * else dgram with one notice; the policy (address, buffer, size limit, counters) is the same.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { OpenNoticeError } from '../core/errors.ts';
import { type NativeReceiverBuild, nativeReceiverProgram } from './native-receiver-build.ts';
import { startNativeReceiver } from './native-udp-receiver.ts';

/** Which transport receives: the native receiver, node:dgram, or the native one when available. */
export type UdpReceiverChoice = 'auto' | 'native' | 'dgram';
export const udpReceiverChoices: readonly UdpReceiverChoice[] = ['auto', 'native', 'dgram'];

export interface UdpListenerOptions {
  address: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Kernel receive buffer: exporters send in bursts, and a small buffer drops them silently. */
  receiveBufferBytes?: number;
  /** Datagrams longer than this are counted and dropped (an export never needs more than a jumbo frame). */
  maxDatagramBytes?: number;
  /** Default 'dgram' here; `flows collect` defaults to 'auto'. */
  receiver?: UdpReceiverChoice;
  /** Where the native receiver is built and cached, and with which compiler. */
  nativeBuild?: NativeReceiverBuild;
  /**
   * How long the native receiver gathers datagrams before passing them on (default 100 ms; it
   * empties the socket every 20 ms meanwhile): the collector then handles bursts with warm caches.
   */
  nativeLingerMs?: number;
  /** Told once when 'auto' falls back to dgram, or the native receiver dies and dgram takes over. */
  onNotice?: (text: string) => void;
}

export interface UdpListenerCounters {
  datagrams: number;
  bytes: number;
  oversized: number;
  /** Datagrams the kernel dropped for want of socket buffer (known with the native receiver only). */
  kernelDrops: number;
}

export interface UdpListener {
  /** Where it listens (the real port when 0 was asked). */
  readonly address: string;
  readonly port: number;
  /** The transport in use now. */
  readonly receiver: 'native' | 'dgram';
  /** The native receiver's process id while it runs (its CPU is the collector's too). */
  readonly receiverPid: number | undefined;
  readonly counters: Readonly<UdpListenerCounters>;
  close(): Promise<void>;
}

const defaultReceiveBufferBytes = 8 * 1024 * 1024;
const defaultMaxDatagramBytes = 9216;
const defaultNativeLingerMs = 100;

interface Transport {
  readonly kind: 'native' | 'dgram';
  readonly address: string;
  readonly port: number;
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/**
 * Binds and starts handing datagrams to `onDatagram` (called synchronously per datagram; with
 * the native receiver the buffer is a view into a reused read buffer, so a handler that keeps a
 * datagram past the call copies it). Rejects with SERVER_FAILED when the address cannot be bound, and
 * with INTERNAL when `receiver: 'native'` was asked and the native receiver cannot run.
 * @example const listener = await listenUdp({ address: '127.0.0.1', port: 2055, receiver: 'auto' }, (data, from) => decode(data, from))
 */
export async function listenUdp(options: UdpListenerOptions, onDatagram: (datagram: Buffer, senderAddress: string) => void): Promise<UdpListener> {
  const counters: UdpListenerCounters = { datagrams: 0, bytes: 0, oversized: 0, kernelDrops: 0 };
  const maxDatagramBytes = options.maxDatagramBytes ?? defaultMaxDatagramBytes;
  const receiveBufferBytes = options.receiveBufferBytes ?? defaultReceiveBufferBytes;
  const accept = (datagram: Buffer, sender: string) => {
    counters.datagrams++;
    counters.bytes += datagram.length;
    if (datagram.length > maxDatagramBytes) {
      counters.oversized++;
      return;
    }
    onDatagram(datagram, sender);
  };
  const choice = options.receiver ?? 'dgram';
  let closed = false;
  let transport: Transport | undefined;
  if (choice !== 'dgram') {
    try {
      const receiver = await startNativeReceiver(
        {
          program: await nativeReceiverProgram(options.nativeBuild),
          address: options.address,
          port: options.port,
          receiveBufferBytes,
          maxDatagramBytes,
          lingerMs: options.nativeLingerMs ?? defaultNativeLingerMs,
        },
        {
          datagram: accept,
          oversized: (length) => {
            counters.datagrams++;
            counters.bytes += length;
            counters.oversized++;
          },
          kernelDrops: (total) => {
            counters.kernelDrops = total;
          },
          // The port is free again once the receiver is gone: dgram takes it over, so flows keep coming.
          failed: (reason) => {
            if (closed || transport === undefined) return;
            const { address, port } = transport;
            options.onNotice?.(`the native UDP receiver stopped (${reason}); receiving with node:dgram from now on`);
            transport = undefined;
            bindDgram({ ...options, address, port }, receiveBufferBytes, accept).then(
              (replacement) => {
                if (closed) void replacement.close();
                else transport = replacement;
              },
              (error: unknown) => options.onNotice?.(`cannot listen with node:dgram either: ${error instanceof Error ? error.message : String(error)}`),
            );
          },
        },
      );
      transport = { kind: 'native', address: receiver.address, port: receiver.port, pid: receiver.pid, close: () => receiver.close() };
    } catch (error) {
      if (choice === 'native' || (error instanceof OpenNoticeError && error.code === 'SERVER_FAILED')) throw error;
      options.onNotice?.(`native UDP receiver unavailable, receiving with node:dgram: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  transport ??= await bindDgram(options, receiveBufferBytes, accept);
  const { address, port } = transport;
  return {
    address,
    port,
    get receiver() {
      return transport?.kind ?? 'dgram';
    },
    get receiverPid() {
      return transport?.pid;
    },
    counters,
    close: async () => {
      closed = true;
      await transport?.close();
    },
  };
}

async function bindDgram(options: UdpListenerOptions, receiveBufferBytes: number, accept: (datagram: Buffer, sender: string) => void): Promise<Transport> {
  const socket: Socket = createSocket({ type: isIPv6(options.address) ? 'udp6' : 'udp4' });
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
    socket.setRecvBufferSize(receiveBufferBytes);
  } catch {
    // The kernel caps the size (net.core.rmem_max); the default buffer still works, only smaller.
  }
  // After binding, a socket error (e.g. ICMP-induced) must not crash the collector: it is ignored.
  socket.on('error', () => undefined);
  socket.on('message', (datagram, sender) => accept(datagram, sender.address));
  const bound = socket.address();
  return {
    kind: 'dgram',
    address: bound.address,
    port: bound.port,
    pid: undefined,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
