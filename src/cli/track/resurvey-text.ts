import type { ResurveyPlan } from '../../track/resurvey-plan.ts';

/** A re-survey's plan in a few lines. */
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
