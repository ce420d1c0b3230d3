import { OpenNoticeError } from '../core/errors.ts';
import type { SurveyRepository } from '../store/repository.ts';

/**
 * Command-line values that repeat an earlier run's scope, ports, seed and checks, for
 * `survey --resume RUN`. Rates, timeouts and the store are taken from the current
 * command line; a run made under a plan must be resumed with the same plan file.
 */
export async function valuesForResume(store: SurveyRepository, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const runId = Number(values.resume);
  const run = Number.isInteger(runId) ? await store.getRun(runId) : undefined;
  if (!run) throw new OpenNoticeError('USAGE', `--resume ${String(values.resume)}: there is no such survey run in ${store.location}`);
  if (run.status === 'completed') throw new OpenNoticeError('USAGE', `--resume ${runId}: run ${runId} already completed; start a new survey instead`);
  if (run.plan && typeof values.plan !== 'string') {
    throw new OpenNoticeError(
      'PLAN_REQUIRED',
      `run ${runId} was made under the plan ${run.plan.file} (sha256 ${run.plan.sha256.slice(0, 12)}…): give it again with --plan`,
    );
  }
  return {
    ...values,
    target: run.scope,
    exclude: run.exclude,
    ports: [run.ports.join(',')],
    seed: String(run.seed ?? 1),
    check: run.checks.filter((check) => check !== 'discovery' && check !== 'identify'),
  };
}
