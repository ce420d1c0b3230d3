/**
 * The audit trail in SQLite. BEGIN IMMEDIATE takes the write lock before the chain's last
 * record is read, so two processes appending at once chain one after the other.
 */
import type { AuditCheckpointRow, AuditRecordRow, AuditTrailStore } from '../roles/audit-trail.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

const recordColumns = 'sequence, previous_hash AS previousHash, hash, record';
const checkpointColumns = 'sequence, hash, created_at AS createdAt, key_id AS keyId, signature';

/** @example await sqliteAuditTrailStore(context).lastAuditRecord() */
export function sqliteAuditTrailStore({ db, use }: SqliteContext): AuditTrailStore {
  const lastRecord = () => {
    const row = db.prepare(`SELECT ${recordColumns} FROM audit_records ORDER BY sequence DESC LIMIT 1`).get() as SqlRow | undefined;
    return row ? toRecord<AuditRecordRow>(row) : undefined;
  };
  return {
    appendAuditRecords: (link) =>
      use('appendAuditRecords', () =>
        inTransaction(db, () => {
          const rows = link(lastRecord());
          const insert = db.prepare('INSERT INTO audit_records (sequence, previous_hash, hash, record) VALUES (?, ?, ?, ?)');
          for (const row of rows) insert.run(row.sequence, row.previousHash, row.hash, row.record);
          return [...rows];
        }),
      ),

    listAuditRecords: ({ afterSequence, limit }) =>
      use('listAuditRecords', () =>
        (db.prepare(`SELECT ${recordColumns} FROM audit_records WHERE sequence > ? ORDER BY sequence LIMIT ?`).all(afterSequence, limit) as SqlRow[]).map(
          (row) => toRecord<AuditRecordRow>(row),
        ),
      ),

    lastAuditRecord: () => use('lastAuditRecord', lastRecord),

    recordAuditCheckpoint: (checkpoint) =>
      use('recordAuditCheckpoint', () => {
        db.prepare('INSERT INTO audit_checkpoints (sequence, hash, created_at, key_id, signature) VALUES (?, ?, ?, ?, ?)').run(
          checkpoint.sequence,
          checkpoint.hash,
          checkpoint.createdAt,
          checkpoint.keyId ?? null,
          checkpoint.signature ?? null,
        );
      }),

    listAuditCheckpoints: () =>
      use('listAuditCheckpoints', () =>
        (db.prepare(`SELECT ${checkpointColumns} FROM audit_checkpoints ORDER BY id`).all() as SqlRow[]).map((row) => toRecord<AuditCheckpointRow>(row)),
      ),
  };
}
