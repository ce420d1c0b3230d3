/** The outbox in PostgreSQL (table `outbox`; rows are written by reports.ts with their report). */
import type { OutboxRow, OutboxStore } from '../roles/outbox.ts';
import type { PostgresContext } from './database.ts';
import { toRecord } from './rows.ts';

const outboxColumns = `id, report_id AS "reportId", channel, destination, idempotency_key AS "idempotencyKey", payload, status, attempts,
  next_attempt_at AS "nextAttemptAt", last_attempt_at AS "lastAttemptAt", last_error AS "lastError", delivered_at AS "deliveredAt", detail`;

/** @example const due = await postgresOutboxStore(context).dueOutbox(new Date().toISOString(), 50) */
export function postgresOutboxStore({ use }: PostgresContext): OutboxStore {
  return {
    dueOutbox: (now, limit) =>
      use('dueOutbox', async (db) => {
        const result = await db.query(
          `SELECT ${outboxColumns} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`,
          [now, limit],
        );
        return result.rows.map((row) => toRecord<OutboxRow>(row));
      }),

    listOutbox: (filter = {}) =>
      use('listOutbox', async (db) => {
        const result = filter.status
          ? await db.query(`SELECT ${outboxColumns} FROM outbox WHERE status = $1 ORDER BY id`, [filter.status])
          : await db.query(`SELECT ${outboxColumns} FROM outbox ORDER BY id`);
        return result.rows.map((row) => toRecord<OutboxRow>(row));
      }),

    settleOutbox: (settlement) =>
      use('settleOutbox', async (db) => {
        // One statement, so two deliverers settling the same entry each count their attempt.
        await db.query(
          `UPDATE outbox SET attempts = attempts + 1, last_attempt_at = $1, status = $2, next_attempt_at = COALESCE($3, next_attempt_at),
            last_error = $4, detail = COALESCE($5, detail), delivered_at = CASE WHEN $2 = 'delivered' THEN $1 ELSE delivered_at END WHERE id = $6`,
          [settlement.at, settlement.status, settlement.nextAttemptAt ?? null, settlement.error ?? null, settlement.detail ?? null, settlement.id],
        );
      }),
  };
}
