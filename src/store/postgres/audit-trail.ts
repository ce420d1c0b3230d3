/**
 * The audit trail in PostgreSQL. Appenders take a table lock that conflicts only with itself
 * (SHARE ROW EXCLUSIVE) before reading the chain's last record, so workers appending at once
 * chain one after the other while readers go on; a batch is one multi-row insert.
 */
import type { AuditCheckpointRow, AuditRecordRow, AuditTrailStore } from '../roles/audit-trail.ts';
import type { PostgresContext, Queryable } from './database.ts';
import { toRecord } from './rows.ts';

const recordColumns = 'sequence, previous_hash AS "previousHash", hash, record';
const checkpointColumns = 'sequence, hash, created_at AS "createdAt", key_id AS "keyId", signature';

async function lastRecord(db: Queryable): Promise<AuditRecordRow | undefined> {
  const result = await db.query(`SELECT ${recordColumns} FROM audit_records ORDER BY sequence DESC LIMIT 1`);
  return result.rows[0] ? toRecord<AuditRecordRow>(result.rows[0]) : undefined;
}

/** @example await postgresAuditTrailStore(context).lastAuditRecord() */
export function postgresAuditTrailStore({ use, transaction }: PostgresContext): AuditTrailStore {
  return {
    appendAuditRecords: (link) =>
      transaction('appendAuditRecords', async (client) => {
        await client.query('LOCK TABLE audit_records IN SHARE ROW EXCLUSIVE MODE');
        const rows = link(await lastRecord(client));
        if (rows.length === 0) return [];
        await client.query(
          `INSERT INTO audit_records (sequence, previous_hash, hash, record)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
          [rows.map((row) => row.sequence), rows.map((row) => row.previousHash), rows.map((row) => row.hash), rows.map((row) => row.record)],
        );
        return [...rows];
      }),

    listAuditRecords: ({ afterSequence, limit }) =>
      use('listAuditRecords', async (db) => {
        const result = await db.query(`SELECT ${recordColumns} FROM audit_records WHERE sequence > $1 ORDER BY sequence LIMIT $2`, [afterSequence, limit]);
        return result.rows.map((row) => toRecord<AuditRecordRow>(row));
      }),

    lastAuditRecord: () => use('lastAuditRecord', lastRecord),

    recordAuditCheckpoint: (checkpoint) =>
      use('recordAuditCheckpoint', async (db) => {
        await db.query('INSERT INTO audit_checkpoints (sequence, hash, created_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)', [
          checkpoint.sequence,
          checkpoint.hash,
          checkpoint.createdAt,
          checkpoint.keyId ?? null,
          checkpoint.signature ?? null,
        ]);
      }),

    listAuditCheckpoints: () =>
      use('listAuditCheckpoints', async (db) => {
        const result = await db.query(`SELECT ${checkpointColumns} FROM audit_checkpoints ORDER BY id`);
        return result.rows.map((row) => toRecord<AuditCheckpointRow>(row));
      }),
  };
}
