/**
 * The help desk's reads and lookup log in SQLite. A lookup walks the findings of one address
 * (findings_by_ip) and keeps those attributed to the asking ISP; the log is read by id, per ISP
 * through help_desk_lookups_by_isp.
 */
import type { SQLInputValue } from 'node:sqlite';
import type { HelpDeskLookupRow, HelpDeskStore } from '../roles/help-desk.ts';
import type { SqliteContext } from './database.ts';
import { findingColumns, toPortalFinding } from './isp-portal.ts';
import { toRecord, type SqlRow } from './rows.ts';

const lookupColumns = `id, at, user_id AS userId, user_name AS userName, isp_id AS ispId, ip, asked_time AS askedTime, rows_shown AS rowsShown, rows_present AS rowsPresent`;

/** @example const rows = await sqliteHelpDeskStore(context).listIspFindingsAtAddress('sakura', '192.0.2.7', 100) */
export function sqliteHelpDeskStore({ db, use }: SqliteContext): HelpDeskStore {
  return {
    listIspFindingsAtAddress: (ispId, ip, limit) =>
      use('listIspFindingsAtAddress', () => {
        const rows = db
          .prepare(`SELECT ${findingColumns} FROM findings f INDEXED BY findings_by_ip
            JOIN finding_attributions a ON a.finding_id = f.id
            LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id
            WHERE f.ip = ? AND a.isp_id = ? ORDER BY f.id DESC LIMIT ?`)
          .all(ip, ispId, limit) as SqlRow[];
        return rows.map(toPortalFinding);
      }),

    recordHelpDeskLookup: (lookup) =>
      use('recordHelpDeskLookup', () => {
        const result = db
          .prepare('INSERT INTO help_desk_lookups (at, user_id, user_name, isp_id, ip, asked_time, rows_shown, rows_present) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(lookup.at, lookup.userId, lookup.userName, lookup.ispId, lookup.ip, lookup.askedTime, lookup.rowsShown, lookup.rowsPresent);
        return Number(result.lastInsertRowid);
      }),

    listHelpDeskLookups: (query) =>
      use('listHelpDeskLookups', () => {
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
        const sql = `SELECT ${lookupColumns} FROM help_desk_lookups ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
        return (db.prepare(sql).all(...values) as SqlRow[]).map((row) => toRecord<HelpDeskLookupRow>(row));
      }),
  };
}
