/**
 * Opt-out requests in SQLite (table from migration 007). A request is decided once:
 * approving or rejecting only ever changes a pending row, so two operators clicking at the
 * same time cannot flip each other's decision.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { OptOutRepository, OptOutRequestRow, OptOutStatus } from '../opt-out-types.ts';
import { toRecord, type SqlRow } from './rows.ts';

type Use = <T>(operation: string, work: () => T) => Promise<T>;

const columns = `id, cidrs, contact, reason, status, requested_at AS requestedAt, requester_address AS requesterAddress,
  decided_at AS decidedAt, decided_by AS decidedBy`;

const toRow = (row: SqlRow): OptOutRequestRow => toRecord<OptOutRequestRow>(row, ['cidrs']);

/**
 * The OptOutRepository methods of the SQLite store (sqlite-repository.ts spreads them in).
 * @example return { ...optOutMethods(db, use), … }
 */
export function optOutMethods(db: DatabaseSync, use: Use): OptOutRepository {
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

    listOptOutRequests: (filter: { status?: OptOutStatus; limit?: number } = {}) =>
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
