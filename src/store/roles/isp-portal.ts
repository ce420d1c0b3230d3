/**
 * The ISP portal's reads: always one ISP's findings and reports, always through an index, so
 * a page of an ISP with a million findings costs the same as one of an ISP with ten.
 */
import type { FindingKind, NotifiableFinding } from '../../core/records.ts';
import type { FindingStatus } from '../row-types.ts';
import type { ReportRow } from './reports.ts';

/** One page of an ISP's findings, newest first (keyset: ids below `beforeId`). */
export interface IspFindingQuery {
  ispId: string;
  kind?: FindingKind;
  status?: FindingStatus;
  beforeId?: number;
  limit: number;
}

/** A finding as the portal shows it: with its closing time. */
export interface PortalFindingRow extends NotifiableFinding {
  closedAt?: string;
  lastRunId: number;
}

export interface IspFindingCount {
  kind: FindingKind;
  status: FindingStatus;
  count: number;
}

/**
 * One ISP's findings and reports.
 * @example const page = await store.listIspFindings({ ispId: principal.ispId, status: 'open', limit: 50 })
 */
export interface IspPortalStore {
  /** Findings attributed to the ISP, newest (highest id) first. */
  listIspFindings(query: IspFindingQuery): Promise<PortalFindingRow[]>;
  /** The finding, only when it is attributed to this ISP. */
  getIspFinding(ispId: string, findingId: number): Promise<PortalFindingRow | undefined>;
  /** Closed findings of the ISP, most recently closed first. */
  recentlyClosedIspFindings(ispId: string, limit: number): Promise<PortalFindingRow[]>;
  /** The ISP's findings counted by kind and status (no zero counts), by status then kind; always equal to a fresh count. */
  countIspFindings(ispId: string): Promise<IspFindingCount[]>;
  /** Any report by id (the caller checks it is the ISP's). */
  getReport(reportId: number): Promise<ReportRow | undefined>;
  /** The findings a report carried, as they stand now, by id. */
  listReportFindings(reportId: number): Promise<PortalFindingRow[]>;
  /** Reports (of this ISP) that carried the finding, oldest first. */
  reportsCarryingFinding(ispId: string, findingId: number): Promise<ReportRow[]>;
}
