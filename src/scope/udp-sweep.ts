/**
 * A stateless UDP sweep, ZMap's shape: every target is sent one request datagram from one
 * unconnected socket per source address and family, at a global packet rate, without waiting
 * for its answer; replies are collected as they come and handed on with the target they answer.
 *
 * What keeps it safe and bounded: every target passes the dialer's gate (scope, exclusions,
 * source addresses) before anything is sent; a global packets-per-second budget; a pending map
 * of the (address, port) pairs asked, bounded in size; a byte cap per reply datagram and a cap on
 * replies per target (a flood is cut and counted). A datagram from a pair not pending is a stray.
 *
 * As in ZMap, a pair's reply is accepted until the sweep closes, not only within a time of its
 * own: a busy responder (or a busy survey process) that answers late is still heard. Only when
 * the pending map is full does the oldest pair give way, once a cooldown has passed since it was
 * asked (the sender waits for that); close() listens one cooldown past the last send.
 *
 * Sending does not wait for each datagram's completion: a send is handed to the kernel and the
 * next follows in the same burst, so that the rate is the budget's and not one event-loop turn
 * per datagram. A send the kernel refuses (no route, a local firewall) is counted and reported
 * through `onSendError` when its completion arrives.
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
  /** Called when the kernel refused a datagram handed to it (nothing left this host). Must not throw. */
  onSendError?(target: Target, error: Error): void;
  /** Request datagrams per second, all targets together. Default: the dialer's rate (connectionsPerSecond). */
  packetsPerSecond?: number;
  /**
   * How long close() listens after the last send, and how long a pair stays pending at least
   * before a full pending map lets it go.
   */
  cooldownMs?: number;
  maxReplyBytes?: number;
  maxRepliesPerTarget?: number;
  maxPending?: number;
}

export interface SweepStats {
  /** Request datagrams the kernel took. */
  sent: number;
  /** Sends the kernel refused (no route, a local firewall): nothing left this host. */
  sendErrors: number;
  /** Replies accepted and handed on. */
  replies: number;
  /** Datagrams from an address and port not awaited (never asked, or let go from a full pending map). */
  strays: number;
  /** Replies over the per-target cap: dropped. */
  cut: number;
}

export interface UdpSweep {
  /**
   * Hands one request datagram for the target to the kernel once the rate allows. Throws
   * `DialFailure` when nothing was sent because the target is refused (scope, source address,
   * request cap) or the survey was interrupted. A refusal by the kernel comes later, through
   * `onSendError` and `sendErrors`.
   */
  send(target: Target, request: Uint8Array): Promise<void>;
  /**
   * `send` without waiting: hands the datagram to the kernel when the rate has a slot now and
   * the pending map has room, and returns true; returns false, having sent nothing, when the
   * caller must `await send` instead. Throws as `send` does. The fast path of a sweep's loop:
   * no promise per datagram while a burst lasts.
   */
  trySend(target: Target, request: Uint8Array): boolean;
  /**
   * Waits out the cooldown after the last send (not when interrupted) and for every send's
   * completion, closes the sockets, and reports.
   */
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
  /** When a full pending map may let it go: a cooldown after it was last asked. */
  releasableAt: number;
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
  // The same sockets once open: a send does not wait on a promise for a socket it already has.
  const openSockets = new Map<string, DatagramSocket>();
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const turns: { [family in AddressFamily]: number } = { 4: 0, 6: 0 };
  const counts: SweepStats = { sent: 0, sendErrors: 0, replies: 0, strays: 0, cut: 0 };
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const interrupted = (target: Target) => new DialFailure('unknown-error', target, 'survey interrupted', 'interrupted');

  const onMessage = (data: Buffer, from: RemoteInfo) => {
    const entry = pending.get(`${canonicalAddress(from.address) ?? from.address}|${from.port}`);
    if (!entry) {
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
          openSockets.set(key, socket);
          resolve(socket);
        });
      });
      sockets.set(key, opened);
    }
    return opened;
  };

  /**
   * Room in the pending map: its oldest pair gives way once a cooldown has passed since it was
   * asked (insertion order is asking order: a pair asked again is re-inserted).
   */
  const makeRoom = async (target: Target) => {
    for (let now = performance.now(); pending.size >= maxPending; now = performance.now()) {
      const [oldestKey, oldest] = pending.entries().next().value!;
      if (oldest.releasableAt <= now) pending.delete(oldestKey);
      else await sleep(oldest.releasableAt - now + 1, deps.signal).catch(() => Promise.reject(interrupted(target)));
    }
  };

  /** Waits for the rate's next slot; within a burst there is no wait, and no timer. */
  const waitSlot = async (target: Target) => {
    const now = performance.now();
    nextSlotAt = Math.max(nextSlotAt + interval, now - burst * interval);
    // A timer only for a wait worth one: under a millisecond the slot is taken now and the
    // budget is kept over the burst (nextSlotAt runs ahead and the next wait is longer).
    if (nextSlotAt - now >= 1) await sleep(nextSlotAt - now, deps.signal).catch(() => Promise.reject(interrupted(target)));
  };

  /** Takes the rate's next slot if it is due now (or within the millisecond a timer could not resolve). */
  const takeSlotNow = (): boolean => {
    const now = performance.now();
    const slot = Math.max(nextSlotAt + interval, now - burst * interval);
    if (slot - now >= 1) return false;
    nextSlotAt = slot;
    return true;
  };

  const completed = (target: Target) => (error: Error | null) => {
    inFlight--;
    if (error) {
      counts.sendErrors++;
      options.onSendError?.(target, error);
    } else counts.sent++;
    if (inFlight === 0) drained?.();
  };

  /** The checks every send passes first: the request cap, the dialer's gate, an interrupted survey. */
  const admissible = (target: Target, request: Uint8Array): AddressFamily => {
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
    return family;
  };

  /** The published source address whose turn it is (round-robin), and its socket's key. */
  const nextSource = (family: AddressFamily) => {
    const sources = deps.gate.sourcesOf(family);
    const localAddress = sources.length > 0 ? sources[turns[family]++ % sources.length] : undefined;
    return { localAddress, key: `${family}|${localAddress ?? ''}` };
  };

  /** Records the pair as pending and hands the datagram to the kernel; its completion is counted later. */
  const dispatch = (socket: DatagramSocket, target: Target, request: Uint8Array) => {
    const now = performance.now();
    const key = `${canonicalAddress(target.ip) ?? target.ip}|${target.port}`;
    // Re-inserted, not updated: the map stays in asking order. Replies counted before stay counted.
    const replies = pending.get(key)?.replies ?? 0;
    pending.delete(key);
    const asked = { ip: target.ip, port: target.port };
    pending.set(key, { target: asked, releasableAt: now + cooldownMs, replies });
    lastSentAt = now;
    deps.gate.countSwept();
    inFlight++;
    const done = completed(asked);
    try {
      socket.send(request, target.port, target.ip, done);
    } catch (error) {
      // Node refuses some sends before the kernel sees them (a bad port, a closed socket).
      done(error instanceof Error ? error : new Error(String(error)));
    }
  };

  return {
    stats: () => ({ ...counts }),

    trySend(target, request) {
      const family = admissible(target, request);
      if (pending.size >= maxPending || !takeSlotNow()) return false;
      const source = nextSource(family);
      const socket = openSockets.get(source.key);
      if (!socket) {
        turns[family]--; // the awaited send takes this turn again
        return false;
      }
      dispatch(socket, target, request);
      return true;
    },

    async send(target, request) {
      const family = admissible(target, request);
      if (pending.size >= maxPending) await makeRoom(target);
      await waitSlot(target);
      if (closed || deps.signal?.aborted) throw interrupted(target);
      const source = nextSource(family);
      let socket = openSockets.get(source.key);
      if (!socket) {
        try {
          socket = await socketFor(family, source.localAddress);
        } catch (error) {
          throw new DialFailure(
            'unknown-error',
            target,
            `could not open a UDP socket: ${error instanceof Error ? error.message : String(error)}`,
            'socket-error',
          );
        }
      }
      dispatch(socket, target, request);
    },

    async close() {
      if (!closed) {
        closed = true;
        const wait = lastSentAt + cooldownMs - performance.now();
        if (wait > 0) await sleep(wait, deps.signal).catch(() => {});
        // Completions come within an event-loop turn or two of their send; the bound is a guard.
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            const guard = setTimeout(resolve, 1000);
            drained = () => {
              clearTimeout(guard);
              resolve();
            };
          });
        }
        const opened = await Promise.allSettled(sockets.values());
        for (const result of opened) if (result.status === 'fulfilled') result.value.close();
        sockets.clear();
        pending.clear();
      }
      return { ...counts };
    },
  };
}
