/**
 * Thin I/O around the Cowrie aggregator: a file path or a byte stream in (gzip detected by
 * its magic 1f 8b and inflated on the fly), lines through a bounded splitter, one report out.
 * Memory: one read chunk, at most one line, the capped session table and the sources.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { OpenNoticeError } from '../../core/errors.ts';
import { createCowrieAggregator, type CowrieAggregatorOptions } from './cowrie-aggregator.ts';
import { createLineSplitter } from './line-splitter.ts';
import type { HoneypotReport } from './types.ts';

export interface CowrieLogOptions extends Partial<CowrieAggregatorOptions> {
  /** Longest accepted line in bytes (default 1 MiB); longer lines are corrupt. */
  maxLineBytes?: number;
}

export type CowrieLogSource = string | AsyncIterable<Uint8Array>;

export const defaultMaxLineBytes = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

/**
 * Read a Cowrie JSON log (cowrie.json, one event per line; plain or gzip) into per-source
 * evidence of infection.
 * @example
 * const report = await readCowrieLog('var/cowrie.json.2018-05-24.gz', { onCorrupt: 'skip' });
 * for (const source of report.sources) if (source.verdict === 'bot') console.log(source.ip, source.reason);
 */
export async function readCowrieLog(source: CowrieLogSource, options: CowrieLogOptions = {}): Promise<HoneypotReport> {
  const name = options.name ?? (typeof source === 'string' ? source : 'stream');
  const maxLineBytes = options.maxLineBytes ?? defaultMaxLineBytes;
  const aggregator = createCowrieAggregator({ ...options, name });
  const splitter = createLineSplitter(maxLineBytes, {
    line: (text) => aggregator.addLine(text),
    tooLong: () => aggregator.addOversizedLine(maxLineBytes),
  });
  try {
    for await (const chunk of inflatedChunks(source, name)) splitter.push(chunk);
    splitter.finish();
  } catch (error) {
    if (!(error instanceof BrokenStream)) throw error;
    // The lines before the break were counted; the partial line at the break is dropped with it.
    aggregator.addBrokenStream(error.message);
  }
  return aggregator.finish();
}

/** A read or inflate failure, told apart from the aggregator's own errors. */
class BrokenStream extends Error {}

/** The source's bytes, inflated when they start with the gzip magic 1f 8b. */
async function* inflatedChunks(source: CowrieLogSource, name: string): AsyncGenerator<Uint8Array> {
  const raw: AsyncIterable<Uint8Array> = typeof source === 'string' ? createReadStream(source, { highWaterMark: CHUNK_BYTES }) : source;
  const iterator = raw[Symbol.asyncIterator]();
  const next = async (): Promise<IteratorResult<Uint8Array>> => {
    try {
      return await iterator.next();
    } catch (error) {
      if (typeof source === 'string' && (error as NodeJS.ErrnoException).code !== undefined) {
        throw new OpenNoticeError('IMPORT_INVALID', `${name}: cannot read: ${(error as NodeJS.ErrnoException).code}`, { file: name }, { cause: error });
      }
      throw new BrokenStream(`cannot read: ${(error as Error).message}`);
    }
  };
  // Collect at least two bytes to see the magic (a stream may hand out single bytes).
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2) {
    const step = await next();
    if (step.done) {
      ended = true;
      break;
    }
    head.push(step.value);
    headBytes += step.value.byteLength;
  }
  const start = Buffer.concat(head);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (start.length > 0) yield start;
    if (ended) return;
    for (let step = await next(); !step.done; step = await next()) yield step.value;
  }
  if (!(start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b)) {
    yield* all();
    return;
  }
  const gunzip = Readable.from(all()).pipe(createGunzip({ chunkSize: CHUNK_BYTES }));
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof OpenNoticeError) throw error;
    throw new BrokenStream(`corrupt gzip stream: ${(error as Error).message}`);
  } finally {
    gunzip.destroy();
  }
}
