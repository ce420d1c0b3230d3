/**
 * Reports in PostgreSQL (tables `reports`, `report_findings`): a report, its findings and its
 * outbox entries are written in one transaction, so a report is never half made.
 */
import type pg from 'pg';
import type { NotificationTimes, ReportInput, ReportRow, ReportStore } from '../roles/reports.ts';
import type { PostgresContext } from './database.ts';
import { toRecord } from './rows.ts';

const reportColumns = `id, isp_id AS "ispId", integrator_id AS "integratorId", audience, created_at AS "createdAt", period_end AS "periodEnd", idempotency_key AS "idempotencyKey",
  finding_count AS "findingCount", summary`;

/** @example const { reportId, created } = await postgresReportStore(context).createReport(input) */
export function postgresReportStore({ use, transaction }: PostgresContext): ReportStore {
  return {
    createReport: (input) => transaction('createReport', (client) => writeReport(client, input)),

    listReports: (filter = {}) =>
      use('listReports', async (db) => {
        const result =
          filter.ispId !== undefined
            ? await db.query(`SELECT ${reportColumns} FROM reports WHERE isp_id = $1 ORDER BY id`, [filter.ispId])
            : await db.query(`SELECT ${reportColumns} FROM reports ORDER BY id`);
        return result.rows.map((row) => toRecord<ReportRow>(row, ['summary']));
      }),

    reportFindingIds: (reportId) =>
      use('reportFindingIds', async (db) => {
        const result = await db.query<{ id: number }>('SELECT finding_id AS id FROM report_findings WHERE report_id = $1 ORDER BY finding_id', [reportId]);
        return result.rows.map((row) => row.id);
      }),

    notificationTimes: (filter = {}) =>
      use('notificationTimes', async (db) => {
        // Reports to an integrator count only for that integrator's own re-notification.
        const condition =
          filter.integratorId !== undefined
            ? { sql: "r.audience = 'integrator' AND r.integrator_id = $1", values: [filter.integratorId] }
            : filter.ispId !== undefined
              ? { sql: "r.audience = 'isp' AND r.isp_id = $1", values: [filter.ispId] }
              : { sql: "r.audience = 'isp'", values: [] };
        const result = await db.query<{ findingId: number } & NotificationTimes>(
          `SELECT rf.finding_id AS "findingId", MIN(r.created_at) AS first, MAX(r.created_at) AS last, COUNT(*) AS reports
            FROM report_findings rf JOIN reports r ON r.id = rf.report_id
            WHERE ${condition.sql} GROUP BY rf.finding_id`,
          condition.values,
        );
        return new Map(result.rows.map(({ findingId, first, last, reports }) => [findingId, { first, last, reports }]));
      }),
  };
}

/**
 * A report, its findings and its outbox entries; an existing idempotency key returns the
 * report made before instead (a re-run after a crash makes no second report). Two notifiers
 * racing on one key: ON CONFLICT DO NOTHING lets exactly one insert; the other reads its id.
 */
async function writeReport(client: pg.PoolClient, input: ReportInput): Promise<{ reportId: number; created: boolean }> {
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO reports (isp_id, integrator_id, audience, created_at, period_end, idempotency_key, finding_count, summary)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [
      input.ispId ?? null,
      input.integratorId ?? null,
      input.audience,
      input.createdAt,
      input.periodEnd,
      input.idempotencyKey,
      input.findingIds.length,
      JSON.stringify(input.summary),
    ],
  );
  const reportId = inserted.rows[0]?.id;
  if (reportId === undefined) {
    const existing = await client.query<{ id: number }>('SELECT id FROM reports WHERE idempotency_key = $1', [input.idempotencyKey]);
    return { reportId: Number(existing.rows[0]?.id), created: false };
  }
  if (input.findingIds.length > 0) {
    await client.query('INSERT INTO report_findings (report_id, finding_id) SELECT $1, finding_id FROM unnest($2::bigint[]) AS finding_id', [
      reportId,
      [...input.findingIds],
    ]);
  }
  if (input.outbox.length > 0) {
    await client.query(
      `INSERT INTO outbox (report_id, channel, destination, idempotency_key, payload, status, next_attempt_at)
        SELECT $1, channel, destination, key, payload, 'pending', $2
        FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS o(channel, destination, key, payload, position)
        ORDER BY position`,
      [
        reportId,
        input.createdAt,
        input.outbox.map((entry) => entry.channel),
        input.outbox.map((entry) => entry.destination),
        input.outbox.map((entry) => entry.idempotencyKey),
        input.outbox.map((entry) => entry.payload),
      ],
    );
  }
  return { reportId, created: true };
}
