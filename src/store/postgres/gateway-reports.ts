/** Secure-gateway reports in PostgreSQL, as SQLite's (sqlite/gateway-reports.ts). */
import type { GatewayReportRow, GatewayReportStore } from '../roles/gateway-reports.ts';
import type { PostgresContext } from './database.ts';
import { numberedConditions, type PgRow, toRecord } from './rows.ts';

const reportColumns = `id, received_at AS "receivedAt", isp_id AS "ispId", user_id AS "userId", user_name AS "userName", gateway,
  window_start AS "windowStart", window_end AS "windowEnd", policy_version AS "policyVersion", blocked, quarantined`;

/** @example await postgresGatewayReportStore(context).listGatewayReports({ limit: 20 }) */
export function postgresGatewayReportStore({ use }: PostgresContext): GatewayReportStore {
  return {
    recordGatewayReport: (report) =>
      use('recordGatewayReport', async (db) => {
        const { rows } = await db.query(
          `INSERT INTO gateway_reports (received_at, isp_id, user_id, user_name, gateway, window_start, window_end, policy_version, blocked, quarantined)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
          [
            report.receivedAt,
            report.ispId,
            report.userId,
            report.userName,
            report.gateway,
            report.windowStart,
            report.windowEnd,
            report.policyVersion,
            JSON.stringify(report.blocked),
            JSON.stringify(report.quarantined),
          ],
        );
        return Number((rows[0] as PgRow).id);
      }),

    listGatewayReports: (query) =>
      use('listGatewayReports', async (db) => {
        const conditions = numberedConditions();
        conditions.add('isp_id =', query.ispId);
        conditions.add('id <', query.beforeId);
        const values = [...conditions.values, query.limit];
        const { rows } = await db.query(`SELECT ${reportColumns} FROM gateway_reports ${conditions.where()} ORDER BY id DESC LIMIT $${values.length}`, values);
        return rows.map((row) => toRecord<GatewayReportRow>(row as PgRow, ['blocked', 'quarantined']));
      }),
  };
}
