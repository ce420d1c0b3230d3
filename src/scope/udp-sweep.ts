/**
 * A stateless UDP sweep, ZMap's shape: every target is sent one request datagram from one
 * unconnected socket per source address and family, at a global packet rate, without waiting
 * for its answer; replies are collected as they come and handed on with the target they answer.
 *
 * What keeps it safe and bounded: every target passes the dialer's gate (scope, exclusions,
 * source addresses) before anything is sent; a global packets-per-second budget; a pending map
 * of (address, port) pairs asked within the last cooldown, bounded in size (a full map makes the
 * sender wait for the oldest entry to expire); a byte cap per reply datagram and a cap on replies
 * per target (a flood is cut and counted). A datagram from a pair not pending is a stray.
 *
 * What it cannot tell: an unconnected socket never sees ICMP port-unreachable (Linux reports it
 * only to connected sockets, and Node exposes no IP_RECVERR), so a sweep cannot tell a closed
 * port from an open|filtered one. Both are silence here; ZMap reads ICMP through its raw capture.
 */
import type { Socket as DatagramSocket, RemoteInfo } from 'node:dgram';
import type { Target } from '../core/records.ts';
import { canonicalAddress } from './canonical-address.ts';
import { DialFailure } from './connection.ts';
import type { DatagramSocketFactory } from './datagram.ts';
import type { DialGate } from './dial-gate.ts';
import { sleep } from './limits.ts';
import { type AddressFamily, datagramSocketType } from './target-address.ts';

/** How long a sweep keeps listening for a target after sending to it, by default. */
export const defaultSweepCooldownMs = 2500;
/** Bytes of one reply datagram handed on, by default: enough for any first answer a protocol test reads. */
export const defaultSweepReplyBytes = 8192;
/** Replies per target handed on, by default; more from the same target are a flood, cut and counted. */
export const defaultSweepRepliesPerTarget = 8;
/** Receive buffer asked for each sweep socket. */
const sweepReceiveBufferBytes = 8 * 1024 * 1024;
/** Targets awaited at once, by default (about 26 s of sending at 2,500 packets a second). */
export const defaultSweepPending = 65_536;

export interface SweepOptions {
  /** Called for every accepted reply, with the target it answers (data cut at the byte cap). Must not throw. */
  onReply(target: Target, data: Buffer): void;
  /** Request datagrams per second, all targets together. Default: the dialer's rate (connectionsPerSecond). */
  packetsPerSecond?: number;
  /** How long replies from a target are accepted after the last send to it, and how long close() waits. */
  cooldownMs?: number;
  maxReplyBytes?: number;
  maxRepliesPerTarget?: number;
  maxPending?: number;
}

export interface SweepStats {
  /** Request datagrams handed to the kernel. */
  sent: number;
  /** Sends the kernel refused (no route, a local firewall): nothing left this host. */
  sendErrors: number;
  /** Replies accepted and handed on. */
  replies: number;
  /** Datagrams from an address and port not awaited (never asked, or after the cooldown). */
  strays: number;
  /** Replies over the per-target cap: dropped. */
  cut: number;
}

export interface UdpSweep {
  /**
   * Sends one request datagram to the target once the rate allows. Throws `DialFailure` when
   * nothing was sent because the target is refused (scope, source address, request cap) or the
   * survey was interrupted; resolves false when the kernel refused the send.
   */
  send(target: Target, request: Uint8Array): Promise<boolean>;
  /** Waits out the cooldown after the last send (not when interrupted), closes the sockets, and reports. */
  close(): Promise<SweepStats>;
  stats(): SweepStats;
}

export interface SweepDeps {
  gate: DialGate;
  createSocket: DatagramSocketFactory;
  /** The dialer's rate when the sweep names none. */
  defaultPacketsPerSecond: number;
  maxRequestBytes: number;
  signal?: AbortSignal;
}

interface Pending {
  target: Target;
  expiresAt: number;
  replies: number;
}

/**
 * @example const sweep = createUdpSweep({ gate, createSocket, defaultPacketsPerSecond: 1000, maxRequestBytes: 1024 }, { onReply: (target, data) => seen.push(target) })
 * @example await sweep.send({ ip: '192.0.2.7', port: 161 }, getRequest); const stats = await sweep.close()
 */
export function createUdpSweep(deps: SweepDeps, options: SweepOptions): UdpSweep {
  const pps = options.packetsPerSecond ?? deps.defaultPacketsPerSecond;
  const cooldownMs = options.cooldownMs ?? defaultSweepCooldownMs;
  const maxReplyBytes = options.maxReplyBytes ?? defaultSweepReplyBytes;
  const maxRepliesPerTarget = options.maxRepliesPerTarget ?? defaultSweepRepliesPerTarget;
  const maxPending = options.maxPending ?? defaultSweepPending;
  const interval = 1000 / pps;
  // A burst of 5 ms of packets at most: a tenth of a second's (what TCP admission allows) would
  // hit a small device, or the receive buffers on the way, with hundreds of datagrams at once.
  const burst = Math.max(1, Math.floor(pps / 200));
  let nextSlotAt = performance.now() - burst * interval;
  const pending = new Map<string, Pending>();
  const sockets = new Map<string, Promise<DatagramSocket>>();
  const turns: { [family in AddressFamily]: number } = { 4: 0, 6: 0 };
  const counts: SweepStats = { sent: 0, sendErrors: 0, replies: 0, strays: 0, cut: 0 };
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const interrupted = (target: Target) => new DialFailure('unknown-error', target, 'survey interrupted', 'interrupted');

  const onMessage = (data: Buffer, from: RemoteInfo) => {
    const entry = pending.get(`${canonicalAddress(from.address) ?? from.address}|${from.port}`);
    if (!entry || entry.expiresAt < performance.now()) {
      counts.strays++;
      deps.gate.countStrays(1);
    } else if (entry.replies >= maxRepliesPerTarget) counts.cut++;
    else {
      entry.replies++;
      counts.replies++;
      options.onReply(entry.target, data.length > maxReplyBytes ? data.subarray(0, maxReplyBytes) : data);
    }
  };

  const socketFor = (family: AddressFamily, localAddress: string | undefined): Promise<DatagramSocket> => {
    const key = `${family}|${localAddress ?? ''}`;
    let opened = sockets.get(key);
    if (!opened) {
      opened = new Promise<DatagramSocket>((resolve, reject) => {
        const socket = deps.createSocket(datagramSocketType[family]);
        socket.once('error', reject);
        socket.on('message', onMessage);
        socket.bind({ address: localAddress ?? (family === 4 ? '0.0.0.0' : '::'), port: 0 }, () => {
          socket.off('error', reject);
          // Answers arrive while the sweep keeps sending: a large buffer keeps a burst of them
          // (the kernel caps it at net.core.rmem_max; a refusal leaves the default).
          try {
            socket.setRecvBufferSize(sweepReceiveBufferBytes);
          } catch {
            // the default buffer
          }
          // Later socket errors (an ICMP error surfacing on some platforms) must not crash the survey.
          socket.on('error', () => {});
          resolve(socket);
        });
      });
      sockets.set(key, opened);
    }
    return opened;
  };

  /** Waits for the rate, and for room in the pending map (its oldest entry expiring). */
  const waitTurn = async (target: Target) => {
    try {
      for (let now = performance.now(); pending.size >= maxPending; now = performance.now()) {
        const [oldestKey, oldest] = pending.entries().next().value!;
        if (oldest.expiresAt <= now) pending.delete(oldestKey);
        else await sleep(oldest.expiresAt - now + 1, deps.signal);
      }
      const now = performance.now();
      nextSlotAt = Math.max(nextSlotAt + interval, now - burst * interval);
      if (nextSlotAt > now) await sleep(nextSlotAt - now, deps.signal);
    } catch {
      throw interrupted(target);
    }
  };

  const forget = (now: number) => {
    // Insertion order is expiry order (every entry lives one cooldown from its last send).
    for (const [key, entry] of pending) {
      if (entry.expiresAt > now) break;
      pending.delete(key);
    }
  };

  return {
    stats: () => ({ ...counts }),

    async send(target, request) {
      if (request.length > deps.maxRequestBytes) {
        throw new DialFailure(
          'blocked-target',
          target,
          `a ${request.length}-byte UDP request exceeds the ${deps.maxRequestBytes}-byte request cap`,
          'request-too-large',
        );
      }
      const family = deps.gate.check(target);
      if (closed || deps.signal?.aborted) throw interrupted(target);
      const bytes = Buffer.from(request);
      await waitTurn(target);
      if (closed || deps.signal?.aborted) throw interrupted(target);
      const sources = deps.gate.sourcesOf(family);
      const localAddress = sources.length > 0 ? sources[turns[family]++ % sources.length] : undefined;
      let socket: DatagramSocket;
      try {
        socket = await socketFor(family, localAddress);
      } catch (error) {
        throw new DialFailure(
          'unknown-error',
          target,
          `could not open a UDP socket: ${error instanceof Error ? error.message : String(error)}`,
          'socket-error',
        );
      }
      const now = performance.now();
      forget(now);
      const key = `${canonicalAddress(target.ip) ?? target.ip}|${target.port}`;
      // Re-inserted, not updated: the map stays in expiry order. Replies counted before stay counted.
      const replies = pending.get(key)?.replies ?? 0;
      pending.delete(key);
      pending.set(key, { target: { ip: target.ip, port: target.port }, expiresAt: now + cooldownMs, replies });
      lastSentAt = now;
      deps.gate.countSwept();
      const sent = await new Promise<boolean>((resolve) => socket.send(bytes, target.port, target.ip, (error) => resolve(!error)));
      if (sent) counts.sent++;
      else counts.sendErrors++;
      return sent;
    },

    async close() {
      if (!closed) {
        closed = true;
        const wait = lastSentAt + cooldownMs - performance.now();
        if (wait > 0) await sleep(wait, deps.signal).catch(() => {});
        const opened = await Promise.allSettled(sockets.values());
        for (const result of opened) if (result.status === 'fulfilled') result.value.close();
        sockets.clear();
        pending.clear();
      }
      return { ...counts };
    },
  };
}
