/**
 * A re-survey of what was notified: plan it (track/resurvey-plan.ts), then run it as a survey
 * of those ports only, closing a finding only after it failed to reproduce K times in a row.
 * The request carries the caller's rates, timeouts and plan; the survey's policy applies to it
 * as to any survey — approved opt-outs included: a notified device whose owner opted out since
 * is not dialled again. An interrupted re-survey is continued with the request's `resume`.
 */
import { shippedProtocols } from '../protocols/registry.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { ReportStore } from '../store/roles/reports.ts';
import type { SurveySummary } from '../survey/progress.ts';
import type { SurveyRequest } from '../survey/request.ts';
import { runSurvey, type SurveyDeps, type SurveyStore } from '../survey/run-survey.ts';
import type { HoldoutPolicy } from './holdout.ts';
import { planResurvey, type ResurveyPlan } from './resurvey-plan.ts';

export interface ResurveyOptions {
  /** The survey's roles, and the notified findings the re-survey is planned from. */
  store: SurveyStore & IspAttributionStore & ReportStore;
  /** Rates, timeouts, plan …; its targets, when given, narrow the earlier surveys' scope. */
  request: SurveyRequest;
  deps: SurveyDeps;
  closeAfterMisses: number;
  study?: HoldoutPolicy;
  ispId?: string;
}

/**
 * Plan and run one re-survey; returns the plan and, when there was anything to check, the survey summary.
 * @example const { plan, summary } = await resurveyNotified({ store, request: {}, deps, closeAfterMisses: 2 })
 */
export async function resurveyNotified(options: ResurveyOptions): Promise<{ plan: ResurveyPlan; summary?: SurveySummary }> {
  const { store, request } = options;
  const at = (options.deps.now ?? (() => new Date()))().toISOString();
  const plan = planResurvey({
    open: await store.listNotifiableFindings({ status: 'open' }),
    notified: await store.notificationTimes(),
    services: await store.listServices(),
    at,
    ...(options.study ? { study: options.study } : {}),
    ...(options.ispId ? { ispId: options.ispId } : {}),
    udpProtocols: new Set((options.deps.protocols ?? shippedProtocols).protocols.filter((protocol) => protocol.transport === 'udp').map((p) => p.name)),
  });
  if (plan.targets.length === 0) return { plan };
  // The scope is what earlier surveys covered (and excluded); a plan, when given, still governs.
  const runs = await store.listRuns();
  const scope = [...new Set(runs.flatMap((run) => run.scope))];
  const exclude = [...new Set(runs.flatMap((run) => run.exclude))];
  // A re-survey is a new run of its own, unless `resume` names an interrupted re-survey (killed,
  // Ctrl-C): then the hosts that run saved are skipped. Run anew instead, it would check them
  // again and count each finding they no longer show a second miss — closing it a check early.
  const resurvey: SurveyRequest = {
    ...request,
    targets: request.targets && request.targets.length > 0 ? request.targets : scope,
    exclude: [...exclude, ...(request.exclude ?? [])],
    checks: plan.checks,
    discovery: { kind: 'open-ports', openPorts: plan.targets },
    closeAfterMisses: options.closeAfterMisses,
  };
  return { plan, summary: await runSurvey(resurvey, options.deps) };
}
