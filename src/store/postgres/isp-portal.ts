/**
 * The ISP portal's reads in PostgreSQL. Each page starts from the attribution rows, whose
 * copies of the finding's kind, status and closing time (kept by triggers, migration 007) let
 * one index range answer the filters in id order: the (isp_id, …, finding_id) indexes of the
 * same migration — PostgreSQL's indexes, unlike SQLite's, are not ordered by the row id within
 * a key, so the id is their last column. A page of an ISP with a million findings then costs
 * the same as a page of an ISP with ten. Counts come from the trigger-kept isp_finding_counts.
 */
import type { IspFindingCount, IspFindingQuery, IspPortalStore, PortalFindingRow } from '../roles/isp-portal.ts';
import type { ReportRow } from '../roles/reports.ts';
import { notifiableFindingOf, numberedConditions, type PgRow, toRecord } from './rows.ts';
import type { PostgresContext } from './database.ts';

/** A portal finding's columns (the help desk reads the same rows). */
export const findingColumns = `f.id, f.kind, f.ip, f.port, f.protocol, f.evidence, f.status, f.first_seen AS "firstSeen", f.last_seen AS "lastSeen",
  f.closed_at AS "closedAt", f.last_run_id AS "lastRunId",
  d.vendor, d.model, d.device_type AS "deviceType", d.firmware_version AS "firmwareVersion", d.release_year AS "releaseYear",
  a.prefix, a.asn, a.as_name AS "asName", a.country, a.isp_id AS "ispId", i.name AS "ispName", a.source, a.abuse_email AS "abuseEmail",
  a.unattributed_reason AS "unattributedReason"`;

/** From an attribution row to its finding, device and ISP. */
const fromAttribution = `finding_attributions a JOIN findings f ON f.id = a.finding_id
  LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id`;

const reportColumns = `r.id, r.isp_id AS "ispId", r.audience, r.created_at AS "createdAt", r.period_end AS "periodEnd",
  r.idempotency_key AS "idempotencyKey", r.finding_count AS "findingCount", r.summary`;

export function toPortalFinding(row: PgRow): PortalFindingRow {
  const { attributed: _alwaysAttributed, ...finding } = notifiableFindingOf<PortalFindingRow>(row);
  return finding;
}

const toReport = (row: PgRow): ReportRow => toRecord<ReportRow>(row, ['summary']);

/**
 * The statement of one page of an ISP's findings (exported so a test can check its plan).
 * @example const { sql, values } = ispFindingsStatement({ ispId: 'sakura', status: 'open', limit: 50 })
 */
export function ispFindingsStatement(query: IspFindingQuery): { sql: string; values: Array<string | number> } {
  const conditions = numberedConditions();
  conditions.add('a.isp_id =', query.ispId);
  conditions.add('a.finding_status =', query.status);
  conditions.add('a.finding_kind =', query.kind);
  conditions.add('a.finding_id <', query.beforeId);
  const values = [...conditions.values, query.limit];
  return { sql: `SELECT ${findingColumns} FROM ${fromAttribution} ${conditions.where()} ORDER BY a.finding_id DESC LIMIT $${values.length}`, values };
}

/** @example const page = await postgresIspPortalStore(context).listIspFindings({ ispId: 'sakura', status: 'open', limit: 50 }) */
export function postgresIspPortalStore({ use }: PostgresContext): IspPortalStore {
  return {
    listIspFindings: (query) =>
      use('listIspFindings', async (db) => {
        const { sql, values } = ispFindingsStatement(query);
        return (await db.query(sql, values)).rows.map((row) => toPortalFinding(row as PgRow));
      }),

    getIspFinding: (ispId, findingId) =>
      use('getIspFinding', async (db) => {
        const { rows } = await db.query(`SELECT ${findingColumns} FROM ${fromAttribution} WHERE a.finding_id = $1 AND a.isp_id = $2`, [findingId, ispId]);
        return rows[0] ? toPortalFinding(rows[0] as PgRow) : undefined;
      }),

    recentlyClosedIspFindings: (ispId, limit) =>
      use('recentlyClosedIspFindings', async (db) => {
        // finding_attributions_by_isp_closed (isp_id, finding_status, finding_closed_at), walked backwards.
        const { rows } = await db.query(
          `SELECT ${findingColumns} FROM ${fromAttribution}
          WHERE a.isp_id = $1 AND a.finding_status = 'closed' ORDER BY a.finding_closed_at DESC LIMIT $2`,
          [ispId, limit],
        );
        return rows.map((row) => toPortalFinding(row as PgRow));
      }),

    countIspFindings: (ispId) =>
      use('countIspFindings', async (db) => {
        const { rows } = await db.query(`SELECT kind, status, count FROM isp_finding_counts WHERE isp_id = $1 AND count > 0 ORDER BY status, kind`, [ispId]);
        return rows.map((row) => toRecord<IspFindingCount>(row as PgRow));
      }),

    getReport: (reportId) =>
      use('getReport', async (db) => {
        const { rows } = await db.query(`SELECT ${reportColumns} FROM reports r WHERE r.id = $1`, [reportId]);
        return rows[0] ? toReport(rows[0] as PgRow) : undefined;
      }),

    listReportFindings: (reportId) =>
      use('listReportFindings', async (db) => {
        const { rows } = await db.query(
          `SELECT ${findingColumns} FROM report_findings rf JOIN findings f ON f.id = rf.finding_id
            LEFT JOIN finding_attributions a ON a.finding_id = f.id LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id
          WHERE rf.report_id = $1 ORDER BY f.id`,
          [reportId],
        );
        return rows.map((row) => toPortalFinding(row as PgRow));
      }),

    reportsCarryingFinding: (ispId, findingId) =>
      use('reportsCarryingFinding', async (db) => {
        // report_findings_by_finding, then each report by its key.
        const { rows } = await db.query(
          `SELECT ${reportColumns} FROM report_findings rf JOIN reports r ON r.id = rf.report_id
          WHERE rf.finding_id = $1 AND r.isp_id = $2 ORDER BY r.id`,
          [findingId, ispId],
        );
        return rows.map((row) => toReport(row as PgRow));
      }),
  };
}
