/**
 * The ISP portal's reads in SQLite. Each query starts from the attribution row (CROSS JOIN
 * keeps SQLite from choosing another driving table) and walks one range of an index from
 * migration 006, so a page of an ISP with a million findings costs the same as a page of
 * an ISP with ten.
 */
import type { SQLInputValue } from 'node:sqlite';
import type { IspFindingCount, IspFindingQuery, IspPortalStore, PortalFindingRow } from '../roles/isp-portal.ts';
import type { ReportRow } from '../roles/reports.ts';
import type { SqliteContext } from './database.ts';
import { notifiableFindingOf, toRecord, type SqlRow } from './rows.ts';

/** A portal finding's columns (the help desk reads the same rows). */
export const findingColumns = `f.id, f.kind, f.ip, f.port, f.protocol, f.evidence, f.status, f.first_seen AS firstSeen, f.last_seen AS lastSeen,
  f.closed_at AS closedAt, f.last_run_id AS lastRunId,
  d.vendor, d.model, d.device_type AS deviceType, d.firmware_version AS firmwareVersion, d.release_year AS releaseYear,
  a.prefix, a.asn, a.as_name AS asName, a.country, a.isp_id AS ispId, i.name AS ispName, a.source, a.abuse_email AS abuseEmail,
  a.unattributed_reason AS unattributedReason`;

/** From an attribution row to its finding, device and ISP. */
const fromAttribution = `finding_attributions a CROSS JOIN findings f ON f.id = a.finding_id
  LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id`;

const reportColumns = `r.id, r.isp_id AS ispId, r.audience, r.created_at AS createdAt, r.period_end AS periodEnd,
  r.idempotency_key AS idempotencyKey, r.finding_count AS findingCount, r.summary`;

export function toPortalFinding(row: SqlRow): PortalFindingRow {
  const { attributed: _alwaysAttributed, ...finding } = notifiableFindingOf<PortalFindingRow>(row);
  return finding;
}

/**
 * The statement of one page of an ISP's findings (exported so a test can check its query plan).
 * @example const { sql, values } = ispFindingsStatement({ ispId: 'sakura', status: 'open', limit: 50 })
 */
export function ispFindingsStatement(query: IspFindingQuery): { sql: string; values: SQLInputValue[] } {
  const where = ['a.isp_id = ?'];
  const values: SQLInputValue[] = [query.ispId];
  if (query.status !== undefined) {
    where.push('a.finding_status = ?');
    values.push(query.status);
  }
  if (query.kind !== undefined) {
    where.push('a.finding_kind = ?');
    values.push(query.kind);
  }
  if (query.beforeId !== undefined) {
    where.push('a.finding_id < ?');
    values.push(query.beforeId);
  }
  values.push(query.limit);
  return { sql: `SELECT ${findingColumns} FROM ${fromAttribution} WHERE ${where.join(' AND ')} ORDER BY a.finding_id DESC LIMIT ?`, values };
}

/** @example const page = await sqliteIspPortalStore(context).listIspFindings({ ispId: 'sakura', status: 'open', limit: 50 }) */
export function sqliteIspPortalStore({ db, use }: SqliteContext): IspPortalStore {
  return {
    listIspFindings: (query) =>
      use('listIspFindings', () => {
        const { sql, values } = ispFindingsStatement(query);
        return (db.prepare(sql).all(...values) as SqlRow[]).map(toPortalFinding);
      }),

    getIspFinding: (ispId, findingId) =>
      use('getIspFinding', () => {
        const row = db.prepare(`SELECT ${findingColumns} FROM ${fromAttribution} WHERE a.finding_id = ? AND a.isp_id = ?`).get(findingId, ispId) as
          | SqlRow
          | undefined;
        return row ? toPortalFinding(row) : undefined;
      }),

    recentlyClosedIspFindings: (ispId, limit) =>
      use('recentlyClosedIspFindings', () => {
        const rows = db
          .prepare(`SELECT ${findingColumns} FROM ${fromAttribution}
          WHERE a.isp_id = ? AND a.finding_status = 'closed' ORDER BY a.finding_closed_at DESC LIMIT ?`)
          .all(ispId, limit) as SqlRow[];
        return rows.map(toPortalFinding);
      }),

    countIspFindings: (ispId) =>
      use('countIspFindings', () =>
        (
          db
            .prepare(`SELECT kind, status, count FROM isp_finding_counts
          WHERE isp_id = ? AND count > 0 ORDER BY status, kind`)
            .all(ispId) as SqlRow[]
        ).map((row) => toRecord<IspFindingCount>(row)),
      ),

    getReport: (reportId) =>
      use('getReport', () => {
        const row = db.prepare(`SELECT ${reportColumns} FROM reports r WHERE r.id = ?`).get(reportId) as SqlRow | undefined;
        return row ? toRecord<ReportRow>(row, ['summary']) : undefined;
      }),

    listReportFindings: (reportId) =>
      use('listReportFindings', () => {
        const rows = db
          .prepare(`SELECT ${findingColumns} FROM report_findings rf CROSS JOIN findings f ON f.id = rf.finding_id
            LEFT JOIN finding_attributions a ON a.finding_id = f.id LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id
          WHERE rf.report_id = ? ORDER BY f.id`)
          .all(reportId) as SqlRow[];
        return rows.map(toPortalFinding);
      }),

    reportsCarryingFinding: (ispId, findingId) =>
      use('reportsCarryingFinding', () =>
        (
          db
            .prepare(`SELECT ${reportColumns} FROM report_findings rf CROSS JOIN reports r ON r.id = rf.report_id
          WHERE rf.finding_id = ? AND r.isp_id = ? ORDER BY r.id`)
            .all(findingId, ispId) as SqlRow[]
        ).map((row) => toRecord<ReportRow>(row, ['summary'])),
      ),
  };
}
