/**
 * What the dashboard's and the public statistics page's figures are made from. The figures
 * come from aggregate queries (never a row per finding sent to the caller), meant to be
 * computed once and cached until `dashboardChangeMark()` changes.
 */
import type { FindingStatus } from '../row-types.ts';

/** Counts grouped by the listed keys; a key absent from a row means NULL (no ISP, no device …). */
export interface DashboardAggregates {
  /** Findings by the month (UTC, YYYY-MM) they were first seen, and kind, whatever their status now. */
  foundByMonth: Array<{ month: string; kind: string; count: number }>;
  /** Remediations ('closed' finding events) per month. */
  remediatedByMonth: Array<{ month: string; count: number }>;
  /** Reports to ISPs per month, and the findings they carried. */
  reportsByMonth: Array<{ month: string; reports: number; findingsNotified: number }>;
  /** Distinct infected addresses per day (UTC, YYYY-MM-DD): the darknet's days seen, else the last-seen day. */
  infectedByDay: Array<{ day: string; hosts: number }>;
  /** Every finding counted by status, kind and ISP (attribution). */
  byIsp: Array<{ status: FindingStatus; kind: string; ispId?: string; count: number }>;
  /** Open findings counted by kind and the identity of their device. */
  openByDevice: Array<{ kind: string; deviceType?: string; vendor?: string; releaseYear?: number; sector?: string; count: number }>;
  /** ISPs of the registry. */
  isps: Array<{ id: string; name: string }>;
  /** Darknet totals per day: day windows where stored, else the sum of that day's hour windows. */
  darknetByDay: Array<{ day: string; packets: number; sources: number; scanners: number; miraiScanners: number }>;
  /** Destination ports most probed in the darknet over every stored day, most first (up to 20). */
  darknetTopPorts: Array<{ port: number; packets: number }>;
  /** DRDoS attacks on darknet addresses that pass the thresholds, per day they started and protocol (src/darknet/drdos/). */
  drdosByDay: Array<{ day: string; protocol: string; attacks: number; packets: number }>;
  totals: { findings: number; reports: number; deliveredReports: number; feedback: number; pendingOptOuts: number };
}

/**
 * Notified findings of one ISP that share the day of their first report and the day they were
 * closed: the remediation figures work in calendar days, so a million findings come back as a
 * few thousand of these instead of a million rows.
 */
export interface TrackedFindingRow {
  ispId: string;
  /** Day (YYYY-MM-DD, UTC) of the first report to that ISP that carried them. */
  startAt: string;
  /** Day they were closed as remediated, for closed findings. */
  remediatedAt?: string;
  /** How many findings. */
  count: number;
}

/**
 * The figures' sources, and a cheap mark of when they change.
 * @example
 * const mark = await store.dashboardChangeMark()
 * if (mark !== cached.mark) cached = { mark, aggregates: await store.dashboardAggregates(), tracked: await store.listTrackedFindings() }
 */
export interface DashboardFigureStore {
  /**
   * A short text that changes whenever anything the figures are made from changes: findings and
   * their events, a run starting or finishing (device identities are recorded within runs),
   * attributions, ISPs, reports, delivery attempts, feedback, darknet windows, pending opt-outs.
   * Cheap: a handful of index look-ups.
   */
  dashboardChangeMark(): Promise<string>;
  dashboardAggregates(): Promise<DashboardAggregates>;
  /** Every (finding, ISP) pair reported to an ISP, grouped by ISP, first-report day and remediation day. */
  listTrackedFindings(): Promise<TrackedFindingRow[]>;
}
