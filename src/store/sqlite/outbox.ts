/** The outbox in SQLite (table `outbox`; rows are written by reports.ts with their report). */
import type { DatabaseSync } from 'node:sqlite';
import type { OutboxRow, OutboxSettlement, OutboxStatus, OutboxStore } from '../roles/outbox.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** @example const due = await sqliteOutboxStore(context).dueOutbox(new Date().toISOString(), 50) */
export function sqliteOutboxStore({ db, use }: SqliteContext): OutboxStore {
  return {
    dueOutbox: (now, limit) => use('dueOutbox', () => readDueOutbox(db, now, limit)),
    listOutbox: (filter) => use('listOutbox', () => readOutbox(db, filter)),
    settleOutbox: (settlement) => use('settleOutbox', () => writeSettlement(db, settlement)),
  };
}

const outboxColumns = `id, report_id AS reportId, channel, destination, idempotency_key AS idempotencyKey, payload, status, attempts,
  next_attempt_at AS nextAttemptAt, last_attempt_at AS lastAttemptAt, last_error AS lastError, delivered_at AS deliveredAt, detail`;

/** Pending entries due at `now`, oldest first. */
function readDueOutbox(db: DatabaseSync, now: string, limit: number): OutboxRow[] {
  return (
    db
      .prepare(`SELECT ${outboxColumns} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`)
      .all(now, limit) as SqlRow[]
  ).map((row) => toRecord<OutboxRow>(row));
}

function readOutbox(db: DatabaseSync, filter: { status?: OutboxStatus } = {}): OutboxRow[] {
  const rows = (
    filter.status
      ? db.prepare(`SELECT ${outboxColumns} FROM outbox WHERE status = ? ORDER BY id`).all(filter.status)
      : db.prepare(`SELECT ${outboxColumns} FROM outbox ORDER BY id`).all()
  ) as SqlRow[];
  return rows.map((row) => toRecord<OutboxRow>(row));
}

/** Record one attempt's outcome. */
function writeSettlement(db: DatabaseSync, settlement: OutboxSettlement): void {
  db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, status = ?, next_attempt_at = COALESCE(?, next_attempt_at),
    last_error = ?, detail = COALESCE(?, detail), delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?`).run(
    settlement.at,
    settlement.status,
    settlement.nextAttemptAt ?? null,
    settlement.error ?? null,
    settlement.detail ?? null,
    settlement.status,
    settlement.at,
    settlement.id,
  );
}
