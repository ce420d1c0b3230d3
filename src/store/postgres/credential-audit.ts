/** The credential audit log in PostgreSQL: a batch of attempts is one multi-row insert; attempts are joined with their run's plan when read. */
import type { AttemptRow, CredentialAuditStore } from '../roles/credential-audit.ts';
import type { PostgresContext } from './database.ts';
import { toRecord } from './rows.ts';
import { type PlanColumns, planOf, runStartedAt } from './runs.ts';

/** @example await postgresCredentialAuditStore(context).listAttempts(runId) */
export function postgresCredentialAuditStore({ location, use, transaction }: PostgresContext): CredentialAuditStore {
  return {
    recordAttempts: (runId, attempts) =>
      transaction('recordAttempts', async (client) => {
        await runStartedAt(client, location, runId);
        if (attempts.length === 0) return;
        // One statement for the whole batch: the columns travel as arrays, unnest turns them back
        // into rows (WITH ORDINALITY keeps the batch's order, so ids follow it as in SQLite).
        await client.query(
          `INSERT INTO credential_attempts (run_id, ip, port, protocol, dictionary_entry_id, username, outcome, detail, attempted_at)
            SELECT $1, ip, port, protocol, entry, username, outcome, detail, attempted_at
            FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
              WITH ORDINALITY AS a(ip, port, protocol, entry, username, outcome, detail, attempted_at, position)
            ORDER BY position`,
          [
            runId,
            attempts.map((attempt) => attempt.ip),
            attempts.map((attempt) => attempt.port),
            attempts.map((attempt) => attempt.protocol),
            attempts.map((attempt) => attempt.dictionaryEntryId),
            attempts.map((attempt) => attempt.username),
            attempts.map((attempt) => attempt.outcome),
            attempts.map((attempt) => attempt.detail ?? null),
            attempts.map((attempt) => attempt.attemptedAt),
          ],
        );
      }),

    listAttempts: (runId, page) =>
      use('listAttempts', async (db) => {
        const result = await db.query(
          `SELECT a.id, a.run_id AS "runId", a.ip, a.port, a.protocol, a.dictionary_entry_id AS "dictionaryEntryId",
              a.username, a.outcome, a.detail, a.attempted_at AS "attemptedAt",
              r.plan_file AS "planFile", r.plan_sha256 AS "planSha256", r.plan_operator AS "planOperator"
            FROM credential_attempts a JOIN runs r ON r.id = a.run_id WHERE a.run_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3`,
          [runId, page?.afterId ?? 0, page?.limit ?? null],
        );
        return result.rows.map((row) => {
          const { planFile, planSha256, planOperator, ...attempt } = toRecord<AttemptRow & PlanColumns>(row);
          return { ...attempt, ...planOf({ planFile, planSha256, planOperator }) };
        });
      }),
  };
}
