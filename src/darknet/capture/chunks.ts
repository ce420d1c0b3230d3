/**
 * The capture's bytes as a sequence of chunks: a file read into two reused buffers (the next
 * read runs in the thread pool while the current chunk is parsed), or any byte stream; gzip
 * input (magic 1f 8b) is inflated on the fly. Consumers must be done with a chunk before
 * asking for the next one, which the container parser is (it copies only a partial record).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import { OpenNoticeError } from '../../core/errors.ts';
import type { ContainerStats } from './container.ts';

/** Large enough that per-chunk costs vanish, small enough to stay cheap in memory (2 held). */
export const CHUNK_BYTES = 1024 * 1024;

export type CaptureSource = string | AsyncIterable<Uint8Array>;

const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** Fresh buffers: for gzip input, whose inflater may still hold a chunk after it was handed over. */
async function* freshFileChunks(handle: FileHandle): AsyncGenerator<Buffer> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Two buffers in turn: the read of the next chunk overlaps the parsing of this one. */
async function* reusedFileChunks(handle: FileHandle): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)] as const;
  let next = 0;
  let pending = handle.read(buffers[next], 0, CHUNK_BYTES, null);
  try {
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) return;
      next ^= 1;
      pending = handle.read(buffers[next], 0, CHUNK_BYTES, null);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // The handle must not close under an outstanding read.
    await pending.catch(() => undefined);
  }
}

/**
 * A plain (not gzip) file's chunks from byte `offset` on, read synchronously — for the decoding
 * worker, where blocking costs nothing and an asynchronous read would put a third busy thread
 * on a two-core machine. The first chunk runs to `firstEnd`, the rest are CHUNK_BYTES long, so
 * a reader taking over mid-file can keep the chunk boundaries of the one it took over from.
 * Same hand-over rule: two buffers in turn.
 * @example for (const chunk of plainFileChunks('dark.pcap', 24, 24 + CHUNK_BYTES)) parser.push(chunk);
 */
export function* plainFileChunks(path: string, offset: number, firstEnd: number): Generator<Buffer> {
  const descriptor = openSync(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(Math.max(CHUNK_BYTES, firstEnd - offset)), Buffer.allocUnsafe(CHUNK_BYTES)] as const;
    let position = offset;
    for (let next = 0, size = firstEnd - offset; ; next ^= 1, size = CHUNK_BYTES) {
      const bytesRead = readSync(descriptor, buffers[next], 0, size, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffers[next].subarray(0, bytesRead);
    }
  } finally {
    closeSync(descriptor);
  }
}

/**
 * True when the file starts with the gzip magic 1f 8b.
 * @example if (!fileIsGzip('dark.pcap')) handOverMidFile();
 */
export function fileIsGzip(path: string): boolean {
  const head = Buffer.alloc(2);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, head, 0, 2, 0);
  } finally {
    closeSync(descriptor);
  }
  return isGzip(head);
}

/** A file's chunks; the first one is read before deciding between plain and gzip reading. */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const first = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await handle.read(first, 0, CHUNK_BYTES, null);
    if (bytesRead === 0) return;
    yield first.subarray(0, bytesRead);
    yield* isGzip(first.subarray(0, bytesRead)) ? freshFileChunks(handle) : reusedFileChunks(handle);
  } finally {
    await handle.close();
  }
}

/**
 * Chunks of the source, inflated when it starts with the gzip magic 1f 8b. With `stats` (skip
 * mode) a corrupt gzip stream is counted there and ends the input instead of throwing.
 * @example for await (const chunk of captureChunks('dark.pcap.gz', 'dark.pcap.gz', undefined)) parser.push(chunk);
 */
export async function* captureChunks(source: CaptureSource, name: string, stats: ContainerStats | undefined): AsyncGenerator<Buffer> {
  const raw: AsyncIterable<Uint8Array> = typeof source === 'string' ? fileChunks(source) : source;
  const iterator = raw[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    const step = await iterator.next();
    if (step.done) return;
    first = asBuffer(step.value);
  } catch (error) {
    // A source that failed with its own words (e.g. tcpdump: CAPTURE_FAILED) keeps them.
    if (error instanceof OpenNoticeError) throw error;
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read capture: ${(error as Error).message}`, { file: name }, { cause: error });
  }
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (!isGzip(first)) {
    yield first;
    for await (const chunk of rest) yield asBuffer(chunk);
    return;
  }
  async function* compressed(): AsyncGenerator<Uint8Array> {
    yield first!;
    yield* rest;
  }
  // SYNC_FLUSH at the end: a cut-off gzip yields what it has; the container parser then reports the cut.
  const gunzip = Readable.from(compressed()).pipe(createGunzip({ chunkSize: CHUNK_BYTES, finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    // Skip mode: the inflated bytes so far were parsed; count the bad stream once and stop.
    if (stats !== undefined) {
      stats.skipped++;
      stats.corruptAt.push(stats.bytes);
      return;
    }
    throw new OpenNoticeError('IMPORT_INVALID', `corrupt gzip stream: ${(error as Error).message}`, { file: name }, { cause: error });
  }
}
