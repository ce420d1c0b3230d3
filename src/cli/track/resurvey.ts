/**
 * `opennotice track resurvey`: survey again only what was notified, and close a finding only
 * after it failed to reproduce K times in a row. Shared with the demo, which runs it on a
 * simulated clock while the lab's subscribers fix their devices.
 */
import type { SurveyRepository } from '../../store/repository.ts';
import { loadFirmwareAssessor } from '../../survey/firmware-assessor.ts';
import { runSurvey, type SurveyConfig, type SurveyDeps } from '../../survey/run-survey.ts';
import type { SurveySummary } from '../../survey/progress.ts';
import { planResurvey, type ResurveyPlan } from '../../track/resurvey-plan.ts';
import type { HoldoutPolicy } from '../../track/holdout.ts';
import { optedOutRanges, withOptOutExclusions } from '../commands/optouts.ts';
import { buildSurveyConfig } from '../survey-config.ts';

export interface ResurveyOptions {
  store: SurveyRepository;
  /** Survey options (rates, timeouts, --plan …) as the survey command takes them. */
  values: Record<string, unknown>;
  /**
   * The survey's dependencies, or a function that builds them once the re-survey's config is
   * known: `track resurvey` passes one, so the lab's fingerprint rules load only when the scope
   * it re-surveys is on loopback (createSurveyDeps's labRules).
   */
  deps: SurveyDeps | ((config: SurveyConfig) => SurveyDeps);
  closeAfterMisses: number;
  study?: HoldoutPolicy;
  ispId?: string;
}

/**
 * Plan and run one re-survey; returns the plan and, when there was anything to check, the survey summary.
 * @example const { plan, summary } = await resurveyNotified({ store, values, deps, closeAfterMisses: 2 })
 */
export async function resurveyNotified(options: ResurveyOptions): Promise<{ plan: ResurveyPlan; summary?: SurveySummary }> {
  const { store } = options;
  const built = typeof options.deps === 'function' ? undefined : options.deps;
  const at = (built?.now ?? (() => new Date()))().toISOString();
  const plan = planResurvey({
    open: await store.listNotifiableFindings({ status: 'open' }),
    notified: await store.notificationTimes(),
    services: await store.listServices(),
    at,
    ...(options.study ? { study: options.study } : {}),
    ...(options.ispId ? { ispId: options.ispId } : {}),
  });
  if (plan.targets.length === 0) return { plan };
  // The scope is what earlier surveys covered (and excluded); a plan, when given, still governs.
  const runs = await store.listRuns();
  const scope = [...new Set(runs.flatMap((run) => run.scope))];
  const exclude = [...new Set(runs.flatMap((run) => run.exclude))];
  const given = options.values;
  // Approved opt-outs are honoured here as in every survey: a notified device whose owner opted out since is not dialled again.
  const config = await buildSurveyConfig(
    withOptOutExclusions(
      {
        ...given,
        target: Array.isArray(given.target) && given.target.length > 0 ? given.target : scope,
        exclude: [...exclude, ...(Array.isArray(given.exclude) ? given.exclude : [])],
        check: plan.checks,
      },
      await optedOutRanges(store),
    ),
  );
  config.importedOpenPorts = plan.targets;
  config.closeAfterMisses = options.closeAfterMisses;
  const deps = { ...(typeof options.deps === 'function' ? options.deps(config) : options.deps) };
  if (config.firmware && !deps.firmware) deps.firmware = await loadFirmwareAssessor(store);
  return { plan, summary: await runSurvey(config, deps) };
}

/** The plan in a few lines. */
export function formatResurveyPlan(plan: ResurveyPlan): string {
  const kinds =
    Object.entries(plan.findingsByKind)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ') || 'none';
  const { notNotified, infected, otherIsp } = plan.leftOut;
  return [
    `re-survey: ${plan.targets.length} ports on ${plan.addresses} addresses, for the open notified findings (${kinds})`,
    `  left out: ${notNotified} never notified, ${infected} infected (re-checked by the darknet)${otherIsp ? `, ${otherIsp} of other ISPs` : ''}`,
    '',
  ].join('\n');
}
