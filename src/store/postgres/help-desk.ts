/** The help desk's reads and lookup log in PostgreSQL, as SQLite's (sqlite/help-desk.ts). */
import type { HelpDeskLookupRow, HelpDeskStore } from '../roles/help-desk.ts';
import type { PostgresContext } from './database.ts';
import { findingColumns, toPortalFinding } from './isp-portal.ts';
import { numberedConditions, type PgRow, toRecord } from './rows.ts';

const lookupColumns = `id, at, user_id AS "userId", user_name AS "userName", isp_id AS "ispId", ip, asked_time AS "askedTime", rows_shown AS "rowsShown", rows_present AS "rowsPresent"`;

/** @example const rows = await postgresHelpDeskStore(context).listIspFindingsAtAddress('sakura', '192.0.2.7', 100) */
export function postgresHelpDeskStore({ use }: PostgresContext): HelpDeskStore {
  return {
    listIspFindingsAtAddress: (ispId, ip, limit) =>
      use('listIspFindingsAtAddress', async (db) => {
        const { rows } = await db.query(
          `SELECT ${findingColumns} FROM findings f JOIN finding_attributions a ON a.finding_id = f.id
            LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id
            WHERE f.ip = $1 AND a.isp_id = $2 ORDER BY f.id DESC LIMIT $3`,
          [ip, ispId, limit],
        );
        return rows.map((row) => toPortalFinding(row as PgRow));
      }),

    recordHelpDeskLookup: (lookup) =>
      use('recordHelpDeskLookup', async (db) => {
        const { rows } = await db.query(
          `INSERT INTO help_desk_lookups (at, user_id, user_name, isp_id, ip, asked_time, rows_shown, rows_present) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [lookup.at, lookup.userId, lookup.userName, lookup.ispId, lookup.ip, lookup.askedTime, lookup.rowsShown, lookup.rowsPresent],
        );
        return Number((rows[0] as PgRow).id);
      }),

    listHelpDeskLookups: (query) =>
      use('listHelpDeskLookups', async (db) => {
        const conditions = numberedConditions();
        conditions.add('isp_id =', query.ispId);
        conditions.add('id <', query.beforeId);
        const values = [...conditions.values, query.limit];
        const { rows } = await db.query(
          `SELECT ${lookupColumns} FROM help_desk_lookups ${conditions.where()} ORDER BY id DESC LIMIT $${values.length}`,
          values,
        );
        return rows.map((row) => toRecord<HelpDeskLookupRow>(row as PgRow));
      }),
  };
}
