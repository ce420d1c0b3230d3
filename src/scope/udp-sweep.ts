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
import { createSocket } from 'node:dgram';
import type { Target } from '../core/records.ts';
import { canonicalAddress } from './canonical-address.ts';
import { DialFailure } from './connection.ts';
import type { DatagramSocketFactory } from './datagram.ts';
import type { DialGate } from './dial-gate.ts';
import { sleep } from './limits.ts';
import { literalAddressLookup, openLocalChannel, type ReplySource, type SweepChannel, sweepReceiveBufferBytes } from './sweep-channel.ts';
import type { SenderPool } from './sweep-sender-pool.ts';
import type { AddressFamily } from './target-address.ts';

/** How long a sweep keeps listening for a target after sending to it, by default. */
export const defaultSweepCooldownMs = 2500;
/** Bytes of one reply datagram handed on, by default: enough for any first answer a protocol test reads. */
export const defaultSweepReplyBytes = 8192;
/** Replies per target handed on, by default; more from the same target are a flood, cut and counted. */
export const defaultSweepRepliesPerTarget = 8;
/** Targets awaited at once, by default (about 26 s of sending at 2,500 packets a second). */
export const defaultSweepPending = 65_536;
/** Sender threads a sweep may have: more than the cores only adds switching. */
export const maxSenderThreads = 8;
/** From this packet rate on, a sweep sends from a sender thread by default: below it one event loop has time to spare. */
export const senderThreadFromPacketsPerSecond = 5000;
/**
 * Datagrams handed on but not yet completed, at most. A sender thread could otherwise be
 * handed datagrams faster than it sends them; the sweep then waits, so that the time it spent
 * sending is the time the kernel took them.
 */
const maxDatagramsInFlight = 4096;
/** Longest wait for datagrams in flight to complete. */
const drainGuardMs = 5000;

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
  /**
   * Threads that call the kernel for the sweep (ZMap's sender threads); 0 sends from this
   * thread. Default: 1 from 5,000 packets a second on, else 0; always 0 when the dialer was
   * given its own socket factory (a test's wrapper lives on this thread).
   */
  senderThreads?: number;
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
   * Resolves when the sweep's sender threads have started (at once without them): a one-time
   * cost of the dialer, like a scanner's start-up, that a caller timing its sending leaves out.
   * Never rejects: a thread that cannot start fails the sends instead.
   */
  ready(): Promise<void>;
  /** Resolves when every datagram handed on so far has completed (taken or refused by the kernel), or after 5 s at most. */
  drain(): Promise<void>;
  /**
   * Waits out the cooldown after the last send (not when interrupted) and for every send's
   * completion, closes the sockets, and reports.
   */
  close(): Promise<SweepStats>;
  stats(): SweepStats;
}

export interface SweepDeps {
  gate: DialGate;
  /** A socket factory of the caller's own (a test's wrapper): the sweep then sends only from this thread. */
  createSocket?: DatagramSocketFactory;
  /** The dialer's sender threads; without them a sweep sends from this thread whatever it asks. */
  senderPool?: SenderPool;
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
  const senderThreads =
    deps.createSocket || !deps.senderPool
      ? 0
      : Math.min(maxSenderThreads, Math.max(0, Math.floor(options.senderThreads ?? (pps >= senderThreadFromPacketsPerSecond ? 1 : 0))));
  const pool = senderThreads > 0 ? deps.senderPool : undefined;
  // Started now, not at the first send: a thread takes a fifth of a second to load (once per dialer).
  const threadsReady = pool ? pool.start(senderThreads).catch(() => {}) : Promise.resolve();
  const createLocalSocket = deps.createSocket ?? ((type: 'udp4' | 'udp6') => createSocket({ type, lookup: literalAddressLookup }));
  /** One channel per family, source address and lane (a lane is a sender thread; one lane without them). */
  const lanes = Math.max(1, senderThreads);
  const channels = new Map<string, Promise<SweepChannel>>();
  // The same channels once open: a send does not wait on a promise for a channel it already has.
  const openChannels = new Map<string, SweepChannel>();
  let inFlight = 0;
  /** Waiters for fewer datagrams in flight: `room` below the cap, `drained` at none. */
  let roomWaiters: Array<() => void> = [];
  let drainWaiters: Array<() => void> = [];
  const turns: { [family in AddressFamily]: number } = { 4: 0, 6: 0 };
  let laneTurn = 0;
  const counts: SweepStats = { sent: 0, sendErrors: 0, replies: 0, strays: 0, cut: 0 };
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const interrupted = (target: Target) => new DialFailure('unknown-error', target, 'survey interrupted', 'interrupted');

  const onMessage = (data: Buffer, from: ReplySource) => {
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

  const channelFor = (key: string, family: AddressFamily, localAddress: string | undefined, lane: number): Promise<SweepChannel> => {
    let opened = channels.get(key);
    if (!opened) {
      opened = (
        pool
          ? pool.open(family, localAddress, lane, { receiveBufferBytes: sweepReceiveBufferBytes, maxReplyBytes }, onMessage)
          : openLocalChannel(createLocalSocket, family, localAddress, onMessage)
      ).then((channel) => {
        openChannels.set(key, channel);
        return channel;
      });
      channels.set(key, opened);
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
    if (inFlight < maxDatagramsInFlight && roomWaiters.length > 0) {
      const waiting = roomWaiters;
      roomWaiters = [];
      for (const wake of waiting) wake();
    }
    if (inFlight === 0 && drainWaiters.length > 0) {
      const waiting = drainWaiters;
      drainWaiters = [];
      for (const wake of waiting) wake();
    }
  };

  /** Waits until fewer than the cap of datagrams are in flight. */
  const inFlightRoom = async () => {
    while (inFlight >= maxDatagramsInFlight) await new Promise<void>((wake) => roomWaiters.push(wake));
  };

  /** Bounded: a completion that never comes (it always should) cannot hold a survey. */
  const drain = async (guardMs = drainGuardMs) => {
    if (inFlight === 0) return;
    const guard = new AbortController();
    await Promise.race([new Promise<void>((wake) => drainWaiters.push(wake)), sleep(guardMs, guard.signal).catch(() => {})]);
    guard.abort();
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

  /** The published source address whose turn it is (round-robin), the lane whose turn it is, and their channel's key. */
  const nextSource = (family: AddressFamily) => {
    const sources = deps.gate.sourcesOf(family);
    const localAddress = sources.length > 0 ? sources[turns[family]++ % sources.length] : undefined;
    const lane = laneTurn++ % lanes;
    return { localAddress, lane, key: `${family}|${localAddress ?? ''}|${lane}` };
  };

  /** Records the pair as pending and hands the datagram on; its completion is counted later. */
  const dispatch = (channel: SweepChannel, target: Target, request: Uint8Array, family: AddressFamily) => {
    const now = performance.now();
    // An IPv4 literal the gate accepted is canonical already (leading zeros are refused); IPv6 text has many forms.
    const key = `${family === 4 ? target.ip : (canonicalAddress(target.ip) ?? target.ip)}|${target.port}`;
    // Re-inserted, not updated: the map stays in asking order. Replies counted before stay counted.
    const replies = pending.get(key)?.replies ?? 0;
    pending.delete(key);
    const asked = { ip: target.ip, port: target.port };
    pending.set(key, { target: asked, releasableAt: now + cooldownMs, replies });
    lastSentAt = now;
    deps.gate.countSwept();
    inFlight++;
    channel.send(request, target.port, target.ip, completed(asked));
  };

  return {
    stats: () => ({ ...counts }),

    drain: () => drain(),
    ready: () => threadsReady,

    trySend(target, request) {
      const family = admissible(target, request);
      if (pending.size >= maxPending || inFlight >= maxDatagramsInFlight || !takeSlotNow()) return false;
      const source = nextSource(family);
      const channel = openChannels.get(source.key);
      if (!channel) {
        // the awaited send takes these turns again
        turns[family]--;
        laneTurn--;
        return false;
      }
      dispatch(channel, target, request, family);
      return true;
    },

    async send(target, request) {
      const family = admissible(target, request);
      if (pending.size >= maxPending) await makeRoom(target);
      await inFlightRoom();
      await waitSlot(target);
      if (closed || deps.signal?.aborted) throw interrupted(target);
      const source = nextSource(family);
      let channel = openChannels.get(source.key);
      if (!channel) {
        try {
          channel = await channelFor(source.key, family, source.localAddress, source.lane);
        } catch (error) {
          throw new DialFailure(
            'unknown-error',
            target,
            `could not open a UDP socket: ${error instanceof Error ? error.message : String(error)}`,
            'socket-error',
          );
        }
      }
      dispatch(channel, target, request, family);
    },

    async close() {
      if (!closed) {
        closed = true;
        const wait = lastSentAt + cooldownMs - performance.now();
        if (wait > 0) await sleep(wait, deps.signal).catch(() => {});
        // Completions come within an event-loop turn or two of their send (a sender thread's
        // within its batch); the bound is a guard, and closing the pool fails what is left.
        await drain(1000);
        const opened = await Promise.allSettled(channels.values());
        for (const result of opened) if (result.status === 'fulfilled') result.value.close();
        channels.clear();
        openChannels.clear();
        pending.clear();
      }
      return { ...counts };
    },
  };
}
