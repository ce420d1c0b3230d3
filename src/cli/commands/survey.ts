import { defineCommand } from '../command.ts';
import { storeLocationFromOptions, surveyOptionSpecs, surveyRequestFromOptions } from '../survey-options.ts';
import { openAuditedStore } from '../audited-store.ts';
import { createSurveyDeps } from '../survey-deps.ts';
import { runSurvey } from '../../survey/run-survey.ts';
import { createProgressReporter } from '../progress-bar.ts';
import { createLogProgressReporter } from '../progress-log.ts';
import { formatSurveySummary } from '../summary.ts';
import { describeImportStats } from '../../discover/import-run.ts';
import type { SurveySettings } from '../../survey/policy.ts';
import { distributedOptionSpecs, runDistributedSurvey } from '../distributed-survey.ts';
import { createSurveyMetrics } from '../../metrics/survey.ts';
import { observabilityOptions, openObservability } from '../observability.ts';
import { planProbesOptionSpecs, withPlannedProbes } from '../plan-probes-option.ts';
import { probeSources } from '../../survey/probe-planner/plan.ts';

export default defineCommand({
  name: 'survey',
  summary:
    'Survey a scope: discover open ports, grab banners, identify devices; --check credentials finds weak or default logins, --check firmware known-vulnerable firmware.',
  usage: '[--target CIDR ...] [--plan FILE] [--check credentials] [--check firmware] [options]',
  details: `Scopes outside loopback (127.0.0.0/8) need an approved survey plan (--plan FILE; see
docs/operations.md and examples/survey-plan.yaml): the plan fixes the ranges, checks,
credential list and the highest rates; command-line options may only narrow them.
Approved opt-out requests (opennotice optouts) are never contacted.
The lab needs no plan:  opennotice survey --target 127.77.0.0/16 --check credentials

Open ports can come from ZMap or masscan instead of the built-in connect scan:
  opennotice survey --plan plan.yaml --input zmap-23.csv --check credentials
More fingerprint rules — your own YAML, Recog's XML databases — load beside the shipped ones:
  opennotice survey --plan plan.yaml --rules /srv/recog/xml   (or rules: in a --config file)
A lightweight round dials only what the probe planner picks from earlier rounds (known
services, co-occurring ports, /24 neighbours, popular ports, a little random exploration):
  opennotice survey --plan plan.yaml --plan-probes 20% --check credentials   (docs/lightweight-scanning.md)
Interrupted (Ctrl-C, a crash): hosts already saved are kept; continue with --resume RUN.
Watched by Prometheus while it runs (targets, connections, grabs, findings), with JSON logs:
  opennotice survey --plan plan.yaml --metrics-listen 127.0.0.1:9464 --log-format json
On many machines: --distributed --queue postgres://… puts the survey's shards on a job queue
for \`opennotice worker\`s and shows their progress (docs/deployment.md).
Exit status: 0 completed, 130 interrupted (results so far are saved), other codes per error.`,
  options: { ...surveyOptionSpecs, ...planProbesOptionSpecs, ...observabilityOptions, ...distributedOptionSpecs },
  async run(values, _positionals, io) {
    const request = withPlannedProbes(surveyRequestFromOptions(values), values);
    const db = storeLocationFromOptions(values);
    const store = await openAuditedStore(db); // runs, attempts, deliveries and decisions go into the audit trail
    if (values.distributed || values.watch !== undefined) {
      try {
        return await runDistributedSurvey(request, values, store, db, io);
      } finally {
        await store.close();
      }
    }
    let watch: Awaited<ReturnType<typeof openObservability>> | undefined;
    let settings: SurveySettings | undefined;
    try {
      watch = await openObservability('survey', values, io.stderr);
      // Lines name the run once it exists.
      let log = watch.log;
      const reporter = log.structured ? createLogProgressReporter(() => log) : createProgressReporter(io.stderr);
      try {
        const deps = createSurveyDeps({ store, signal: io.signal, onProgress: values.quiet ? undefined : reporter.update });
        const summary = await runSurvey(request, {
          ...deps,
          ...(watch.registry ? { metrics: createSurveyMetrics(watch.registry) } : {}),
          onProbePlan: (plan) => {
            const sources = probeSources.filter((source) => plan.bySource[source] > 0).map((source) => `${source} ${plan.bySource[source]}`);
            log.info(`planned ${plan.probes.length} of the full sweep's ${plan.sweep} probes (${sources.join(', ') || 'none'})`, {
              event: 'probe-plan',
              probes: plan.probes.length,
              fullSweep: plan.sweep,
              ...plan.bySource,
            });
          },
          onRun: (runId) => {
            log = watch!.log.child({ runId });
            // The human summary names the run at the end; a log store wants it at the start.
            if (log.structured) log.info(`survey run ${runId} started`, { event: 'run-started' });
          },
          onSettings: (decided) => {
            settings = decided;
            if (decided.optOutRanges.length > 0)
              log.info(`excluding ${decided.optOutRanges.length} opted-out ranges`, { event: 'opt-outs', ranges: decided.optOutRanges.length });
            // A hit list's addresses outside the scope are left out, never dialed: say how many, so a stale list shows.
            if (decided.addresses.leftOut > 0)
              log.warn(`hit list: ${decided.addresses.leftOut} addresses outside the scope left out`, {
                event: 'hit-list-left-out',
                addresses: decided.addresses.leftOut,
              });
          },
        });
        reporter.finish();
        const imported = settings?.discovery.kind === 'given' ? settings.discovery.importStats?.() : undefined;
        if (imported) log.info(describeImportStats(imported), { event: 'import-stats' });
        if (log.structured)
          log.info(`survey run ${summary.runId} ${summary.status}: ${summary.targets} targets, ${summary.services} services`, {
            event: 'run-finished',
            status: summary.status,
            targets: summary.targets,
            services: summary.services,
            findings: Object.values(summary.findings).reduce((sum, count) => sum + count, 0),
          });
        io.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSurveySummary(summary, store.location));
        return summary.status === 'interrupted' ? 130 : 0;
      } finally {
        reporter.finish();
      }
    } finally {
      await watch?.close();
      await store.close();
    }
  },
});
