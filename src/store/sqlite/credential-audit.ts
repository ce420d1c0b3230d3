/** The credential audit log in SQLite: attempts joined with their run's plan when read. */
import type { AttemptRow, CredentialAuditStore } from '../roles/credential-audit.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';
import { planOf, runStartedAt, type PlanColumns } from './runs.ts';

/** @example await sqliteCredentialAuditStore(context).listAttempts(runId) */
export function sqliteCredentialAuditStore({ db, file, use }: SqliteContext): CredentialAuditStore {
  return {
    recordAttempts: (runId, attempts) =>
      use('recordAttempts', () => {
        const insert = db.prepare(`INSERT INTO credential_attempts
          (run_id, ip, port, protocol, dictionary_entry_id, username, outcome, detail, attempted_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        inTransaction(db, () => {
          runStartedAt(db, file, runId);
          for (const attempt of attempts) {
            insert.run(
              runId,
              attempt.ip,
              attempt.port,
              attempt.protocol,
              attempt.dictionaryEntryId,
              attempt.username,
              attempt.outcome,
              attempt.detail ?? null,
              attempt.attemptedAt,
            );
          }
        });
      }),

    listAttempts: (runId, page) =>
      use('listAttempts', () => {
        const rows = db
          .prepare(`SELECT a.id, a.run_id AS runId, a.ip, a.port, a.protocol, a.dictionary_entry_id AS dictionaryEntryId,
              a.username, a.outcome, a.detail, a.attempted_at AS attemptedAt,
              r.plan_file AS planFile, r.plan_sha256 AS planSha256, r.plan_operator AS planOperator
            FROM credential_attempts a JOIN runs r ON r.id = a.run_id WHERE a.run_id = ? AND a.id > ? ORDER BY a.id LIMIT ?`)
          .all(runId, page?.afterId ?? 0, page?.limit ?? -1) as SqlRow[];
        return rows.map((row) => {
          const { planFile, planSha256, planOperator, ...attempt } = toRecord<AttemptRow & PlanColumns>(row);
          return { ...attempt, ...planOf({ planFile, planSha256, planOperator }) };
        });
      }),
  };
}
