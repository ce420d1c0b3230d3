/**
 * Darknet observations: windows (an hour or a day of one darknet) with the sources judged in
 * them, and the capture files they were read from (so a file is never counted twice).
 */
import type { DarknetSourceRecord, DarknetWindow } from '../../core/records.ts';
import type { DarknetSourceRow } from '../row-types.ts';

/** Identifies one darknet window. */
export interface DarknetWindowKey {
  darknet: string;
  /** ISO-8601 window start. */
  start: string;
  periodSeconds: number;
}

export interface DarknetWindowFilter {
  darknet?: string;
  periodSeconds?: number;
  /** Windows starting at or after this time (ISO-8601). */
  from?: string;
  /** Windows starting before this time (ISO-8601). */
  to?: string;
}

export interface DarknetSourceFilter {
  ip?: string;
  verdict?: DarknetSourceRecord['verdict'];
  periodSeconds?: number;
}

/** A capture file that was read into the store (so it is never counted twice). */
export interface DarknetInputRow {
  /** sha256 over the file's size, first and last MiB (see darknet/input-fingerprint.ts). */
  fingerprint: string;
  name: string;
  bytes: number;
  packets: number;
  runId: number;
  readAt: string;
}

/**
 * Storing and reading darknet windows.
 * @example
 * await store.recordDarknetWindows(runId, windows, [{ fingerprint, name: 'day.pcap', bytes, packets, readAt }])
 * const days = await store.listDarknetWindows({ periodSeconds: 86400 })
 */
export interface DarknetStore {
  /**
   * Store windows (totals and judged sources) observed by a run, and the capture files they came
   * from, in one transaction. A window already stored under the same darknet, start and period is
   * replaced whole, its judged sources too: merge first (darknet/ingest mergeWindows).
   * Fails (STORE_FAILED) for an unknown run.
   */
  recordDarknetWindows(runId: number, windows: readonly DarknetWindow[], inputs?: readonly Omit<DarknetInputRow, 'runId'>[]): Promise<void>;
  /** The capture file read earlier with this fingerprint, if any. */
  getDarknetInput(fingerprint: string): Promise<DarknetInputRow | undefined>;
  /** One window with its judged sources (most packets first), if stored. */
  getDarknetWindow(key: DarknetWindowKey): Promise<DarknetWindow | undefined>;
  /** Windows with their judged sources, oldest first (then by period and darknet). */
  listDarknetWindows(filter?: DarknetWindowFilter): Promise<DarknetWindow[]>;
  /** Judged sources with their window (e.g. every window an address was seen scanning in), newest window first. */
  listDarknetSources(filter?: DarknetSourceFilter): Promise<DarknetSourceRow[]>;
}
