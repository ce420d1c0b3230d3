/**
 * One UDP request and the replies to it, over a socket of its own that is connected to the
 * target: the kernel then delivers only datagrams from the target's address and port, and
 * reports an ICMP port-unreachable as ECONNREFUSED on the next receive. A datagram that
 * slipped in before connect() (the socket receives from anyone between bind and connect)
 * is checked here again, dropped and counted.
 */
import type { Socket as DatagramSocket } from 'node:dgram';
import type { GrabStatus, Target } from '../core/records.ts';
import { canonicalAddress } from './canonical-address.ts';

/** Opens a UDP socket; the dialer's default is node:dgram's createSocket, tests pass a wrapper. */
export type DatagramSocketFactory = (type: 'udp4' | 'udp6') => DatagramSocket;

/** Limits on one UDP query. The shared ones default to the dialer's connection limits. */
export interface DatagramLimits {
  /** Longest wait for the first reply; none by then ends the query as `io-timeout` (open|filtered). */
  ioTimeoutMs: number;
  /** Silence after a reply that ends the collection (one-answer services end here; SSDP-like ones send several). */
  quietMs: number;
  /** Total time from socket creation to the end of collection. */
  deadlineMs: number;
  /** Replies kept before the collection stops (`maxReplies: 1` for request/response services). */
  maxReplies: number;
  /** Reply bytes kept, all replies together; the reply that crosses it is truncated and ends the query. */
  maxBytes: number;
}

export interface DatagramReply {
  data: Buffer;
  /** Milliseconds from sending the request to this reply's arrival. */
  atMs: number;
  /** Cut at the byte cap (only ever the last reply). */
  truncated: boolean;
  /** The datagram's UDP payload length as it arrived, before any cut: what a reflector sends a victim. */
  size: number;
}

/** Why the collection stopped. */
export type DatagramEnd = 'quiet' | 'reply-cap' | 'byte-cap' | 'no-reply' | 'deadline' | 'refused' | 'aborted' | 'error';

export interface DatagramExchange {
  readonly target: Target;
  /**
   * `success`: at least one reply, ended by the quiet period or the reply cap.
   * `io-timeout`: no reply at all (for UDP: open|filtered; the port may be open and silent).
   * `connection-refused`: an ICMP port-unreachable came back (the port is closed).
   * `byte-cap-exceeded`, `deadline-exceeded` (replies kept), `unknown-error` (aborted or a socket error; see `error`).
   */
  status: GrabStatus;
  end: DatagramEnd;
  replies: DatagramReply[];
  /** Bytes of the request handed to the kernel: 0 when it was never sent. */
  bytesWritten: number;
  /** Reply bytes kept (after the byte cap). */
  bytesRead: number;
  /** Datagrams from an address or port other than the target's: ignored, counted. */
  strays: number;
  durationMs: number;
  error?: string;
}

export interface ExchangeStart {
  socket: DatagramSocket;
  target: Target;
  request: Uint8Array;
  /** Source address to bind, or undefined for any. */
  localAddress: string | undefined;
  limits: DatagramLimits;
  signal?: AbortSignal;
  /** Called as the request goes out (the per-target rate records it). */
  onSent: () => void;
  /** Called once when the exchange is over, socket closed and timers cleared. */
  onDone: (exchange: DatagramExchange) => void;
}

/**
 * Binds, connects, sends the request once, collects replies within the limits, closes the
 * socket and resolves. Never rejects: every outcome is a status.
 * @example const exchange = await exchangeDatagram({ socket, target, request, localAddress, limits, onSent, onDone })
 */
export function exchangeDatagram(start: ExchangeStart): Promise<DatagramExchange> {
  const { socket, target, limits } = start;
  const startedAt = performance.now();
  const replies: DatagramReply[] = [];
  let sentAt: number | undefined;
  let bytesWritten = 0;
  let bytesRead = 0;
  let strays = 0;
  let waitTimer: NodeJS.Timeout | undefined;
  let finished = false;

  return new Promise<DatagramExchange>((resolve) => {
    const finish = (end: DatagramEnd, error?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearTimeout(waitTimer);
      start.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('message');
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      try {
        socket.close();
      } catch {
        // Already closed by the runtime (a failed bind): nothing left to release.
      }
      const exchange: DatagramExchange = {
        target,
        status: datagramStatus(end, replies.length),
        end,
        replies,
        bytesWritten,
        bytesRead,
        strays,
        durationMs: Math.round(performance.now() - startedAt),
        ...(error === undefined ? {} : { error }),
      };
      start.onDone(exchange);
      resolve(exchange);
    };
    const wait = (milliseconds: number, end: DatagramEnd) => {
      clearTimeout(waitTimer);
      waitTimer = setTimeout(() => finish(end), milliseconds);
    };
    const onAbort = () => finish('aborted', 'survey interrupted');
    const deadline = setTimeout(() => finish('deadline'), limits.deadlineMs);

    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish('refused', 'ICMP port unreachable');
      else finish('error', error.code ?? error.message);
    });
    socket.on('message', (message: Buffer, from: { address: string; port: number }) => {
      // Compared as canonical text: the kernel's form of an IPv6 address may differ from the target's (an embedded IPv4 tail).
      if (sentAt === undefined || from.port !== target.port || (from.address !== target.ip && canonicalAddress(from.address) !== canonicalAddress(target.ip))) {
        strays++;
        return;
      }
      const room = limits.maxBytes - bytesRead;
      const truncated = message.length > room;
      const data = truncated ? message.subarray(0, Math.max(0, room)) : message;
      bytesRead += data.length;
      replies.push({ data, atMs: Math.round(performance.now() - sentAt), truncated, size: message.length });
      if (truncated) finish('byte-cap');
      else if (replies.length >= limits.maxReplies) finish('reply-cap');
      else wait(limits.quietMs, 'quiet');
    });
    if (start.signal?.aborted) return onAbort();
    start.signal?.addEventListener('abort', onAbort, { once: true });

    // Bind first and explicitly, so the source address is the plan's, then connect, then send.
    socket.bind({ port: 0, ...(start.localAddress ? { address: start.localAddress } : {}) }, () => {
      if (finished) return;
      socket.connect(target.port, target.ip, (error?: Error) => {
        if (finished) return;
        if (error) return finish('error', `connect: ${error.message}`);
        sentAt = performance.now();
        bytesWritten = start.request.length;
        start.onSent();
        wait(limits.ioTimeoutMs, 'no-reply');
        socket.send(start.request, (sendError) => {
          if (sendError) {
            bytesWritten = 0;
            finish((sendError as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : 'error', `send: ${sendError.message}`);
          }
        });
      });
    });
  });
}

/**
 * The grab status of an exchange that stopped at `end` with `replyCount` replies.
 * @example datagramStatus('deadline', 0) // 'io-timeout'
 */
export function datagramStatus(end: DatagramEnd, replyCount: number): GrabStatus {
  switch (end) {
    case 'quiet':
    case 'reply-cap':
      return 'success';
    case 'byte-cap':
      return 'byte-cap-exceeded';
    case 'no-reply':
      return 'io-timeout';
    case 'deadline':
      return replyCount > 0 ? 'deadline-exceeded' : 'io-timeout';
    case 'refused':
      return 'connection-refused';
    case 'aborted':
    case 'error':
      return 'unknown-error';
  }
}
