/**
 * Worker entry: reads, parses, decodes and classifies one capture file into the shared batch
 * ring while the starting thread aggregates (worker-reader.ts). It says when it is ready; the
 * reader, which has meanwhile been reading the file itself, answers with a checkpoint to take
 * over from (or none, for gzip input: then the worker reads it all). Frames a batch declines
 * are decoded here too and posted with the row they follow. The last slot carries DONE, after
 * a final message with the stats or the error — so the reader sees every packet before the
 * error, as it would reading in its own thread.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { OpenNoticeError } from '../../core/errors.ts';
import type { DecodedPacket } from '../packet.ts';
import { BatchRing, DONE, END_OF_CHUNK, ringSlots, type DeclinedFrames, type RingMemory } from './batch-ring.ts';
import { captureChunks, CHUNK_BYTES, plainFileChunks } from './chunks.ts';
import { ContainerParser, type BatchTarget, type ContainerStats, type ParserCheckpoint } from './container.ts';
import { decodeFrame, type FrameInfo } from './decode.ts';

/** What the reader passes in `workerData`. */
export interface DecodeWorkerInput {
  memory: RingMemory;
  path: string;
  name: string;
  onCorrupt: 'throw' | 'skip';
  /** Publish a slot at every chunk end, flagged, so the reader can run `afterChunk` there. */
  markChunks: boolean;
}

/** The worker's messages besides the ring: ready, declined frames (batch-ring.ts), final. */
export type DecodeWorkerFinal = { kind: 'end'; stats: ContainerStats } | { kind: 'error'; message: string; code?: string; context?: Record<string, unknown> };
export interface DecodeWorkerReady {
  kind: 'ready';
}

/** The reader's answer to `ready`: where to take over (no checkpoint: from the start). */
export interface DecodeWorkerStart {
  kind: 'start';
  checkpoint?: ParserCheckpoint;
}

/** Declined frames above this many are published early, so a slot's list stays bounded. */
const maxDeclinedPerSlot = 4096;
/** Re-check the abort flag this often while waiting for the reader (ms). */
const waitSliceMs = 500;

/**
 * Waits for the reader's start message, decodes `input.path` into the ring until the end or
 * an error, then posts the final message and publishes the DONE slot.
 * @example await decodeIntoRing(workerData as DecodeWorkerInput, parentPort!)
 */
async function decodeIntoRing(input: DecodeWorkerInput, port: MessagePort): Promise<void> {
  const ready: DecodeWorkerReady = { kind: 'ready' };
  port.postMessage(ready);
  // No answer at all when the reader read the whole file itself: it then ends this thread.
  const start = await new Promise<DecodeWorkerStart>((resolve) => port.once('message', resolve));
  const checkpoint = start.checkpoint;
  const ring = new BatchRing(input.memory);
  let slot = 0;
  let sequence = 0;
  let rowsBefore: number[] = [];
  let declined: DecodedPacket[] = [];

  /** Hands the current slot (rows and declined frames) to the reader and moves to the next one. */
  const publish = (flags: number): void => {
    const batch = ring.batch(slot);
    if (declined.length > 0) {
      const message: DeclinedFrames<DecodedPacket> = { kind: 'declined', sequence, rowsBefore, packets: declined };
      port.postMessage(message);
    }
    ring.publish(slot, batch.count, flags, declined.length);
    batch.count = 0;
    rowsBefore = [];
    declined = [];
    sequence++;
    slot = (slot + 1) % ringSlots;
    // Bounded by the reader: it drains slots until it finishes or aborts.
    while (ring.isFull(slot)) {
      if (ring.aborted) throw new Error('reader stopped');
      ring.waitEmpty(slot, waitSliceMs);
    }
  };

  const decode = { formatAddresses: false };
  const onDeclined = (frame: FrameInfo): void => {
    rowsBefore.push(ring.batch(slot).count);
    declined.push(decodeFrame(frame, decode));
    if (declined.length >= maxDeclinedPerSlot) publish(0);
  };
  const target: BatchTarget = {
    get batch() {
      return ring.batch(slot);
    },
    deliver: () => publish(0),
    declinedInline: true,
  };
  const options = { onCorrupt: input.onCorrupt, file: input.name };
  const parser = checkpoint !== undefined ? ContainerParser.resume(checkpoint, options, onDeclined, target) : new ContainerParser(options, onDeclined, target);

  let final: DecodeWorkerFinal;
  try {
    // After a checkpoint: the plain file from there on, first chunk ending where the reader's
    // next one would have, so afterChunk runs at the same places as in one thread.
    const chunks =
      checkpoint !== undefined
        ? plainFileChunks(input.path, checkpoint.offset, checkpoint.pushed + CHUNK_BYTES)
        : captureChunks(input.path, input.name, input.onCorrupt === 'skip' ? parser.stats : undefined);
    for await (const chunk of chunks) {
      try {
        parser.push(chunk);
      } finally {
        if (input.markChunks) publish(END_OF_CHUNK);
      }
    }
    final = { kind: 'end', stats: parser.finish() };
  } catch (error) {
    final =
      error instanceof OpenNoticeError
        ? { kind: 'error', message: error.message, code: error.code, context: error.context }
        : { kind: 'error', message: (error as Error).message ?? String(error) };
  }
  if (ring.aborted) return;
  // Rows decoded before an error still count, as they do when reading in one thread.
  if (ring.batch(slot).count > 0 || declined.length > 0) publish(0);
  port.postMessage(final);
  ring.publish(slot, 0, DONE, 0);
}

if (!isMainThread) await decodeIntoRing(workerData as DecodeWorkerInput, parentPort!);
