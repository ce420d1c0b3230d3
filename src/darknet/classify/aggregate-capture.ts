/**
 * The bulk path from a capture to per-source aggregates: read, decode, classify and count in
 * one pass. Everything that aggregates whole captures (statistics, ingest into the store,
 * live capture, the benchmark) goes through here, so this is the one place to make fast.
 *
 * IPv4 packets travel in row batches (no object per packet) into `addBatch`; other frames
 * are decoded into `DecodedPacket`s for `add`, in capture order. A large capture file is read
 * and decoded in a worker thread while this thread aggregates (docs/benchmarks.md has the
 * figures); results are identical either way.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { scanBatches, type BatchSink, type CaptureOptions, type CaptureSource, type CaptureStats } from '../capture/reader.ts';
import { scanBatchesInWorker } from '../capture/worker-reader.ts';
import type { DecodedPacket, PacketBatch } from '../packet.ts';

/** What the bulk path feeds: an aggregator, or anything else that counts packets (the DRDoS attack tracker). */
export interface PacketSink {
  add(packet: DecodedPacket): unknown;
  addBatch(batch: PacketBatch): void;
}

/** Below this, starting a worker thread (~30 ms) costs more than it saves. */
const workerMinimumBytes = 32 * 1024 * 1024;

async function decodeInWorker(source: CaptureSource, options: CaptureOptions): Promise<boolean> {
  if (typeof source !== 'string') return false;
  if (options.decodeInWorker !== undefined) return options.decodeInWorker;
  if (availableParallelism() < 2) return false;
  try {
    return (await stat(source)).size >= workerMinimumBytes;
  } catch {
    return false; // the reader reports a missing file with its usual error
  }
}

/**
 * Feed every packet of a capture into an aggregator (or several, e.g. days and hours and the
 * attack tracker: the capture is read and decoded once for all of them).
 * @example
 * const hours = createDarknetAggregator({ periodSeconds: 3600, darknet });
 * const stats = await aggregateCapture('dark.pcap.gz', hours, { onCorrupt: 'skip' });
 */
export async function aggregateCapture(
  source: CaptureSource,
  aggregator: PacketSink | readonly PacketSink[],
  options: Omit<CaptureOptions, 'formatAddresses'> = {},
): Promise<CaptureStats> {
  const aggregators: readonly PacketSink[] = Array.isArray(aggregator) ? aggregator : [aggregator as PacketSink];
  const only = aggregators.length === 1 ? aggregators[0]! : undefined;
  const sink: BatchSink =
    only !== undefined
      ? {
          batch: (rows) => only.addBatch(rows),
          packet: (packet) => {
            only.add(packet);
          },
        }
      : {
          batch: (rows) => {
            for (const each of aggregators) each.addBatch(rows);
          },
          packet: (packet) => {
            for (const each of aggregators) each.add(packet);
          },
        };
  const readOptions: CaptureOptions = { ...options, formatAddresses: false };
  if (await decodeInWorker(source, readOptions)) return scanBatchesInWorker(source as string, sink, readOptions);
  return scanBatches(source, sink, readOptions);
}
