/** Survey runs in SQLite (the `runs` table); other roles check a run exists through `runStartedAt`. */
import type { DatabaseSync } from 'node:sqlite';
import { OpenNoticeError } from '../../core/errors.ts';
import type { PlanReference, RunRow, RunStart, RunStore } from '../roles/runs.ts';
import { runStartColumnValues } from '../row-mapping.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

const runColumns = `id, started_at AS startedAt, finished_at AS finishedAt, status, seed, scope, exclude, ports, checks,
  plan_file AS planFile, plan_sha256 AS planSha256, plan_operator AS planOperator, counts`;

/** The plan columns of the runs table, as read (absent when the run had no plan). */
export interface PlanColumns {
  planFile?: string;
  planSha256?: string;
  planOperator?: string;
}

/**
 * The plan a run's plan columns describe, as the property to spread into a row.
 * @example { ...attempt, ...planOf({ planFile: 'plan.yaml', planSha256: 'ab…', planOperator: 'NOC' }) } // { …, plan: { file: 'plan.yaml', … } }
 */
export function planOf(columns: PlanColumns): { plan?: PlanReference } {
  if (columns.planFile === undefined) return {};
  return { plan: { file: columns.planFile, sha256: columns.planSha256 ?? '', operator: columns.planOperator ?? '' } };
}

function toRunRow(row: SqlRow): RunRow {
  const { planFile, planSha256, planOperator, ...run } = toRecord<RunRow & PlanColumns>(row, ['seed', 'scope', 'exclude', 'ports', 'checks', 'counts']);
  return { ...run, ...planOf({ planFile, planSha256, planOperator }) };
}

/**
 * The start time of a run; fails (STORE_FAILED) when there is no such run, so writes that
 * belong to a run fail the same way whether or not a foreign key would catch them.
 * @example const seenAt = options.observedAt ?? runStartedAt(db, file, runId)
 */
export function runStartedAt(db: DatabaseSync, file: string, runId: number): string {
  const row = db.prepare('SELECT started_at FROM runs WHERE id = ?').get(runId) as { started_at: string } | undefined;
  if (!row) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file });
  return row.started_at;
}

/** @example const runs = sqliteRunStore(sqliteContext(db, file)); await runs.listRuns() */
export function sqliteRunStore({ db, file, use }: SqliteContext): RunStore {
  return {
    startRun: (run: RunStart) =>
      use('startRun', () => {
        const result = db
          .prepare(`INSERT INTO runs (started_at, seed, scope, exclude, ports, checks, plan_file, plan_sha256, plan_operator)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(...runStartColumnValues(run));
        return Number(result.lastInsertRowid);
      }),

    finishRun: (runId, finish) =>
      use('finishRun', () => {
        const result = db
          .prepare('UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?')
          .run(finish.finishedAt, finish.status, JSON.stringify(finish.counts), runId);
        if (result.changes === 0) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file });
      }),

    resumeRun: (runId) =>
      use('resumeRun', () => {
        const before = db.prepare(`SELECT ${runColumns} FROM runs WHERE id = ?`).get(runId) as SqlRow | undefined;
        if (!before) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file });
        db.prepare("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?").run(runId);
        return toRunRow(before);
      }),

    listRuns: () => use('listRuns', () => (db.prepare(`SELECT ${runColumns} FROM runs ORDER BY id`).all() as SqlRow[]).map(toRunRow)),

    getRun: (runId) =>
      use('getRun', () => {
        const row = db.prepare(`SELECT ${runColumns} FROM runs WHERE id = ?`).get(runId) as SqlRow | undefined;
        return row ? toRunRow(row) : undefined;
      }),
  };
}
