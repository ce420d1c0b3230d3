/**
 * Sender threads for UDP sweeps, ZMap's `--sender-threads`: the survey's thread keeps
 * everything that decides (targets, the gate, the rate, the pending map, matching replies)
 * and hands each burst of datagrams to a thread that only calls the kernel. One event loop
 * spends most of a datagram's time inside the send call; moving that call to another core is
 * what lets a sweep go past one core's rate.
 *
 * The dialer owns one pool for its life: a thread starts once (loading it takes a fifth of a
 * second) and serves every sweep of the survey, each sweep opening and closing its own sockets
 * on it. Lane k is thread k, started on first use.
 *
 * Batches: datagrams handed to a channel are collected and posted once the current burst ends
 * (a microtask), or sooner when a batch is full; each batch is acknowledged when every datagram
 * in it has completed, which is when the sweep counts them sent. A thread that fails fails its
 * outstanding datagrams as refused, never silently.
 */
import { Worker } from 'node:worker_threads';
import type { ChannelMessageHandler, SweepChannel } from './sweep-channel.ts';
import type { FromSenderMessage, SendBatchMessage, ToSenderMessage } from './sweep-sender-messages.ts';
import { type AddressFamily, datagramSocketType } from './target-address.ts';

const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './sweep-sender-worker.ts' : './sweep-sender-worker.js', import.meta.url);

/** Datagrams per batch at most: a burst larger than this is posted in several. */
const datagramsPerBatch = 512;

export interface ChannelOptions {
  receiveBufferBytes: number;
  /** Replies are cut to this many bytes on the sender thread, before they cross over. */
  maxReplyBytes: number;
}

export interface SenderPool {
  /** Starts threads 0 … lanes−1 where not started yet; resolves when each is ready (or throws why one is not). */
  start(lanes: number): Promise<void>;
  /** A channel on thread `lane`, bound to the source address (the thread starts if it has not). */
  open(family: AddressFamily, localAddress: string | undefined, lane: number, options: ChannelOptions, onMessage: ChannelMessageHandler): Promise<SweepChannel>;
  /** Ends every thread; datagrams not yet acknowledged complete as refused. */
  close(): Promise<void>;
}

interface SenderThread {
  worker: Worker;
  ready: Promise<void>;
  post(message: ToSenderMessage, transfer?: ArrayBuffer[]): void;
  /** Why the thread stopped, once it has. */
  failure: Error | undefined;
  /** Batches posted and not yet acknowledged: failed with the thread. */
  batches: Set<number>;
}

/**
 * @example const pool = createSenderPool(); const channel = await pool.open(4, undefined, 0, { receiveBufferBytes: 1 << 23, maxReplyBytes: 8192 }, onMessage)
 */
export function createSenderPool(): SenderPool {
  const threads: SenderThread[] = [];
  const opening = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const handlers = new Map<number, ChannelMessageHandler>();
  const batches = new Map<number, Array<(error: Error | null) => void>>();
  let nextChannel = 0;
  let nextBatch = 0;
  let closed = false;

  const failThread = (thread: SenderThread, error: Error) => {
    if (thread.failure) return;
    thread.failure = error;
    for (const batch of thread.batches) {
      for (const done of batches.get(batch) ?? []) done(error);
      batches.delete(batch);
    }
    thread.batches.clear();
  };

  const onMessage = (thread: SenderThread, ready: () => void) => (message: FromSenderMessage) => {
    if (message.kind === 'sent') {
      const done = batches.get(message.batch);
      batches.delete(message.batch);
      thread.batches.delete(message.batch);
      if (!done) return;
      const refused = new Map(message.refusedIndexes.map((index, at) => [index, message.refusals[at]!]));
      done.forEach((callback, index) => {
        const why = refused.get(index);
        callback(why === undefined ? null : new Error(why));
      });
    } else if (message.kind === 'replies') {
      const handler = handlers.get(message.channel);
      if (!handler) return;
      for (let index = 0; index < message.data.length; index++) {
        const data = message.data[index]!;
        handler(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { address: message.addresses[index]!, port: message.ports[index]! });
      }
    } else if (message.kind === 'opened') {
      const waiting = opening.get(message.channel);
      opening.delete(message.channel);
      if (message.error === undefined) waiting?.resolve();
      else waiting?.reject(new Error(message.error));
    } else ready();
  };

  const threadFor = (lane: number): SenderThread => {
    if (closed) throw new Error('the sender threads are closed');
    let thread = threads[lane];
    if (!thread) {
      const worker = new Worker(workerUrl);
      // The dialer's owner closes the pool; unref keeps a forgotten one from holding the process open.
      worker.unref();
      let markReady: () => void = () => {};
      let markFailed: (error: Error) => void = () => {};
      const ready = new Promise<void>((resolve, reject) => {
        markReady = resolve;
        markFailed = reject;
      });
      // Awaited by whoever starts or opens; a failure before that is still reported through them.
      ready.catch(() => {});
      const created: SenderThread = {
        worker,
        ready,
        post: (message, transfer) => worker.postMessage(message, transfer ?? []),
        failure: undefined,
        batches: new Set(),
      };
      worker.on('message', onMessage(created, markReady));
      const stopped = (error: Error) => {
        markFailed(error);
        failThread(created, error);
        for (const [channel, waiting] of opening) {
          opening.delete(channel);
          waiting.reject(error);
        }
      };
      worker.on('error', (error) => stopped(error));
      worker.on('exit', (code) => stopped(new Error(`a sweep's sender thread ended (exit code ${code})`)));
      threads[lane] = created;
      thread = created;
    }
    return thread;
  };

  return {
    async start(lanes) {
      const started: Array<Promise<void>> = [];
      for (let lane = 0; lane < lanes; lane++) started.push(threadFor(lane).ready);
      await Promise.all(started);
    },

    async open(family, localAddress, lane, options, onReply) {
      const thread = threadFor(lane);
      await thread.ready;
      if (thread.failure) throw thread.failure;
      const channel = nextChannel++;
      handlers.set(channel, onReply);
      try {
        await new Promise<void>((resolve, reject) => {
          opening.set(channel, { resolve, reject });
          thread.post({
            kind: 'open',
            channel,
            type: datagramSocketType[family],
            localAddress: localAddress ?? (family === 4 ? '0.0.0.0' : '::'),
            receiveBufferBytes: options.receiveBufferBytes,
            maxReplyBytes: options.maxReplyBytes,
          });
        });
      } catch (error) {
        handlers.delete(channel);
        throw error;
      }
      return threadChannel(thread, channel);
    },

    async close() {
      closed = true;
      await Promise.all(
        threads.map(async (thread) => {
          if (!thread.failure) thread.post({ kind: 'close' });
          await thread.worker.terminate();
          failThread(thread, new Error('the sender threads closed before the datagram was sent'));
        }),
      );
      handlers.clear();
    },
  };

  /** A channel whose datagrams are collected into batches and posted to its thread. */
  function threadChannel(thread: SenderThread, channel: number): SweepChannel {
    let requests: Uint8Array[] = [];
    let addresses: string[] = [];
    let ports: number[] = [];
    let done: Array<(error: Error | null) => void> = [];
    let flushQueued = false;
    let channelClosed = false;

    const flush = () => {
      flushQueued = false;
      if (done.length === 0) return;
      const sent = done;
      const failure = thread.failure ?? (channelClosed ? new Error('the sweep closed before the datagram was sent') : undefined);
      if (failure) {
        for (const callback of sent) callback(failure);
      } else {
        const ends = new Uint32Array(requests.length);
        let length = 0;
        requests.forEach((request, index) => {
          length += request.length;
          ends[index] = length;
        });
        const payload = new Uint8Array(length);
        requests.forEach((request, index) => {
          payload.set(request, index === 0 ? 0 : ends[index - 1]);
        });
        const batch = nextBatch++;
        batches.set(batch, sent);
        thread.batches.add(batch);
        const message: SendBatchMessage = { kind: 'send', channel, batch, addresses, ports: Uint16Array.from(ports), payload, ends };
        thread.post(message, [payload.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
      }
      requests = [];
      addresses = [];
      ports = [];
      done = [];
    };

    return {
      send(request, port, address, completed) {
        requests.push(request);
        addresses.push(address);
        ports.push(port);
        done.push(completed);
        if (done.length >= datagramsPerBatch) flush();
        else if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(flush);
        }
      },
      close() {
        flush();
        channelClosed = true;
        handlers.delete(channel);
        if (!thread.failure) thread.post({ kind: 'close-channel', channel });
      },
    };
  }
}
