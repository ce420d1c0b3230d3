/**
 * Darknet observations: windows (an hour or a day of one darknet) with the sources judged in
 * them, and the capture files they were read from (so a file is never counted twice).
 */
import type { DarknetAttack, DarknetSourceRecord, DarknetWindow } from '../../core/records.ts';
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

/** Identifies one stored DRDoS attack. */
export type DarknetAttackKey = Pick<DarknetAttack, 'darknet' | 'victim' | 'protocol' | 'start'>;

/** Attacks to write: new or merged ones, and the stored pieces they replace. */
export interface DarknetAttackChanges {
  add: readonly DarknetAttack[];
  remove: readonly DarknetAttackKey[];
}

export interface DarknetAttackFilter {
  darknet?: string;
  victim?: string;
  protocol?: string;
  /** Attacks starting at or after / before this time (ISO-8601). */
  from?: string;
  to?: string;
  /** Attacks active within [activeFrom, activeTo]: ending at or after activeFrom, starting at or before activeTo. */
  activeFrom?: string;
  activeTo?: string;
  /** Only attacks that pass the thresholds (true) or only pieces below them (false). */
  qualified?: boolean;
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
 * How a stored window and a new record of the same window become one (the ingest passes
 * darknet/merge-windows.ts's mergeWindows; the store only calls it). Pure and synchronous.
 */
export type DarknetWindowMerge = (stored: DarknetWindow, incoming: DarknetWindow) => DarknetWindow;

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
   * replaced whole, its judged sources too: merge first (darknet/ingest mergeWindows). DRDoS
   * attacks are written in the same transaction: `remove` first, then `add` (an attack with the
   * key of a stored one replaces it).
   * With `merge`, a window already stored under the same key is read inside that transaction,
   * while no other writer can change it, and replaced by `merge(stored, incoming)`: several
   * sensors (or workers reading parts of one capture) writing one window at the same time each
   * add their part, and none is lost.
   * Fails (STORE_FAILED) for an unknown run.
   */
  recordDarknetWindows(
    runId: number,
    windows: readonly DarknetWindow[],
    inputs?: readonly Omit<DarknetInputRow, 'runId'>[],
    attacks?: DarknetAttackChanges,
    merge?: DarknetWindowMerge,
  ): Promise<void>;
  /** DRDoS attacks (and pieces at capture edges), oldest first (then by victim and protocol). */
  listDarknetAttacks(filter?: DarknetAttackFilter): Promise<DarknetAttack[]>;
  /** The capture file read earlier with this fingerprint, if any. */
  getDarknetInput(fingerprint: string): Promise<DarknetInputRow | undefined>;
  /** One window with its judged sources (most packets first), if stored. */
  getDarknetWindow(key: DarknetWindowKey): Promise<DarknetWindow | undefined>;
  /** Windows with their judged sources, oldest first (then by period and darknet). */
  listDarknetWindows(filter?: DarknetWindowFilter): Promise<DarknetWindow[]>;
  /** Judged sources with their window (e.g. every window an address was seen scanning in), newest window first. */
  listDarknetSources(filter?: DarknetSourceFilter): Promise<DarknetSourceRow[]>;
}
