/**
 * Sender threads for a UDP sweep, ZMap's `--sender-threads`: the survey's thread keeps
 * everything that decides (targets, the gate, the rate, the pending map, matching replies)
 * and hands each burst of datagrams to a thread that only calls the kernel. One event loop
 * spends most of a datagram's time inside the send call; moving that call to another core is
 * what lets a sweep go past one core's rate.
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

export interface SenderPoolOptions {
  threads: number;
  receiveBufferBytes: number;
  maxReplyBytes: number;
}

export interface SenderPool {
  /** A channel on thread `lane` (modulo the thread count), bound to the source address. */
  open(family: AddressFamily, localAddress: string | undefined, lane: number, onMessage: ChannelMessageHandler): Promise<SweepChannel>;
  /** Ends every thread; datagrams not yet acknowledged complete as refused. */
  close(): Promise<void>;
}

interface PendingBatch {
  done: Array<(error: Error | null) => void>;
}

interface SenderThread {
  worker: Worker;
  post(message: ToSenderMessage, transfer?: ArrayBuffer[]): void;
  /** Why the thread stopped, once it has. */
  failure: Error | undefined;
}

/**
 * @example const pool = createSenderPool({ threads: 1, receiveBufferBytes: 1 << 23, maxReplyBytes: 8192 }); const channel = await pool.open(4, undefined, 0, onMessage)
 */
export function createSenderPool(options: SenderPoolOptions): SenderPool {
  const threads: SenderThread[] = [];
  const opening = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const handlers = new Map<number, ChannelMessageHandler>();
  const batches = new Map<number, PendingBatch>();
  const batchesOf = new Map<SenderThread, Set<number>>();
  let nextChannel = 0;
  let nextBatch = 0;
  let closed = false;

  const failThread = (thread: SenderThread, error: Error) => {
    if (thread.failure) return;
    thread.failure = error;
    for (const batch of batchesOf.get(thread) ?? []) {
      for (const done of batches.get(batch)?.done ?? []) done(error);
      batches.delete(batch);
    }
    batchesOf.get(thread)?.clear();
  };

  const onMessage = (thread: SenderThread) => (message: FromSenderMessage) => {
    if (message.kind === 'sent') {
      const batch = batches.get(message.batch);
      batches.delete(message.batch);
      batchesOf.get(thread)?.delete(message.batch);
      if (!batch) return;
      const refused = new Map(message.refusedIndexes.map((index, at) => [index, message.refusals[at]!]));
      batch.done.forEach((done, index) => {
        const why = refused.get(index);
        done(why === undefined ? null : new Error(why));
      });
    } else if (message.kind === 'replies') {
      const handler = handlers.get(message.channel);
      if (!handler) return;
      for (let index = 0; index < message.data.length; index++) {
        const data = message.data[index]!;
        handler(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { address: message.addresses[index]!, port: message.ports[index]! });
      }
    } else {
      const waiting = opening.get(message.channel);
      opening.delete(message.channel);
      if (message.error === undefined) waiting?.resolve();
      else waiting?.reject(new Error(message.error));
    }
  };

  const threadFor = (lane: number): SenderThread => {
    const index = lane % Math.max(1, options.threads);
    let thread = threads[index];
    if (!thread) {
      const worker = new Worker(workerUrl);
      // A sweep always closes its pool; unref keeps a forgotten one from holding the process open.
      worker.unref();
      const created: SenderThread = { worker, post: (message, transfer) => worker.postMessage(message, transfer ?? []), failure: undefined };
      batchesOf.set(created, new Set());
      worker.on('message', onMessage(created));
      const stopped = (error: Error) => {
        failThread(created, error);
        for (const [channel, waiting] of opening) {
          opening.delete(channel);
          waiting.reject(error);
        }
      };
      worker.on('error', (error) => stopped(error));
      worker.on('exit', (code) => stopped(new Error(`the sweep's sender thread ended (exit code ${code})`)));
      threads[index] = created;
      thread = created;
    }
    return thread;
  };

  return {
    async open(family, localAddress, lane, onReply) {
      if (closed) throw new Error('the sweep is closed');
      const thread = threadFor(lane);
      if (thread.failure) throw thread.failure;
      const channel = nextChannel++;
      handlers.set(channel, onReply);
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
      return threadChannel(thread, channel);
    },

    async close() {
      closed = true;
      await Promise.all(
        threads.map(async (thread) => {
          if (!thread.failure) thread.post({ kind: 'close' });
          await thread.worker.terminate();
          failThread(thread, new Error('the sweep closed before the datagram was sent'));
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

    const flush = () => {
      flushQueued = false;
      if (done.length === 0) return;
      const sent = done;
      if (thread.failure) {
        for (const callback of sent) callback(thread.failure);
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
        batches.set(batch, { done: sent });
        batchesOf.get(thread)!.add(batch);
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
      },
    };
  }
}
