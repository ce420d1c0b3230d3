/**
 * The storage contract every stage writes through. Methods are async so that a
 * PostgreSQL implementation (network round trips) can satisfy the same interface as
 * the embedded SQLite one; tests written against this interface run on both.
 */
import type { FeedbackAction, FeedbackRow, IspRecord, NotificationTimes, OutboxRow, ReportInput, ReportRow } from './notification-types.ts';
import type {
  Attribution,
  CredentialAttempt,
  DarknetSourceRecord,
  DarknetWindow,
  Device,
  DeviceIdentity,
  DeviceType,
  Finding,
  FindingKind,
  NotifiableFinding,
  ServiceObservation,
} from '../core/records.ts';

export type * from './notification-types.ts';
export type * from './row-types.ts';
import type { DarknetSourceRow, FindingRow, FindingStatus, ServiceRow } from './row-types.ts';
import type { PortalRepository, WebAuthRepository } from './web-auth-types.ts';
export type * from './web-auth-types.ts';
import type { DashboardRepository } from './dashboard-types.ts';
export type * from './dashboard-types.ts';
import type { OptOutRepository } from './opt-out-types.ts';
export type * from './opt-out-types.ts';
import type { KevEntry, VulnerabilityRecord } from '../assess/firmware/types.ts';

/** Which approved survey plan a run acted under (the audit trail hangs off this). */
export interface PlanReference {
  /** Path of the plan file as the operator gave it. */
  file: string;
  /** SHA-256 (hex) of the plan file bytes: proves which version of the plan was used. */
  sha256: string;
  /** Who is accountable, e.g. "Jane Doe <jane@example.net>, Example ISP CSIRT". */
  operator: string;
}

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunStart {
  startedAt: string;
  /** Seed of the address permutation (or of the lab), so a run can be replayed. */
  seed?: number | string;
  /** CIDRs surveyed. */
  scope: string[];
  exclude: string[];
  ports: number[];
  /** Enabled checks, e.g. ['discovery', 'identify', 'credentials']. */
  checks: string[];
  plan?: PlanReference;
}

export interface RunFinish {
  finishedAt: string;
  status: Exclude<RunStatus, 'running'>;
  /** Free-form totals the runner wants to keep (ports found, services, findings …). */
  counts: Record<string, number>;
}

/** A stored run: what it was started with, and how it ended. */
export interface RunRow extends RunStart {
  id: number;
  finishedAt?: string;
  status: RunStatus;
  counts: Record<string, number>;
}

/** A device's stored identity, with when it was first and last seen. */
export interface DeviceRow extends DeviceIdentity {
  ip: string;
  firstSeen: string;
  lastSeen: string;
  firstRunId: number;
  lastRunId: number;
}

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

/** An audit-log row: one credential attempt and the plan it was made under. */
export interface AttemptRow extends CredentialAttempt {
  id: number;
  runId: number;
  plan?: PlanReference;
}

export interface StoreSummary {
  runs: number;
  services: number;
  devices: number;
  findings: Array<{ kind: FindingKind; status: FindingStatus; count: number }>;
  devicesByType: Array<{ deviceType: DeviceType; count: number }>;
  devicesByVendor: Array<{ vendor: string; count: number }>;
}

/** What an upsert of feed records did: new CVEs, changed ones, and ones already as given. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A record a feed import left out, and why. */
export interface SkippedFeedRecord {
  /** CVE or JVNDB id when known. */
  id?: string;
  reason: string;
}

/** The report of one feed import (a file, or one online update of a feed). */
export interface FeedImportReport extends UpsertCounts {
  /** File path, or URL for an online update. */
  file: string;
  /** nvd | cve5 | kev | jvn for files; nvd-api | kev-url for online updates. */
  format: string;
  /** Records read from the input (before skipping). */
  read: number;
  skipped: SkippedFeedRecord[];
  /** NVD online updates: the lastModEndDate covered; the next update starts there. */
  through?: string;
}

/** A feed import as logged in the store. */
export interface FeedImportRow extends Omit<FeedImportReport, 'skipped'> {
  id: number;
  startedAt: string;
  finishedAt: string;
  skippedCount: number;
  /** The first skipped records (the log keeps at most FEED_IMPORT_SKIPPED_KEPT). */
  skipped: SkippedFeedRecord[];
}

/** How many skipped-record reasons the import log keeps per import (the count is exact). */
export const FEED_IMPORT_SKIPPED_KEPT = 1000;

export interface VulnerabilityCounts {
  /** Merged CVE records by the source their applicability came from. */
  bySource: Array<{ source: string; count: number }>;
  /** Per-feed copies held, by feed. */
  byFeed: Array<{ source: string; count: number }>;
  kev: number;
  kevRansomware: number;
}

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
 * Survey results storage. Re-running a survey updates what exists (last seen,
 * closed findings) instead of duplicating it.
 * @example
 * const store = await openStore('opennotice.db')
 * const runId = await store.startRun({ startedAt: new Date().toISOString(), scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] })
 * await store.recordServices(runId, observations)
 * await store.finishRun(runId, { finishedAt: new Date().toISOString(), status: 'completed', counts: {} })
 */
export interface SurveyRepository extends NotificationRepository, WebAuthRepository, PortalRepository {
  /** Where the data lives (a file path, ':memory:' or a connection name). */
  readonly location: string;
  startRun(run: RunStart): Promise<number>;
  finishRun(runId: number, finish: RunFinish): Promise<void>;
  /** Upsert by (ip, port, protocol): first seen kept; last seen, last run and result updated. */
  recordServices(runId: number, services: readonly ServiceObservation[]): Promise<void>;
  /** Upsert by ip; `observedAt` defaults to the run's start time. */
  recordDevices(runId: number, devices: readonly Device[], options?: { observedAt?: string }): Promise<void>;
  /** Append to the credential-attempt audit log of the run (and so of its plan). */
  recordAttempts(runId: number, attempts: readonly CredentialAttempt[]): Promise<void>;
  /** Open, update, close and reopen findings per the rules in `FindingsReconciliation`. */
  reconcileFindings(runId: number, input: FindingsReconciliation): Promise<ReconcileCounts>;
  listFindings(filter?: FindingFilter): Promise<FindingRow[]>;
  listFindingEvents(filter?: { findingId?: number; runId?: number }): Promise<FindingEventRow[]>;
  listServices(filter?: { ip?: string }): Promise<ServiceRow[]>;
  listDevices(): Promise<DeviceRow[]>;
  listRuns(): Promise<RunRow[]>;
  /** The run, or undefined when there is no run with that id. */
  getRun(runId: number): Promise<RunRow | undefined>;
  listAttempts(runId: number): Promise<AttemptRow[]>;
  summary(): Promise<StoreSummary>;
  /**
   * Store feed records (each is one feed's copy of a CVE) and refresh the merged record
   * of every CVE that changed. A copy identical to the stored one, or older than it
   * (lastModified), changes nothing and counts as unchanged.
   */
  upsertVulnerabilities(records: readonly VulnerabilityRecord[], options?: { importedAt?: string }): Promise<UpsertCounts>;
  /** Upsert CISA KEV entries by CVE id. */
  upsertKev(entries: readonly KevEntry[], options?: { importedAt?: string }): Promise<UpsertCounts>;
  /** Every merged vulnerability record, ordered by CVE id. */
  listVulnerabilities(): Promise<VulnerabilityRecord[]>;
  /** One merged record, or undefined. */
  getVulnerability(cveId: string): Promise<VulnerabilityRecord | undefined>;
  listKev(): Promise<KevEntry[]>;
  vulnerabilityCounts(): Promise<VulnerabilityCounts>;
  /** Append to the feed import log; returns the row id. */
  recordFeedImport(report: FeedImportReport, times: { startedAt: string; finishedAt: string }): Promise<number>;
  /** The feed import log, newest first; `format` filters (e.g. 'nvd-api' to find where the last update stopped). */
  listFeedImports(filter?: { format?: string; limit?: number }): Promise<FeedImportRow[]>;
  /**
   * Store darknet windows (totals and judged sources) observed by a run, and the capture files
   * they came from, in one transaction. A window already stored under the same darknet, start
   * and period is replaced: merge first (mergeWindows).
   */
  recordDarknetWindows(runId: number, windows: readonly DarknetWindow[], inputs?: readonly Omit<DarknetInputRow, 'runId'>[]): Promise<void>;
  /** The capture file read earlier with this fingerprint, if any. */
  getDarknetInput(fingerprint: string): Promise<DarknetInputRow | undefined>;
  getDarknetWindow(key: DarknetWindowKey): Promise<DarknetWindow | undefined>;
  /** Windows with their judged sources, oldest first. */
  listDarknetWindows(filter?: DarknetWindowFilter): Promise<DarknetWindow[]>;
  /** Judged sources (e.g. every window an address was seen scanning in), newest first. */
  listDarknetSources(filter?: DarknetSourceFilter): Promise<DarknetSourceRow[]>;
  close(): Promise<void>;
}

/**
 * The notification loop's part of the store: ISP registry, attributions, reports, outbox,
 * feedback. Part of every SurveyRepository.
 */
export interface NotificationRepository {
  /** Insert or update ISPs by id. */
  upsertIsps(isps: readonly IspRecord[], options?: { at?: string }): Promise<void>;
  listIsps(): Promise<IspRecord[]>;
  /** Set (or replace) the attribution of findings. */
  recordAttributions(items: ReadonlyArray<{ findingId: number; attribution: Attribution }>, options?: { at?: string }): Promise<void>;
  /** Findings with device identity and attribution (source 'none' when not attributed yet). */
  listNotifiableFindings(filter?: { ispId?: string; status?: FindingStatus; unattributed?: boolean }): Promise<NotifiableFinding[]>;
  /** When each finding was first and last reported to its ISP, and in how many reports (only findings ever reported). */
  notificationTimes(filter?: { ispId?: string }): Promise<Map<number, NotificationTimes>>;
  /** A report with its findings and outbox entries, atomically; an existing idempotency key returns that report. */
  createReport(input: ReportInput): Promise<{ reportId: number; created: boolean }>;
  listReports(filter?: { ispId?: string }): Promise<ReportRow[]>;
  reportFindingIds(reportId: number): Promise<number[]>;
  /** Pending outbox entries due at `now`. */
  dueOutbox(now: string, limit: number): Promise<OutboxRow[]>;
  listOutbox(filter?: { status?: OutboxRow['status'] }): Promise<OutboxRow[]>;
  /** Record the outcome of one delivery attempt. */
  settleOutbox(settlement: { id: number; at: string; status: OutboxRow['status']; nextAttemptAt?: string; error?: string; detail?: string }): Promise<void>;
  recordFeedback(feedback: Omit<FeedbackRow, 'id'>): Promise<number>;
  listFeedback(filter?: { findingId?: number; ispId?: string; action?: FeedbackAction }): Promise<FeedbackRow[]>;
}

/** The dashboard's reads and the opt-out queue are part of every SurveyRepository too (declaration merging). */
export interface SurveyRepository extends DashboardRepository, OptOutRepository {}
