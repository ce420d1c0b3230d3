/**
 * Opt-out requests in SQLite (table from migration 007). A request is decided once:
 * approving or rejecting only ever changes a pending row, so two operators clicking at the
 * same time cannot flip each other's decision.
 */
import type { OptOutFilter, OptOutRequestRow, OptOutStore } from '../roles/opt-outs.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

const columns = `id, cidrs, contact, reason, status, requested_at AS requestedAt, requester_address AS requesterAddress,
  decided_at AS decidedAt, decided_by AS decidedBy`;

const toRow = (row: SqlRow): OptOutRequestRow => toRecord<OptOutRequestRow>(row, ['cidrs']);

/** @example const id = await sqliteOptOutStore(context).createOptOutRequest(request) */
export function sqliteOptOutStore({ db, use }: SqliteContext): OptOutStore {
  const get = (id: number): OptOutRequestRow | undefined => {
    const row = db.prepare(`SELECT ${columns} FROM opt_out_requests WHERE id = ?`).get(id) as SqlRow | undefined;
    return row ? toRow(row) : undefined;
  };
  return {
    createOptOutRequest: (request) =>
      use('createOptOutRequest', () =>
        Number(
          db
            .prepare('INSERT INTO opt_out_requests (cidrs, contact, reason, requested_at, requester_address) VALUES (?, ?, ?, ?, ?)')
            .run(JSON.stringify(request.cidrs), request.contact, request.reason, request.requestedAt, request.requesterAddress).lastInsertRowid,
        ),
      ),

    listOptOutRequests: (filter: OptOutFilter = {}) =>
      use('listOptOutRequests', () => {
        const limit = Math.max(1, Math.min(filter.limit ?? 10_000, 10_000));
        const rows = (
          filter.status
            ? db.prepare(`SELECT ${columns} FROM opt_out_requests WHERE status = ? ORDER BY id DESC LIMIT ?`).all(filter.status, limit)
            : db.prepare(`SELECT ${columns} FROM opt_out_requests ORDER BY id DESC LIMIT ?`).all(limit)
        ) as SqlRow[];
        return rows.map(toRow);
      }),

    getOptOutRequest: (id) => use('getOptOutRequest', () => get(id)),

    decideOptOutRequest: (id, decision) =>
      use('decideOptOutRequest', () => {
        db.prepare(`UPDATE opt_out_requests SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'`).run(
          decision.status,
          decision.at,
          decision.by,
          id,
        );
        return get(id);
      }),
  };
}
