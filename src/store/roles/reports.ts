/**
 * Reports to ISPs and vendors: each is made once (per idempotency key) together with its
 * findings and its outbox entries, so a report is never half made and a re-run after a crash
 * makes no second one. When a finding was reported (notificationTimes) drives re-notification,
 * re-surveys and the effectiveness figures.
 */

export type OutboxChannel = 'smtp' | 'webhook' | 'file';

/** One delivery of a report, queued with it. */
export interface OutboxEntryInput {
  channel: OutboxChannel;
  destination: string;
  /** Unique per delivery; the transports pass it on (Message-ID, Idempotency-Key, file name). */
  idempotencyKey: string;
  /** The OutgoingMessage as JSON (attachments base64). */
  payload: string;
}

/**
 * Who a report is for: an ISP, a device vendor, a system integrator (src/notify/integrator-reports.ts),
 * or a critical sector's contacts (src/notify/sector-reports.ts).
 */
export type ReportAudience = 'isp' | 'vendor' | 'integrator' | 'sector';

export interface ReportInput {
  ispId?: string;
  /** Set for audience 'integrator'. */
  integratorId?: string;
  audience: ReportAudience;
  createdAt: string;
  periodEnd: string;
  /** Same key twice creates one report (a re-run after a crash finds the first). */
  idempotencyKey: string;
  findingIds: number[];
  summary: Record<string, unknown>;
  /** Deliveries, queued as pending and due at `createdAt`. */
  outbox: OutboxEntryInput[];
}

export interface ReportRow {
  id: number;
  ispId?: string;
  integratorId?: string;
  audience: ReportAudience;
  createdAt: string;
  periodEnd: string;
  idempotencyKey: string;
  findingCount: number;
  summary: Record<string, unknown>;
}

/** A finding's notification history: first and last report to its ISP (ISO times) and how many reports carried it. */
export interface NotificationTimes {
  first: string;
  last: string;
  reports: number;
}

export interface NotificationTimesFilter {
  ispId?: string;
  integratorId?: string;
}

/**
 * Making and reading reports.
 * @example
 * const { reportId, created } = await store.createReport(input) // created false: the key was used before
 * const times = await store.notificationTimes({ ispId: 'example-isp' })
 */
export interface ReportStore {
  /** A report with its findings and outbox entries, atomically; an existing idempotency key returns that report (created: false). */
  createReport(input: ReportInput): Promise<{ reportId: number; created: boolean }>;
  /** Reports, oldest first. */
  listReports(filter?: { ispId?: string }): Promise<ReportRow[]>;
  /** The findings a report carried, by id. */
  reportFindingIds(reportId: number): Promise<number[]>;
  /**
   * When each finding was first and last put in a report to an ISP (audience 'isp'), and in how many; only findings ever reported.
   * With `integratorId`: in reports to that integrator instead (audience 'integrator').
   */
  notificationTimes(filter?: NotificationTimesFilter): Promise<Map<number, NotificationTimes>>;
}
