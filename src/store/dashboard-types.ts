/**
 * What the operator dashboard and the public pages read from the store. The figures come
 * from aggregate queries (GROUP BY over indexes, never a row per finding sent to the
 * caller), meant to be computed once and cached until `dashboardChangeMark()` changes; the
 * finding list is keyset-paginated so a page costs the same on the millionth finding.
 */
import type { DeviceIdentity, FindingKind } from '../core/records.ts';
import type { FeedbackRow, OutboxRow } from './notification-types.ts';
import type { DarknetSourceRow, FindingRow, FindingStatus, ServiceRow } from './row-types.ts';

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
  openByDevice: Array<{ kind: string; deviceType?: string; vendor?: string; releaseYear?: number; count: number }>;
  /** ISPs of the registry. */
  isps: Array<{ id: string; name: string }>;
  /** Darknet totals per day: day windows where stored, else the sum of that day's hour windows. */
  darknetByDay: Array<{ day: string; packets: number; sources: number; scanners: number; miraiScanners: number }>;
  /** Destination ports most probed in the darknet over every stored day, most first (up to 20). */
  darknetTopPorts: Array<{ port: number; packets: number }>;
  totals: { findings: number; reports: number; deliveredReports: number; feedback: number; pendingOptOuts: number };
}

/**
 * A notified finding as remediation tracking sees it (the shape `effectiveness()` takes,
 * with the ISP it was reported to).
 */
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

/** Filters of the dashboard's drill-down list; every one narrows (AND). */
export interface DashboardFindingFilter {
  kind?: string;
  status?: FindingStatus;
  /** ISP id, or 'unattributed' for findings no ISP was named for. */
  isp?: string;
  /** Vendor, or 'unidentified' for findings on devices that were not identified. */
  vendor?: string;
  /** Device type, or 'unidentified'. */
  deviceType?: string;
  /** Release year, or 'unknown'. */
  releaseYear?: string;
  /** First seen in this month (YYYY-MM). */
  month?: string;
  /** Closed (remediated) in this month (YYYY-MM). */
  closedMonth?: string;
}

export interface DashboardFindingQuery extends DashboardFindingFilter {
  /** Keyset cursor: only findings with an id below this one (the list is newest first). */
  before?: number;
  /** Page size, 1–500. */
  limit: number;
}

/** One line of the drill-down list (no evidence: the detail page shows it). */
export interface DashboardFindingRow extends Partial<Pick<DeviceIdentity, 'vendor' | 'model' | 'deviceType' | 'releaseYear'>> {
  id: number;
  kind: FindingKind;
  ip: string;
  port: number;
  protocol: string;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  closedAt?: string;
  ispId?: string;
  ispName?: string;
}

export interface DashboardFindingPage {
  findings: DashboardFindingRow[];
  /**
   * Cursor of the next page (pass as `before`), absent at the end. When `partial` is true the
   * search stopped at its work budget before filling the page: continuing searches further down.
   */
  next?: number;
  partial: boolean;
}

/** Everything known about one finding, for its detail page. */
export interface FindingHistory {
  finding: FindingRow;
  device?: DeviceIdentity & { firstSeen: string; lastSeen: string };
  attribution?: {
    prefix?: string;
    asn?: number;
    asName?: string;
    ispId?: string;
    ispName?: string;
    source: string;
    unattributedReason?: string;
    attributedAt: string;
  };
  /** State changes with the run that caused each (opened, closed, reopened, and re-checks that missed it). */
  events: Array<{ event: 'opened' | 'closed' | 'reopened' | 'missed'; at: string; runId: number; runStartedAt?: string; runChecks?: string[] }>;
  /** Runs that saw it (first and last) and how many checks in a row have missed it since. */
  resurvey: { firstRunId: number; lastRunId: number; misses: number; closedRunId?: number };
  /** Reports that carried it, with each delivery attempt's outcome. */
  reports: Array<{
    reportId: number;
    ispId?: string;
    audience: string;
    createdAt: string;
    deliveries: Array<Pick<OutboxRow, 'channel' | 'destination' | 'status' | 'attempts'> & { deliveredAt?: string; lastAttemptAt?: string }>;
  }>;
  feedback: FeedbackRow[];
  /** What the survey saw on the finding's service (banners, titles: device-sourced text). */
  service?: ServiceRow;
  /** Darknet windows where the address was judged a scanner (newest first, at most 20). */
  darknet: DarknetSourceRow[];
}

/** What "check my connection" may say about one address: no evidence, no credentials. */
export interface AddressFinding {
  kind: FindingKind;
  lastSeen: string;
  deviceType?: string;
  vendor?: string;
  model?: string;
}

/** Dashboard reads, part of every SurveyRepository. */
export interface DashboardRepository {
  /**
   * A short text that changes whenever anything the dashboard figures are made from changes
   * (findings and their events, runs, device identities, attributions, ISPs, reports, deliveries,
   * feedback, darknet windows, opt-outs). Cheap: a handful of index look-ups.
   */
  dashboardChangeMark(): Promise<string>;
  dashboardAggregates(): Promise<DashboardAggregates>;
  /** Every (finding, ISP) pair that was reported, with when first reported and when remediated. */
  listTrackedFindings(): Promise<TrackedFindingRow[]>;
  listDashboardFindings(query: DashboardFindingQuery): Promise<DashboardFindingPage>;
  /** Undefined when there is no finding with that id. */
  findingHistory(findingId: number): Promise<FindingHistory | undefined>;
  /** Open findings at exactly this address (for "check my connection"). */
  openFindingsAt(ip: string): Promise<AddressFinding[]>;
}
