import { OpenNoticeError } from '../../core/errors.ts';
import { findingKinds, type FindingKind } from '../../core/finding-kinds.ts';
import { type FeedbackAction, feedbackActions, type FeedbackStore } from '../../store/roles/feedback.ts';
import { openAuditedStore } from '../audited-store.ts';
import type { IspAttributionStore } from '../../store/roles/isp-attribution.ts';
import type { ReportStore } from '../../store/roles/reports.ts';
import type { Store, StoreHandle } from '../../store/store.ts';
import { readStudyFile } from '../../track/study.ts';
import { groupings, type Grouping } from '../../track/tracked-findings.ts';
import { defineCommand, integerOption, listOption, type CommandIo, type OptionSpecs, type OptionValues } from '../command.ts';
import { createProgressReporter } from '../progress-bar.ts';
import { formatSurveySummary } from '../summary.ts';
import { storeLocationFromOptions, surveyOptionSpecs, surveyRequestFromOptions } from '../survey-options.ts';
import { createSurveyDeps } from '../survey-deps.ts';
import { effectivenessTables, formatEffectivenessTables } from '../track/effectiveness.ts';
import { resurveyNotified } from '../../track/resurvey.ts';
import { bulkFixProgress } from '../../track/bulk-fix-progress.ts';
import { formatBulkFixProgress } from '../track/bulk-fix-text.ts';
import { formatResurveyPlan } from '../track/resurvey-text.ts';

const subcommands = ['resurvey', 'effectiveness', 'feedback', 'bulk-fix'];

const trackOptions = {
  ...surveyOptionSpecs,
  misses: { type: 'string', valueName: 'K', description: 'resurvey: close after K consecutive checks that do not reproduce a finding', default: '2' },
  study: { type: 'string', valueName: 'FILE', description: 'hold-out study file (see examples/study.yaml)' },
  isp: { type: 'string', valueName: 'ID', description: 'only this ISP' },
  by: { type: 'string', multiple: true, valueName: 'LIST', description: `effectiveness: groupings (${groupings.join(', ')})` },
  kind: { type: 'string', multiple: true, valueName: 'LIST', description: `effectiveness: only these finding kinds (${findingKinds.join(', ')})` },
  'as-of': { type: 'string', valueName: 'DATE', description: 'effectiveness: figures as of this time (default now)' },
  note: { type: 'string', valueName: 'TEXT', description: 'feedback: free text from the ISP' },
  author: { type: 'string', valueName: 'NAME', description: 'feedback: who reported it' },
} as const satisfies OptionSpecs;

type TrackValues = OptionValues<typeof trackOptions>;

async function runResurvey(store: Store, values: TrackValues, io: CommandIo): Promise<number> {
  const reporter = createProgressReporter(io.stderr);
  try {
    const study = typeof values.study === 'string' ? readStudyFile(values.study) : undefined;
    const deps = createSurveyDeps({ store, signal: io.signal, onProgress: values.quiet ? undefined : reporter.update });
    const { plan, summary } = await resurveyNotified({
      store,
      request: surveyRequestFromOptions(values),
      deps,
      closeAfterMisses: integerOption(values.misses, 'misses', { min: 1, max: 10 }) ?? 2,
      ...(study ? { study } : {}),
      ...(typeof values.isp === 'string' ? { ispId: values.isp } : {}),
    });
    reporter.finish();
    io.stdout.write(formatResurveyPlan(plan));
    if (!summary) {
      io.stdout.write("nothing to re-survey: no open finding has been notified yet ('opennotice notify')\n");
      return 0;
    }
    io.stdout.write(
      values.json ? `${JSON.stringify({ plan: { ...plan, targets: plan.targets.length }, summary }, null, 2)}\n` : formatSurveySummary(summary, store.location),
    );
    return summary.status === 'interrupted' ? 130 : 0;
  } finally {
    reporter.finish();
  }
}

async function runEffectiveness(store: IspAttributionStore & ReportStore, values: TrackValues, io: CommandIo): Promise<number> {
  const by = listOption(values.by);
  for (const grouping of by)
    if (!groupings.includes(grouping as Grouping)) throw new OpenNoticeError('USAGE', `--by ${grouping}: expected one of ${groupings.join(', ')}`);
  const study = typeof values.study === 'string' ? readStudyFile(values.study) : undefined;
  const asOf = typeof values['as-of'] === 'string' ? new Date(values['as-of']) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new OpenNoticeError('USAGE', `--as-of "${String(values['as-of'])}" is not a date (YYYY-MM-DD or ISO time)`);
  const kinds = listOption(values.kind);
  for (const kind of kinds)
    if (!findingKinds.includes(kind as FindingKind)) throw new OpenNoticeError('USAGE', `--kind ${kind}: expected one of ${findingKinds.join(', ')}`);
  const chosen = (by.length > 0 ? by : study ? ['isp', 'kind', 'channel', 'group'] : ['isp', 'kind', 'channel']) as Grouping[];
  const tables = await effectivenessTables(store, {
    by: chosen,
    asOf: asOf.toISOString(),
    ...(study ? { study } : {}),
    ...(kinds.length > 0 ? { kinds: kinds as FindingKind[] } : {}),
  });
  io.stdout.write(
    values.json
      ? `${JSON.stringify({ asOf: asOf.toISOString(), ...(study ? { study: study.name } : {}), tables }, null, 2)}\n`
      : formatEffectivenessTables(tables),
  );
  return 0;
}

async function runBulkFix(store: IspAttributionStore & ReportStore, values: TrackValues, io: CommandIo): Promise<number> {
  const asOf = typeof values['as-of'] === 'string' ? new Date(values['as-of']) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new OpenNoticeError('USAGE', `--as-of "${String(values['as-of'])}" is not a date (YYYY-MM-DD or ISO time)`);
  const progress = await bulkFixProgress(store, { asOf: asOf.toISOString(), ...(typeof values.isp === 'string' ? { ispId: values.isp } : {}) });
  io.stdout.write(values.json ? `${JSON.stringify({ asOf: asOf.toISOString(), models: progress }, null, 2)}\n` : formatBulkFixProgress(progress));
  return 0;
}

async function runFeedback(
  store: FeedbackStore & IspAttributionStore & StoreHandle,
  values: TrackValues,
  positionals: string[],
  io: CommandIo,
): Promise<number> {
  const [findingText, action] = positionals;
  if (findingText === undefined) {
    const rows = await store.listFeedback(typeof values.isp === 'string' ? { ispId: values.isp } : {});
    if (values.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else
      for (const row of rows)
        io.stdout.write(
          `${row.at}  finding ${String(row.findingId).padEnd(7)} ${row.ispId.padEnd(18)} ${row.action.padEnd(21)} ${row.author ?? ''}${row.note ? `  "${row.note}"` : ''}\n`,
        );
    if (!values.json && rows.length === 0) io.stdout.write('no feedback recorded\n');
    return 0;
  }
  const findingId = Number(findingText);
  if (!Number.isInteger(findingId) || findingId < 1) throw new OpenNoticeError('USAGE', `"${findingText}" is not a finding id (see 'opennotice findings')`);
  if (!feedbackActions.includes(action as FeedbackAction))
    throw new OpenNoticeError('USAGE', `feedback action must be one of ${feedbackActions.join(', ')}, got "${action ?? ''}"`);
  const finding = (await store.listNotifiableFindings()).find((candidate) => candidate.id === findingId);
  if (!finding) throw new OpenNoticeError('USAGE', `no finding ${findingId} in ${store.location}`);
  const ispId = finding.attribution.ispId;
  if (!ispId)
    throw new OpenNoticeError(
      'USAGE',
      `finding ${findingId} is not attributed to an ISP (${finding.attribution.unattributedReason ?? 'run opennotice attribute'}); feedback comes from the ISP that hosts it`,
    );
  if (typeof values.isp === 'string' && values.isp !== ispId) throw new OpenNoticeError('USAGE', `finding ${findingId} belongs to ${ispId}, not ${values.isp}`);
  const id = await store.recordFeedback({
    findingId,
    ispId,
    action: action as FeedbackAction,
    at: new Date().toISOString(),
    ...(typeof values.note === 'string' ? { note: values.note } : {}),
    ...(typeof values.author === 'string' ? { author: values.author } : {}),
  });
  io.stdout.write(`recorded feedback ${id}: finding ${findingId} (${ispId}) ${action}\n`);
  return 0;
}

export default defineCommand({
  name: 'track',
  summary: 'Follow notified findings: re-survey only what was notified, record ISP feedback, and measure remediation (7/14/30 days, median, survival curve).',
  usage:
    'resurvey [--misses K] [--study FILE] [--isp ID] | effectiveness [--by isp,kind,channel,group] [--json] | feedback [FINDING ACTION [--note TEXT]] | bulk-fix [--isp ID] [--as-of DATE] [--json]',
  details: `resurvey       dial again the addresses and ports of open findings that went into a report
               (and the study's control findings); a finding not reproduced --misses times in a
               row (default 2) is closed as remediated, dated by the first miss. Same options,
               rates and plan rules as 'opennotice survey'. Interrupted (Ctrl-C, a crash):
               continue with --resume RUN, not anew (anew counts the saved hosts' misses twice).
effectiveness  remediation within 7, 14 and 30 days of the first notice, median days to fix
               (Kaplan–Meier, open findings counted as censored) and the survival curve, per ISP,
               finding kind, channel (email, webhook, isp-managed, none) and study group.
               With --study FILE (the hold-out the notify step used) the control group is
               compared with the notified one: the measured effect of notifying.
feedback       what an ISP reports back: handled, subscriber-contacted, device-replaced,
               false-positive. Without arguments: list it (--isp ID to narrow).
bulk-fix       for ISPs that manage their customers' devices: per vendor and model, the devices
               notified, fixed since, still open, % fixed, and the share fixed week by week.
docs/tracking.md explains the method and its limits.`,
  options: trackOptions,
  async run(values, positionals, io) {
    const [subcommand, ...rest] = positionals;
    if (!subcommands.includes(subcommand ?? ''))
      throw new OpenNoticeError('USAGE', `unknown track subcommand "${subcommand ?? ''}" (one of: ${subcommands.join(', ')})`);
    const store = await openAuditedStore(storeLocationFromOptions(values)); // runs, attempts, deliveries and decisions go into the audit trail
    try {
      if (subcommand === 'resurvey') return await runResurvey(store, values, io);
      if (subcommand === 'effectiveness') return await runEffectiveness(store, values, io);
      if (subcommand === 'bulk-fix') return await runBulkFix(store, values, io);
      return await runFeedback(store, values, rest, io);
    } finally {
      await store.close();
    }
  },
});
