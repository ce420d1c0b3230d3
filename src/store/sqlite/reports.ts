/**
 * Reports in SQLite (tables `reports`, `report_findings`): a report, its findings and its
 * outbox entries are written in one transaction, so a report is never half made.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { NotificationTimes, NotificationTimesFilter, ReportInput, ReportRow, ReportStore } from '../roles/reports.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** @example const { reportId, created } = await sqliteReportStore(context).createReport(input) */
export function sqliteReportStore({ db, use }: SqliteContext): ReportStore {
  return {
    createReport: (input) => use('createReport', () => inTransaction(db, () => writeReport(db, input))),
    listReports: (filter) => use('listReports', () => readReports(db, filter)),
    reportFindingIds: (reportId) => use('reportFindingIds', () => readReportFindingIds(db, reportId)),
    notificationTimes: (filter = {}) => use('notificationTimes', () => readNotificationTimes(db, filter)),
  };
}

/**
 * A report, its findings and its outbox entries; an existing idempotency key returns the
 * report made before instead (a re-run after a crash makes no second report).
 * @example const { reportId, created } = writeReport(db, input)
 */
function writeReport(db: DatabaseSync, input: ReportInput): { reportId: number; created: boolean } {
  const existing = db.prepare('SELECT id FROM reports WHERE idempotency_key = ?').get(input.idempotencyKey) as { id: number } | undefined;
  if (existing) return { reportId: existing.id, created: false };
  const { lastInsertRowid } = db
    .prepare(`INSERT INTO reports (isp_id, integrator_id, audience, created_at, period_end, idempotency_key, finding_count, summary)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      input.ispId ?? null,
      input.integratorId ?? null,
      input.audience,
      input.createdAt,
      input.periodEnd,
      input.idempotencyKey,
      input.findingIds.length,
      JSON.stringify(input.summary),
    );
  const reportId = Number(lastInsertRowid);
  const link = db.prepare('INSERT INTO report_findings (report_id, finding_id) VALUES (?, ?)');
  for (const findingId of input.findingIds) link.run(reportId, findingId);
  const queue = db.prepare(
    `INSERT INTO outbox (report_id, channel, destination, idempotency_key, payload, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
  );
  for (const entry of input.outbox) queue.run(reportId, entry.channel, entry.destination, entry.idempotencyKey, entry.payload, input.createdAt);
  return { reportId, created: true };
}

const reportColumns = `id, isp_id AS ispId, integrator_id AS integratorId, audience, created_at AS createdAt, period_end AS periodEnd, idempotency_key AS idempotencyKey, finding_count AS findingCount, summary`;

function readReports(db: DatabaseSync, filter: { ispId?: string } = {}): ReportRow[] {
  const rows = (
    filter.ispId !== undefined
      ? db.prepare(`SELECT ${reportColumns} FROM reports WHERE isp_id = ? ORDER BY id`).all(filter.ispId)
      : db.prepare(`SELECT ${reportColumns} FROM reports ORDER BY id`).all()
  ) as SqlRow[];
  return rows.map((row) => toRecord<ReportRow>(row, ['summary']));
}

function readReportFindingIds(db: DatabaseSync, reportId: number): number[] {
  return (db.prepare('SELECT finding_id AS id FROM report_findings WHERE report_id = ? ORDER BY finding_id').all(reportId) as Array<{ id: number }>).map(
    (row) => row.id,
  );
}

/**
 * When each finding was first and last put in a report to an ISP (ISO times) and how many
 * reports carried it: for the re-notification policy, the re-survey and effectiveness clocks.
 * Reports to an integrator count only for that integrator's own re-notification.
 * @example readNotificationTimes(db, { ispId: 'example-isp' }).get(findingId)?.last
 */
function readNotificationTimes(db: DatabaseSync, filter: NotificationTimesFilter): Map<number, NotificationTimes> {
  const condition =
    filter.integratorId !== undefined
      ? { sql: "r.audience = 'integrator' AND r.integrator_id = ?", values: [filter.integratorId] }
      : filter.ispId !== undefined
        ? { sql: "r.audience = 'isp' AND r.isp_id = ?", values: [filter.ispId] }
        : { sql: "r.audience = 'isp'", values: [] };
  const rows = db
    .prepare(`SELECT rf.finding_id AS findingId, MIN(r.created_at) AS first, MAX(r.created_at) AS last, COUNT(*) AS reports
    FROM report_findings rf JOIN reports r ON r.id = rf.report_id
    WHERE ${condition.sql} GROUP BY rf.finding_id`)
    .all(...condition.values) as unknown as Array<{ findingId: number } & NotificationTimes>;
  return new Map(rows.map(({ findingId, first, last, reports }) => [findingId, { first, last, reports }]));
}
