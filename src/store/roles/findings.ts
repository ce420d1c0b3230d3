/**
 * Findings and their life: a re-survey opens, updates, closes (remediated) and reopens them
 * by the rules of `FindingsReconciliation`, and every change is an event, so tracking can
 * answer "fixed when?".
 */
import type { DeviceType, Finding, FindingKind } from '../../core/records.ts';
import type { FindingRow, FindingStatus } from '../row-types.ts';

/** A place where a check ran in this run, whether or not it found something. */
export interface CoveredCheck {
  ip: string;
  port: number;
  protocol: string;
  kind: FindingKind;
}

export interface FindingsReconciliation {
  /** Findings this run produced. */
  found: Finding[];
  /** Every (ip, port, protocol, kind) where the check ran; open findings here that were not found are closed. */
  covered: CoveredCheck[];
  /** Time stamped on closed findings; defaults to the run's start time. */
  closedAt?: string;
  /**
   * Consecutive checks that must fail to reproduce an open finding before it is closed as
   * remediated (default 1). Re-surveys of notified findings use more, so one flaky check
   * does not count as a fix.
   */
  closeAfterMisses?: number;
}

export interface ReconcileCounts {
  /** Findings seen for the first time. */
  opened: number;
  /** Open findings seen again. */
  updated: number;
  /** Open findings whose check ran and no longer found them (remediated). */
  closed: number;
  /** Closed findings found again. */
  reopened: number;
  /** Open findings not reproduced by this check, but not yet `closeAfterMisses` times in a row. */
  missed: number;
}

export interface FindingFilter {
  status?: FindingStatus;
  kind?: FindingKind;
  /** Findings that run reported on: seen by it (last run) or closed by it. */
  runId?: number;
}

/** One change in a finding's life, for remediation tracking ("fixed when?"). */
export interface FindingEventRow {
  findingId: number;
  runId: number;
  /** 'missed': re-checked, not reproduced, not closed yet (see closeAfterMisses). */
  event: 'opened' | 'closed' | 'reopened' | 'missed';
  at: string;
}

export interface FindingEventFilter {
  findingId?: number;
  runId?: number;
}

/** Totals over the whole store, for `opennotice runs` and benchmarks. */
export interface StoreSummary {
  runs: number;
  services: number;
  devices: number;
  findings: Array<{ kind: FindingKind; status: FindingStatus; count: number }>;
  devicesByType: Array<{ deviceType: DeviceType; count: number }>;
  /** Devices known only by their software components have no vendor: their count has none. */
  devicesByVendor: Array<{ vendor?: string; count: number }>;
}

/**
 * Findings: reconciled run by run, listed with their device's identity, and their events.
 * @example
 * const counts = await store.reconcileFindings(runId, { found, covered })
 * const open = await store.listFindings({ status: 'open', kind: 'weak-credential' })
 */
export interface FindingStore {
  /**
   * Apply one run's results, atomically:
   * - found and unknown → opened; found and open → updated; found and closed → reopened
   *   (the same finding twice in one batch is one finding, the last copy wins);
   * - covered, not found, and open → closed once this is the `closeAfterMisses`-th check in a
   *   row that did not reproduce it (earlier checks of the streak log a `missed` event); the
   *   finding's closedAt is when the streak began, the `closed` event is dated when it ended;
   * - anything the run did not cover is left as it was.
   * Fails (STORE_FAILED) for an unknown run.
   */
  reconcileFindings(runId: number, input: FindingsReconciliation): Promise<ReconcileCounts>;
  /** Findings with the identity of their device (absent when unidentified), in address order. */
  listFindings(filter?: FindingFilter): Promise<FindingRow[]>;
  /** State changes, oldest first. */
  listFindingEvents(filter?: FindingEventFilter): Promise<FindingEventRow[]>;
  /** Counts of runs, services, devices and findings. */
  summary(): Promise<StoreSummary>;
}
