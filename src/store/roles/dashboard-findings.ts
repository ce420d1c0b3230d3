/**
 * The operator dashboard's drill-down: findings matching a figure's filters, newest first, in
 * keyset pages (a page costs the same on the millionth finding), and one finding's whole story.
 */
import type { DeviceIdentity, FindingKind, OwnerContact } from '../../core/records.ts';
import type { DarknetSourceRow, FindingRow, FindingStatus, ServiceRow } from '../row-types.ts';
import type { FeedbackRow } from './feedback.ts';
import type { OutboxRow } from './outbox.ts';

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
  /** The device at the address; its owner contact is for the operator's eyes (this page is the operator's). */
  device?: DeviceIdentity & { firstSeen: string; lastSeen: string; ownerContact?: OwnerContact };
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
    /** Set for a report to a system integrator (audience 'integrator'). */
    integratorId?: string;
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

/**
 * Browsing findings from the dashboard.
 * @example
 * let page = await store.listDashboardFindings({ kind: 'infected', status: 'open', limit: 50 })
 * while (page.next !== undefined) page = await store.listDashboardFindings({ kind: 'infected', status: 'open', limit: 50, before: page.next })
 */
export interface DashboardFindingStore {
  /**
   * One page of findings matching every filter, newest (highest id) first. Following `next`
   * until it is absent visits every matching finding exactly once; a page may hold fewer than
   * `limit` findings (`partial`) when the search stopped at its work budget.
   */
  listDashboardFindings(query: DashboardFindingQuery): Promise<DashboardFindingPage>;
  /** Undefined when there is no finding with that id. */
  findingHistory(findingId: number): Promise<FindingHistory | undefined>;
}
