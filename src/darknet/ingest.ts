/**
 * Captures in, finished `DarknetWindow` records out. Packets are aggregated per hour and per
 * day; a window is closed (judged, handed to `onWindow`, and its memory freed) as soon as the
 * capture has moved `graceSeconds` past its end, so a live capture or a month of files runs in
 * the memory of the windows still open. `finish()` closes what is left at the end of input.
 */
import type { DarknetAttack, DarknetWindow } from '../core/records.ts';
import { cidrToRange, parseCidr } from '../scope/cidr.ts';
import type { CaptureOptions, CaptureSource, CaptureStats } from './capture/reader.ts';
import { aggregateCapture, type PacketSink } from './classify/aggregate-capture.ts';
import { createDarknetAggregator, type DarknetAggregator } from './classify/aggregate.ts';
import { createResearchScannerList } from './classify/research-list.ts';
import { createAttackTracker } from './drdos/attack-tracker.ts';
import { loadAttackThresholds, type AttackThresholds } from './drdos/thresholds.ts';
import { judgeWindow } from './window.ts';

export interface DarknetIngestOptions {
  /** IPv4 CIDR of the darknet; packets to other destinations are not counted. */
  darknet: string;
  researchRanges: readonly string[];
  /** Window lengths in seconds. Default: hours and days. */
  periods?: readonly number[];
  /** Late packets are still counted into a window this long after its end (live capture jitter). Default 60. */
  graceSeconds?: number;
  /** Receives every finished window, per period in time order; awaited (back-pressure). */
  onWindow: (window: DarknetWindow) => void | Promise<void>;
  /**
   * Receives DRDoS attacks as they end (and pieces at the input's edges, to merge with other
   * captures: src/darknet/drdos/); awaited. Attacks are not tracked without it.
   */
  onAttacks?: (attacks: DarknetAttack[]) => void | Promise<void>;
  /** Default: the shipped thresholds (src/darknet/drdos/thresholds.yaml). */
  attackThresholds?: AttackThresholds;
  /** Told of packets as they are read (count, and the newest one's capture time in µs): the run's metrics. */
  onPackets?: (count: number, newestMicros: number) => void;
}

export interface DarknetIngest {
  /** Read one capture (file path or pcap byte stream) into the open windows. */
  read(source: CaptureSource, options?: Pick<CaptureOptions, 'onCorrupt' | 'name'>): Promise<CaptureStats>;
  /** Close every window still open (end of input, or a stopped live capture). */
  finish(): Promise<void>;
  /** Bytes held by the open windows. */
  bytesUsed(): number;
}

/** The darknet CIDR as base address and size (SCOPE_INVALID when malformed). */
export function darknetRange(cidr: string): { base: number; size: number } {
  const { first, last } = cidrToRange(parseCidr(cidr));
  return { base: first, size: last - first + 1 };
}

/**
 * @example
 * const ingest = createDarknetIngest({ darknet: '127.200.0.0/16', researchRanges: [], onWindow: (w) => store.recordDarknetWindows(runId, [w]) });
 * await ingest.read('day1.pcap.gz');
 * await ingest.finish();
 */
export function createDarknetIngest(options: DarknetIngestOptions): DarknetIngest {
  const range = darknetRange(options.darknet);
  const research = createResearchScannerList(options.researchRanges);
  const graceMicros = (options.graceSeconds ?? 60) * 1e6;
  const aggregators = (options.periods ?? [3600, 86_400]).map((periodSeconds) => ({
    periodSeconds,
    aggregator: createDarknetAggregator({ periodSeconds, darknet: range }),
  }));

  const onAttacks = options.onAttacks;
  const tracker =
    onAttacks === undefined
      ? undefined
      : createAttackTracker({ darknet: options.darknet, range, thresholds: options.attackThresholds ?? loadAttackThresholds() });
  const onPackets = options.onPackets;
  const counter: PacketSink | undefined =
    onPackets === undefined
      ? undefined
      : {
          addBatch: (batch) => {
            if (batch.count > 0) onPackets(batch.count, batch.timeMicros[batch.count - 1]!);
          },
          add: (packet) => onPackets(1, packet.timeMicros),
        };
  const sinks = [...aggregators.map((entry) => entry.aggregator), ...(tracker ? [tracker] : []), ...(counter ? [counter] : [])];

  const close = async (aggregator: DarknetAggregator, periodSeconds: number, start: number): Promise<void> => {
    const record = judgeWindow(aggregator, start, { darknet: options.darknet, darknetSize: range.size, periodSeconds, research });
    aggregator.drop(start);
    if (record !== undefined) await options.onWindow(record);
  };

  /** Close the windows the capture has moved past: their end plus the grace is before the newest packet. */
  const rotate = async (): Promise<void> => {
    for (const { aggregator, periodSeconds } of aggregators) {
      const starts = aggregator.windows();
      if (starts.length < 2) continue;
      const newest = aggregator.totals(starts[starts.length - 1]!)!.lastMicros;
      for (const start of starts) {
        if (start + periodSeconds * 1e6 + graceMicros > newest) break;
        await close(aggregator, periodSeconds, start);
      }
    }
    const ended = tracker?.expire() ?? [];
    if (ended.length > 0) await onAttacks!(ended);
  };

  return {
    // Read and decoded once for every window length, on the bulk path (batches, worker for big files).
    read: (source, readOptions = {}) => aggregateCapture(source, sinks, { ...readOptions, afterChunk: rotate }),
    async finish() {
      for (const { aggregator, periodSeconds } of aggregators) {
        for (const start of aggregator.windows()) await close(aggregator, periodSeconds, start);
      }
      const ended = tracker?.finish() ?? [];
      if (ended.length > 0) await onAttacks!(ended);
    },
    bytesUsed: () => aggregators.reduce((sum, entry) => sum + entry.aggregator.bytesUsed(), 0),
  };
}
