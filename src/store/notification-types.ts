/**
 * Store-side types of the notification loop: ISPs, reports, the outbox and ISP feedback.
 * Kept apart from repository.ts so that file stays the index of the interface.
 */

/** An ISP as the registry describes it (docs/attribution.md has the file format). */
export interface IspRecord {
  id: string;
  name: string;
  asns: number[];
  /** Prefixes beyond its ASNs (e.g. customer space announced by an upstream). */
  prefixes: string[];
  contacts: { abuseEmail?: string; webhookUrl?: string; portalUsers: string[] };
  preferences: { format: 'csv' | 'json' | 'stix'; cadence: 'daily' | 'weekly' | 'monthly'; language: 'ja' | 'en' };
  /** The ISP rents and manages the customer routers: it can fix them in bulk. */
  managesCustomerDevices: boolean;
}

export type OutboxChannel = 'smtp' | 'webhook' | 'file';

export interface OutboxEntryInput {
  channel: OutboxChannel;
  destination: string;
  /** Unique per delivery; the transports pass it on (Message-ID, Idempotency-Key, file name). */
  idempotencyKey: string;
  /** The OutgoingMessage as JSON (attachments base64). */
  payload: string;
}

export interface OutboxRow extends OutboxEntryInput {
  id: number;
  reportId: number;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt?: string;
  lastError?: string;
  deliveredAt?: string;
  detail?: string;
}

export interface ReportInput {
  ispId?: string;
  audience: 'isp' | 'vendor';
  createdAt: string;
  periodEnd: string;
  /** Same key twice creates one report (a re-run after a crash finds the first). */
  idempotencyKey: string;
  findingIds: number[];
  summary: Record<string, unknown>;
  outbox: OutboxEntryInput[];
}

export interface ReportRow {
  id: number;
  ispId?: string;
  audience: 'isp' | 'vendor';
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

/** What an ISP tells us it did about a finding (the store's CHECK constraint lists the same values). */
export const feedbackActions = ['handled', 'subscriber-contacted', 'device-replaced', 'false-positive'] as const;
export type FeedbackAction = (typeof feedbackActions)[number];

export interface FeedbackRow {
  id: number;
  findingId: number;
  ispId: string;
  action: FeedbackAction;
  note?: string;
  author?: string;
  at: string;
}
