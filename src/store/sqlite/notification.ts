/**
 * The notification loop in SQLite: ISP registry rows, attributions, reports with their
 * findings and outbox entries (written in one transaction, so a report is never half made),
 * the outbox's claim/settle cycle, and ISP feedback. Callers wrap writers in a transaction.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { Attribution, NotifiableFinding } from '../../core/records.ts';
import type { FeedbackAction, FeedbackRow, IspRecord, NotificationTimes, OutboxRow, ReportInput, ReportRow } from '../notification-types.ts';
import { byAddressAndPort, toRecord, type SqlRow } from './rows.ts';

/** @example writeIsps(db, registry.isps, new Date().toISOString()) */
export function writeIsps(db: DatabaseSync, isps: readonly IspRecord[], at: string): void {
  const upsert = db.prepare(`INSERT INTO isps (id, name, asns, prefixes, contacts, preferences, manages_customer_devices, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, asns = excluded.asns, prefixes = excluded.prefixes,
    contacts = excluded.contacts, preferences = excluded.preferences, manages_customer_devices = excluded.manages_customer_devices, updated_at = excluded.updated_at`);
  for (const isp of isps) {
    upsert.run(
      isp.id,
      isp.name,
      JSON.stringify(isp.asns),
      JSON.stringify(isp.prefixes),
      JSON.stringify(isp.contacts),
      JSON.stringify(isp.preferences),
      isp.managesCustomerDevices ? 1 : 0,
      at,
    );
  }
}

export function readIsps(db: DatabaseSync): IspRecord[] {
  const rows = db
    .prepare(`SELECT id, name, asns, prefixes, contacts, preferences, manages_customer_devices AS managesCustomerDevices FROM isps ORDER BY id`)
    .all() as SqlRow[];
  return rows.map((row) => {
    const record = toRecord<Omit<IspRecord, 'managesCustomerDevices'> & { managesCustomerDevices: number }>(row, [
      'asns',
      'prefixes',
      'contacts',
      'preferences',
    ]);
    return { ...record, managesCustomerDevices: Boolean(record.managesCustomerDevices) };
  });
}

/** @example writeAttributions(db, [{ findingId: 1, attribution }], now) */
export function writeAttributions(db: DatabaseSync, items: ReadonlyArray<{ findingId: number; attribution: Attribution }>, at: string): void {
  const upsert =
    db.prepare(`INSERT INTO finding_attributions (finding_id, prefix, asn, as_name, country, isp_id, source, abuse_email, unattributed_reason, attributed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (finding_id) DO UPDATE SET prefix = excluded.prefix, asn = excluded.asn, as_name = excluded.as_name,
    country = excluded.country, isp_id = excluded.isp_id, source = excluded.source, abuse_email = excluded.abuse_email,
    unattributed_reason = excluded.unattributed_reason, attributed_at = excluded.attributed_at`);
  for (const { findingId, attribution: a } of items) {
    upsert.run(
      findingId,
      a.prefix ?? null,
      a.asn ?? null,
      a.asName ?? null,
      a.country ?? null,
      a.ispId ?? null,
      a.source,
      a.abuseEmail ?? null,
      a.unattributedReason ?? null,
      at,
    );
  }
}

export interface NotifiableFilter {
  ispId?: string;
  status?: 'open' | 'closed';
  /** Only findings without an attribution yet. */
  unattributed?: boolean;
}

/**
 * Findings joined with device identity and attribution (absent attribution: source 'none').
 * @example readNotifiableFindings(db, { ispId: 'example-isp', status: 'open' })
 */
export function readNotifiableFindings(db: DatabaseSync, filter: NotifiableFilter = {}): NotifiableFinding[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.ispId !== undefined) {
    where.push('a.isp_id = ?');
    values.push(filter.ispId);
  }
  if (filter.status !== undefined) {
    where.push('f.status = ?');
    values.push(filter.status);
  }
  if (filter.unattributed) where.push('a.finding_id IS NULL');
  // One ISP's findings: start from its attributions (CROSS JOIN fixes the order in SQLite), or the
  // planner may prefer the status index and read every open finding once per ISP — quadratic in a notify run.
  const from =
    filter.ispId !== undefined
      ? 'finding_attributions a CROSS JOIN findings f ON f.id = a.finding_id'
      : 'findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id';
  const rows = db
    .prepare(`SELECT f.id, f.kind, f.ip, f.port, f.protocol, f.evidence, f.status, f.first_seen AS firstSeen, f.last_seen AS lastSeen, f.closed_at AS closedAt,
      d.vendor, d.model, d.device_type AS deviceType, d.firmware_version AS firmwareVersion, d.release_year AS releaseYear,
      a.prefix, a.asn, a.as_name AS asName, a.country, a.isp_id AS ispId, i.name AS ispName, a.source, a.abuse_email AS abuseEmail,
      a.unattributed_reason AS unattributedReason
    FROM ${from} LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`)
    .all(...values) as SqlRow[];
  return byAddressAndPort(
    rows.map((row) => {
      const { prefix, asn, asName, country, ispId, ispName, source, abuseEmail, unattributedReason, ...finding } = toRecord<Record<string, unknown>>(row, [
        'evidence',
      ]);
      const attribution = toRecord<Attribution>({
        prefix,
        asn,
        asName,
        country,
        ispId,
        ispName,
        abuseEmail,
        unattributedReason,
        source: source ?? 'none',
      } as unknown as SqlRow);
      if (source === undefined) attribution.unattributedReason = 'not attributed yet';
      return { ...finding, attribution } as unknown as NotifiableFinding;
    }),
  );
}

/**
 * When each finding was first and last put in a report to an ISP (ISO times) and how many
 * reports carried it: for the re-notification policy, the re-survey and effectiveness clocks.
 * @example readNotificationTimes(db, 'example-isp').get(findingId)?.last
 */
export function readNotificationTimes(db: DatabaseSync, ispId?: string): Map<number, NotificationTimes> {
  const rows = db
    .prepare(`SELECT rf.finding_id AS findingId, MIN(r.created_at) AS first, MAX(r.created_at) AS last, COUNT(*) AS reports
    FROM report_findings rf JOIN reports r ON r.id = rf.report_id
    WHERE r.audience = 'isp' ${ispId === undefined ? '' : 'AND r.isp_id = ?'} GROUP BY rf.finding_id`)
    .all(...(ispId === undefined ? [] : [ispId])) as unknown as Array<{ findingId: number } & NotificationTimes>;
  return new Map(rows.map(({ findingId, first, last, reports }) => [findingId, { first, last, reports }]));
}

/**
 * A report, its findings and its outbox entries; an existing idempotency key returns the
 * report made before instead (a re-run after a crash makes no second report).
 * @example const { reportId, created } = writeReport(db, input)
 */
export function writeReport(db: DatabaseSync, input: ReportInput): { reportId: number; created: boolean } {
  const existing = db.prepare('SELECT id FROM reports WHERE idempotency_key = ?').get(input.idempotencyKey) as { id: number } | undefined;
  if (existing) return { reportId: existing.id, created: false };
  const { lastInsertRowid } = db
    .prepare(`INSERT INTO reports (isp_id, audience, created_at, period_end, idempotency_key, finding_count, summary)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(input.ispId ?? null, input.audience, input.createdAt, input.periodEnd, input.idempotencyKey, input.findingIds.length, JSON.stringify(input.summary));
  const reportId = Number(lastInsertRowid);
  const link = db.prepare('INSERT INTO report_findings (report_id, finding_id) VALUES (?, ?)');
  for (const findingId of input.findingIds) link.run(reportId, findingId);
  const queue = db.prepare(
    `INSERT INTO outbox (report_id, channel, destination, idempotency_key, payload, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
  );
  for (const entry of input.outbox) queue.run(reportId, entry.channel, entry.destination, entry.idempotencyKey, entry.payload, input.createdAt);
  return { reportId, created: true };
}

const reportColumns = `id, isp_id AS ispId, audience, created_at AS createdAt, period_end AS periodEnd, idempotency_key AS idempotencyKey, finding_count AS findingCount, summary`;

export function readReports(db: DatabaseSync, filter: { ispId?: string } = {}): ReportRow[] {
  const rows = (
    filter.ispId !== undefined
      ? db.prepare(`SELECT ${reportColumns} FROM reports WHERE isp_id = ? ORDER BY id`).all(filter.ispId)
      : db.prepare(`SELECT ${reportColumns} FROM reports ORDER BY id`).all()
  ) as SqlRow[];
  return rows.map((row) => toRecord<ReportRow>(row, ['summary']));
}

export function readReportFindingIds(db: DatabaseSync, reportId: number): number[] {
  return (db.prepare('SELECT finding_id AS id FROM report_findings WHERE report_id = ? ORDER BY finding_id').all(reportId) as Array<{ id: number }>).map(
    (row) => row.id,
  );
}

const outboxColumns = `id, report_id AS reportId, channel, destination, idempotency_key AS idempotencyKey, payload, status, attempts,
  next_attempt_at AS nextAttemptAt, last_attempt_at AS lastAttemptAt, last_error AS lastError, delivered_at AS deliveredAt, detail`;

/** Pending entries due at `now`, oldest first. */
export function readDueOutbox(db: DatabaseSync, now: string, limit: number): OutboxRow[] {
  return (
    db
      .prepare(`SELECT ${outboxColumns} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`)
      .all(now, limit) as SqlRow[]
  ).map((row) => toRecord<OutboxRow>(row));
}

export function readOutbox(db: DatabaseSync, filter: { status?: OutboxRow['status'] } = {}): OutboxRow[] {
  const rows = (
    filter.status
      ? db.prepare(`SELECT ${outboxColumns} FROM outbox WHERE status = ? ORDER BY id`).all(filter.status)
      : db.prepare(`SELECT ${outboxColumns} FROM outbox ORDER BY id`).all()
  ) as SqlRow[];
  return rows.map((row) => toRecord<OutboxRow>(row));
}

export interface OutboxSettlement {
  id: number;
  at: string;
  status: OutboxRow['status'];
  /** For a retry: when to try again. */
  nextAttemptAt?: string;
  error?: string;
  detail?: string;
}

/** Record one attempt's outcome. */
export function settleOutbox(db: DatabaseSync, settlement: OutboxSettlement): void {
  db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, status = ?, next_attempt_at = COALESCE(?, next_attempt_at),
    last_error = ?, detail = COALESCE(?, detail), delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?`).run(
    settlement.at,
    settlement.status,
    settlement.nextAttemptAt ?? null,
    settlement.error ?? null,
    settlement.detail ?? null,
    settlement.status,
    settlement.at,
    settlement.id,
  );
}

export function writeFeedback(db: DatabaseSync, feedback: Omit<FeedbackRow, 'id'>): number {
  return Number(
    db
      .prepare('INSERT INTO isp_feedback (finding_id, isp_id, action, note, author, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(feedback.findingId, feedback.ispId, feedback.action, feedback.note ?? null, feedback.author ?? null, feedback.at).lastInsertRowid,
  );
}

export function readFeedback(db: DatabaseSync, filter: { findingId?: number; ispId?: string; action?: FeedbackAction } = {}): FeedbackRow[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.findingId !== undefined) {
    where.push('finding_id = ?');
    values.push(filter.findingId);
  }
  if (filter.ispId !== undefined) {
    where.push('isp_id = ?');
    values.push(filter.ispId);
  }
  if (filter.action !== undefined) {
    where.push('action = ?');
    values.push(filter.action);
  }
  return (
    db
      .prepare(
        `SELECT id, finding_id AS findingId, isp_id AS ispId, action, note, author, at FROM isp_feedback ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
      )
      .all(...values) as SqlRow[]
  ).map((row) => toRecord<FeedbackRow>(row));
}
