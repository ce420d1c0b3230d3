/**
 * The bulk path from a capture to per-source aggregates: read, decode, classify and count in
 * one pass. Everything that aggregates whole captures (statistics, ingest into the store,
 * live capture, the benchmark) goes through here, so this is the one place to make fast.
 */
import { scanCapture, type CaptureOptions, type CaptureSource, type CaptureStats } from '../capture/reader.ts';
import type { DarknetAggregator } from './aggregate.ts';

/**
 * Feed every packet of a capture into an aggregator.
 * @example
 * const hours = createDarknetAggregator({ periodSeconds: 3600, darknet });
 * const stats = await aggregateCapture('dark.pcap.gz', hours, { onCorrupt: 'skip' });
 */
export function aggregateCapture(source: CaptureSource, aggregator: DarknetAggregator, options: Omit<CaptureOptions, 'formatAddresses'> = {}): Promise<CaptureStats> {
  return scanCapture(source, (packet) => { aggregator.add(packet); }, { ...options, formatAddresses: false });
}
