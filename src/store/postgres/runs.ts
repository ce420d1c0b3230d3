/** Survey runs in PostgreSQL (the `runs` table); other roles check a run exists through `runStartedAt`. */
import { OpenNoticeError } from '../../core/errors.ts';
import type { RunRow, RunStart, RunStore } from '../roles/runs.ts';
import { type PlanColumns, planOf } from '../sqlite/runs.ts';
import { runStartColumnValues } from '../row-mapping.ts';
import type { PostgresContext, Queryable } from './database.ts';
import { type PgRow, toRecord } from './rows.ts';

export { type PlanColumns, planOf } from '../sqlite/runs.ts';

// PostgreSQL folds unquoted names to lower case: every camelCase alias is quoted.
const runColumns = `id, started_at AS "startedAt", finished_at AS "finishedAt", status, seed, scope, exclude, ports, checks,
  plan_file AS "planFile", plan_sha256 AS "planSha256", plan_operator AS "planOperator", counts`;

function toRunRow(row: PgRow): RunRow {
  const { planFile, planSha256, planOperator, ...run } = toRecord<RunRow & PlanColumns>(row, ['seed', 'scope', 'exclude', 'ports', 'checks', 'counts']);
  return { ...run, ...planOf({ planFile, planSha256, planOperator }) };
}

/**
 * The start time of a run; fails (STORE_FAILED) when there is no such run, so writes that
 * belong to a run fail the same way whether or not a foreign key would catch them.
 * @example const seenAt = options.observedAt ?? (await runStartedAt(client, location, runId))
 */
export async function runStartedAt(db: Queryable, location: string, runId: number): Promise<string> {
  const result = await db.query<{ started_at: string }>('SELECT started_at FROM runs WHERE id = $1', [runId]);
  const row = result.rows[0];
  if (!row) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file: location });
  return row.started_at;
}

/** @example const runs = postgresRunStore(context); await runs.listRuns() */
export function postgresRunStore({ location, use }: PostgresContext): RunStore {
  return {
    startRun: (run: RunStart) =>
      use('startRun', async (db) => {
        const result = await db.query<{ id: number }>(
          `INSERT INTO runs (started_at, seed, scope, exclude, ports, checks, plan_file, plan_sha256, plan_operator)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          runStartColumnValues(run),
        );
        return Number(result.rows[0]?.id);
      }),

    finishRun: (runId, finish) =>
      use('finishRun', async (db) => {
        const result = await db.query('UPDATE runs SET finished_at = $1, status = $2, counts = $3 WHERE id = $4', [
          finish.finishedAt,
          finish.status,
          JSON.stringify(finish.counts),
          runId,
        ]);
        if (result.rowCount === 0) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file: location });
      }),

    resumeRun: (runId) =>
      use('resumeRun', async (db) => {
        // The row as it was and the change in one statement, under the row's lock.
        const result = await db.query(
          `WITH before AS (SELECT ${runColumns} FROM runs WHERE id = $1 FOR UPDATE)
           UPDATE runs SET status = 'running', finished_at = NULL FROM before WHERE runs.id = before.id RETURNING before.*`,
          [runId],
        );
        const row = result.rows[0];
        if (!row) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file: location });
        return toRunRow(row);
      }),

    listRuns: () => use('listRuns', async (db) => (await db.query(`SELECT ${runColumns} FROM runs ORDER BY id`)).rows.map(toRunRow)),

    getRun: (runId) =>
      use('getRun', async (db) => {
        const row = (await db.query(`SELECT ${runColumns} FROM runs WHERE id = $1`, [runId])).rows[0];
        return row ? toRunRow(row) : undefined;
      }),
  };
}
