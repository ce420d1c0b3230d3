/**
 * `scanBatches` for a capture file with the reading, parsing and decoding moved to a worker
 * thread (decode-worker.ts), so on a machine with two cores they overlap with whatever the
 * sink does with the batches (aggregation). Same contract as `scanBatches`: batches and
 * declined packets arrive in capture order, `afterChunk` runs after each chunk's packets (at
 * the same places), the stats or the error come at the end, after every packet before it.
 *
 * Starting a worker takes ~50–100 ms, so this thread reads the file itself until the worker
 * says it is ready, then hands over at a record boundary (a parser checkpoint). If the worker
 * never gets ready, or the file ends first, this thread simply reads on to the end.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { OpenNoticeError, type ErrorCode } from '../../core/errors.ts';
import { createPacketBatch, rowFields, type DecodedPacket, type PacketBatch } from '../packet.ts';
import { BatchRing, DONE, END_OF_CHUNK, ringSlots, type DeclinedFrames } from './batch-ring.ts';
import { captureChunks, fileIsGzip } from './chunks.ts';
import { ContainerParser, type ContainerStats, type ParserCheckpoint } from './container.ts';
import { decodeFrame } from './decode.ts';
import type { DecodeWorkerFinal, DecodeWorkerInput, DecodeWorkerReady, DecodeWorkerStart } from './decode-worker.ts';
import { BATCH_ROWS, type BatchSink, type CaptureOptions } from './reader.ts';

/** How often a wait for the worker wakes to check that it is still alive (ms). */
const livenessCheckMs = 250;

// The compiled package runs .js files; from source, Node runs the .ts file itself.
const workerUrl = new URL(import.meta.url.endsWith('.ts') ? './decode-worker.ts' : './decode-worker.js', import.meta.url);

type WorkerMessage = DeclinedFrames<DecodedPacket> | DecodeWorkerFinal;

/** The worker's messages, in order, awaited one at a time. */
class Inbox {
  private readonly queue: WorkerMessage[] = [];
  private waiter: (() => void) | undefined;
  failure: Error | undefined;
  /** The worker has started and waits for its start message. */
  ready = false;

  constructor(worker: Worker) {
    worker.on('message', (message: WorkerMessage | DecodeWorkerReady) => {
      if (message.kind === 'ready') this.ready = true;
      else this.queue.push(message);
      this.wake();
    });
    worker.on('error', (error: Error) => {
      this.failure ??= error;
      this.wake();
    });
    // Deferred a turn so messages the worker posted just before exiting are queued first.
    worker.on('exit', (code) =>
      setImmediate(() => {
        this.failure ??= new Error(`capture decoding worker exited (code ${code})`);
        this.wake();
      }),
    );
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Resolves once the worker is ready (or has failed: then `failure` says why). */
  async untilReady(): Promise<void> {
    // Bounded by the worker: it either gets ready or exits, and both wake this loop.
    while (!this.ready && this.failure === undefined)
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
  }

  async next(): Promise<WorkerMessage> {
    // Bounded by the worker: it either posts or exits, and both wake this loop.
    while (this.queue.length === 0) {
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    return this.queue.shift()!;
  }
}

/** The worker's error as the same OpenNoticeError (or, for a bug, a plain Error). */
function asError(final: Extract<DecodeWorkerFinal, { kind: 'error' }>): Error {
  if (final.code !== undefined) return new OpenNoticeError(final.code as ErrorCode, final.message, final.context ?? {});
  return new Error(`capture decoding worker: ${final.message}`);
}

/** A view of rows [from, to) of a slot's batch. */
function rowRange(batch: PacketBatch, from: number, to: number): PacketBatch {
  return {
    count: to - from,
    capacity: to - from,
    timeMicros: batch.timeMicros.subarray(from, to),
    fields: batch.fields.subarray(from * rowFields, to * rowFields),
  };
}

/** What the head start ended with: the whole file read here, or a checkpoint for the worker. */
type HeadStart = { finished: ContainerStats } | { handOver: ParserCheckpoint | undefined };

/**
 * Reads the file in this thread, as `scanBatches` does, until the worker is ready and the
 * parser is at a point it can hand over from. Gzip input is not read here (a checkpoint inside
 * the inflated stream means nothing to a reader of the file): the worker reads it all.
 */
async function readUntilWorkerReady(path: string, sink: BatchSink, options: CaptureOptions, inbox: Inbox, chunkLimit: number | undefined): Promise<HeadStart> {
  let gzip = false;
  let size = 0;
  try {
    gzip = fileIsGzip(path);
    size = statSync(path).size;
  } catch {
    /* unreadable: the reading below reports it */
  }
  if (gzip || chunkLimit === 0) {
    await inbox.untilReady();
    return { handOver: undefined };
  }
  const name = options.name ?? path;
  const onCorrupt = options.onCorrupt ?? 'throw';
  const decode = { formatAddresses: false };
  const parser = new ContainerParser({ onCorrupt, file: name }, (frame) => sink.packet(decodeFrame(frame, decode)), {
    batch: createPacketBatch(BATCH_ROWS),
    deliver: (batch) => sink.batch(batch),
  });
  let chunks = 0;
  for await (const chunk of captureChunks(path, name, onCorrupt === 'skip' ? parser.stats : undefined)) {
    try {
      parser.push(chunk);
    } finally {
      parser.flushBatch();
    }
    if (options.afterChunk !== undefined) await options.afterChunk();
    if (chunkLimit !== undefined ? ++chunks >= chunkLimit : inbox.ready) {
      await inbox.untilReady();
      // A failed worker is simply not used: this thread reads on.
      const checkpoint = inbox.failure === undefined ? parser.checkpoint() : undefined;
      // Only with input left to read: the worker's chunks must be the ones this thread would read.
      if (checkpoint !== undefined && checkpoint.pushed < size) return { handOver: checkpoint };
    }
  }
  return { finished: parser.finish() };
}

/**
 * Like `scanBatches(path, sink, options)`, decoding in a worker thread. `headStartChunks`
 * (for tests) fixes how many chunks this thread reads before handing over — 0: none, the
 * worker reads everything; by default as many as the worker's start-up takes.
 * @example const stats = await scanBatchesInWorker('dark.pcap', { batch: (rows) => aggregator.addBatch(rows), packet: (p) => aggregator.add(p) });
 */
export async function scanBatchesInWorker(path: string, sink: BatchSink, options: CaptureOptions = {}, headStartChunks?: number): Promise<ContainerStats> {
  const memory = BatchRing.allocate();
  const ring = new BatchRing(memory);
  const input: DecodeWorkerInput = {
    memory,
    path,
    name: options.name ?? path,
    onCorrupt: options.onCorrupt ?? 'throw',
    markChunks: options.afterChunk !== undefined,
  };
  const worker = new Worker(workerUrl, { workerData: input });
  const inbox = new Inbox(worker);
  try {
    const headStart = await readUntilWorkerReady(path, sink, options, inbox, headStartChunks);
    if ('finished' in headStart) return headStart.finished;
    if (inbox.failure !== undefined) throw inbox.failure;
    const start: DecodeWorkerStart = { kind: 'start', ...(headStart.handOver !== undefined ? { checkpoint: headStart.handOver } : {}) };
    worker.postMessage(start);
    // Bounded by the worker: it ends with a DONE slot, or fails and the inbox says so.
    for (let slot = 0, sequence = 0; ; slot = (slot + 1) % ringSlots, sequence++) {
      while (!ring.isFull(slot)) {
        if (inbox.failure !== undefined) throw inbox.failure;
        await ring.waitFull(slot, livenessCheckMs);
      }
      const flags = ring.flags(slot);
      if ((flags & DONE) !== 0) {
        const final = await inbox.next();
        if (final.kind === 'error') throw asError(final);
        if (final.kind !== 'end') throw new Error('capture decoding worker: unexpected message order');
        return final.stats;
      }
      const batch = ring.batch(slot);
      const rows = ring.rows(slot);
      if (ring.declined(slot) === 0) {
        batch.count = rows;
        if (rows > 0) sink.batch(batch);
      } else {
        const message = await inbox.next();
        if (message.kind !== 'declined' || message.sequence !== sequence) throw new Error('capture decoding worker: unexpected message order');
        let from = 0;
        message.packets.forEach((packet, index) => {
          const to = message.rowsBefore[index]!;
          if (to > from) sink.batch(rowRange(batch, from, to));
          from = to;
          sink.packet(packet);
        });
        if (rows > from) sink.batch(rowRange(batch, from, rows));
      }
      ring.release(slot);
      if ((flags & END_OF_CHUNK) !== 0 && options.afterChunk !== undefined) await options.afterChunk();
    }
  } finally {
    ring.abort();
    await worker.terminate();
  }
}
