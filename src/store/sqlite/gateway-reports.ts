/** Secure-gateway reports in SQLite: one row per report, the counts as JSON, read by id (per ISP through gateway_reports_by_isp). */
import type { SQLInputValue } from 'node:sqlite';
import type { GatewayReportRow, GatewayReportStore } from '../roles/gateway-reports.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

const reportColumns = `id, received_at AS receivedAt, isp_id AS ispId, user_id AS userId, user_name AS userName, gateway,
  window_start AS windowStart, window_end AS windowEnd, policy_version AS policyVersion, blocked, quarantined`;

/** @example await sqliteGatewayReportStore(context).listGatewayReports({ limit: 20 }) */
export function sqliteGatewayReportStore({ db, use }: SqliteContext): GatewayReportStore {
  return {
    recordGatewayReport: (report) =>
      use('recordGatewayReport', () => {
        const result = db
          .prepare(`INSERT INTO gateway_reports (received_at, isp_id, user_id, user_name, gateway, window_start, window_end, policy_version, blocked, quarantined)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(
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
          );
        return Number(result.lastInsertRowid);
      }),

    listGatewayReports: (query) =>
      use('listGatewayReports', () => {
        const where: string[] = [];
        const values: SQLInputValue[] = [];
        if (query.ispId !== undefined) {
          where.push('isp_id = ?');
          values.push(query.ispId);
        }
        if (query.beforeId !== undefined) {
          where.push('id < ?');
          values.push(query.beforeId);
        }
        values.push(query.limit);
        const sql = `SELECT ${reportColumns} FROM gateway_reports ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
        return (db.prepare(sql).all(...values) as SqlRow[]).map((row) => toRecord<GatewayReportRow>(row, ['blocked', 'quarantined']));
      }),
  };
}
