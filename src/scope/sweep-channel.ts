/**
 * Where a UDP sweep's datagrams leave from: an unconnected socket, either on the survey's own
 * thread or owned by a sender thread (sweep-sender-pool.ts). The sweep decides what is sent to
 * whom and matches the replies; a channel only moves bytes, so the scope check, the rate and
 * the pending map stay in one place whichever thread calls the kernel.
 */
import type { Socket as DatagramSocket } from 'node:dgram';
import { lookup as resolve, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { DatagramSocketFactory } from './datagram.ts';
import { type AddressFamily, datagramSocketType } from './target-address.ts';

/** Where a reply came from. */
export interface ReplySource {
  address: string;
  port: number;
}

/** Called for every datagram a channel's socket receives. */
export type ChannelMessageHandler = (data: Buffer, from: ReplySource) => void;

export interface SweepChannel {
  /** Hands one datagram on; `done` is called exactly once, with the kernel's refusal or null. */
  send(request: Uint8Array, port: number, address: string, done: (error: Error | null) => void): void;
  close(): void;
}

/** Receive buffer asked for each sweep socket: answers arrive while the sweep keeps sending. */
export const sweepReceiveBufferBytes = 8 * 1024 * 1024;

/**
 * A `lookup` for node:dgram that answers an address literal at once. The default one defers
 * every send by an event-loop tick even for a literal, which is all a sweep ever sends to
 * (the gate refuses host names); anything else still goes to the resolver.
 * @example createSocket({ type: 'udp4', lookup: literalAddressLookup })
 */
export function literalAddressLookup(
  hostname: string,
  options: LookupOneOptions | number,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else resolve(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

/**
 * A channel on this thread: a socket from the dialer's factory, bound to the source address.
 * @example const channel = await openLocalChannel(createSocket, 4, '127.0.0.1', (data, from) => seen.push(from))
 */
export function openLocalChannel(
  createSocket: DatagramSocketFactory,
  family: AddressFamily,
  localAddress: string | undefined,
  onMessage: ChannelMessageHandler,
): Promise<SweepChannel> {
  return new Promise<SweepChannel>((done, fail) => {
    const socket: DatagramSocket = createSocket(datagramSocketType[family]);
    socket.once('error', fail);
    socket.on('message', onMessage);
    socket.bind({ address: localAddress ?? (family === 4 ? '0.0.0.0' : '::'), port: 0 }, () => {
      socket.off('error', fail);
      try {
        socket.setRecvBufferSize(sweepReceiveBufferBytes);
      } catch {
        // the kernel caps it at net.core.rmem_max; a refusal leaves the default
      }
      // Later socket errors (an ICMP error surfacing on some platforms) must not crash the survey.
      socket.on('error', () => {});
      done({
        send(request, port, address, sent) {
          try {
            socket.send(request, port, address, sent);
          } catch (error) {
            // Node refuses some sends before the kernel sees them (a bad port, a closed socket).
            sent(error instanceof Error ? error : new Error(String(error)));
          }
        },
        close: () => socket.close(),
      });
    });
  });
}
