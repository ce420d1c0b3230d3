/**
 * Opt-out requests in PostgreSQL. A request is decided once: approving or rejecting only ever
 * changes a pending row (the UPDATE's own condition, checked under the row lock it takes), so
 * two operators clicking at the same time cannot flip each other's decision.
 */
import type { OptOutFilter, OptOutRequestRow, OptOutStore } from '../roles/opt-outs.ts';
import { type PgRow, toRecord } from './rows.ts';
import type { PostgresContext, Queryable } from './database.ts';

const columns = `id, cidrs, contact, reason, status, requested_at AS "requestedAt", requester_address AS "requesterAddress",
  decided_at AS "decidedAt", decided_by AS "decidedBy"`;

const toRow = (row: PgRow): OptOutRequestRow => toRecord<OptOutRequestRow>(row, ['cidrs']);

async function readRequest(db: Queryable, id: number): Promise<OptOutRequestRow | undefined> {
  const { rows } = await db.query(`SELECT ${columns} FROM opt_out_requests WHERE id = $1`, [id]);
  return rows[0] ? toRow(rows[0] as PgRow) : undefined;
}

/** @example const id = await postgresOptOutStore(context).createOptOutRequest(request) */
export function postgresOptOutStore({ use }: PostgresContext): OptOutStore {
  return {
    createOptOutRequest: (request) =>
      use('createOptOutRequest', async (db) => {
        const { rows } = await db.query<{ id: number }>(
          `INSERT INTO opt_out_requests (cidrs, contact, reason, requested_at, requester_address) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [JSON.stringify(request.cidrs), request.contact, request.reason, request.requestedAt, request.requesterAddress],
        );
        return Number(rows[0]!.id);
      }),

    listOptOutRequests: (filter: OptOutFilter = {}) =>
      use('listOptOutRequests', async (db) => {
        const limit = Math.max(1, Math.min(filter.limit ?? 10_000, 10_000));
        const { rows } = filter.status
          ? await db.query(`SELECT ${columns} FROM opt_out_requests WHERE status = $1 ORDER BY id DESC LIMIT $2`, [filter.status, limit])
          : await db.query(`SELECT ${columns} FROM opt_out_requests ORDER BY id DESC LIMIT $1`, [limit]);
        return rows.map((row) => toRow(row as PgRow));
      }),

    getOptOutRequest: (id) => use('getOptOutRequest', (db) => readRequest(db, id)),

    decideOptOutRequest: (id, decision) =>
      use('decideOptOutRequest', async (db) => {
        // The UPDATE returns the row it decided; a request decided before (or none at all) is
        // read as it stands.
        const { rows } = await db.query(
          `UPDATE opt_out_requests SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status = 'pending' RETURNING ${columns}`,
          [decision.status, decision.at, decision.by, id],
        );
        return rows[0] ? toRow(rows[0] as PgRow) : readRequest(db, id);
      }),
  };
}
