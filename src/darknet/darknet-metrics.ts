/**
 * What a darknet run (file ingest or live capture) tells its metrics: packets as they are
 * read, windows as they are written, attacks and infected findings as they are stored. The
 * command's wiring decides where they go (src/metrics/darknet.ts); a run without metrics has none.
 */
import type { ReconcileCounts } from '../store/roles/findings.ts';

export interface DarknetMetrics {
  /** The stored run this process writes. */
  runStarted(runId: number): void;
  /** Packets read since the last call, and the capture time (µs since the epoch) of the newest of them. */
  packetsRead(count: number, newestMicros: number): void;
  /** A window written to the store: an hour (3600) or a day (86400). */
  windowWritten(periodSeconds: number): void;
  /** DRDoS attacks written that pass the thresholds. */
  attacksWritten(count: number): void;
  /** What one write did to the infected findings. */
  infectedFindings(counts: ReconcileCounts): void;
}
