import { defineCommand } from '../command.ts';
import { buildSurveyConfig, surveyOptionSpecs } from '../survey-config.ts';
import { openStore } from '../../store/open-store.ts';
import { createSurveyDeps } from '../survey-deps.ts';
import { runSurvey, type SurveyConfig } from '../../survey/run-survey.ts';
import { createProgressReporter } from '../progress-bar.ts';
import { formatSurveySummary } from '../summary.ts';
import { valuesForResume } from '../resume.ts';
import { loadFirmwareAssessor } from '../../survey/firmware-assessor.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { describeImportStats, type OpenPortImport } from '../../discover/import-run.ts';
import { optedOutRanges, withOptOutExclusions } from './optouts.ts';

export default defineCommand({
  name: 'survey',
  summary:
    'Survey a scope: discover open ports, grab banners, identify devices; --check credentials finds weak or default logins, --check firmware known-vulnerable firmware.',
  usage: '[--target CIDR ...] [--plan FILE] [--check credentials] [--check firmware] [options]',
  details: `Scopes outside loopback (127.0.0.0/8) need an approved survey plan (--plan FILE; see
docs/operations.md and examples/survey-plan.yaml): the plan fixes the ranges, checks,
credential list and the highest rates; command-line options may only narrow them.
The lab needs no plan:  opennotice survey --target 127.77.0.0/16 --check credentials

Open ports can come from ZMap or masscan instead of the built-in connect scan:
  opennotice survey --plan plan.yaml --input zmap-23.csv --check credentials
Interrupted (Ctrl-C, a crash): hosts already saved are kept; continue with --resume RUN.
Exit status: 0 completed, 130 interrupted (results so far are saved), other codes per error.`,
  options: surveyOptionSpecs,
  async run(values, _positionals, io) {
    const store = await openStore(String(values.db));
    const resuming = values.resume !== undefined;
    let config: SurveyConfig;
    try {
      // Approved opt-outs are never contacted, on a new run and on a resumed one alike.
      const optedOut = await optedOutRanges(store);
      if (optedOut.length > 0) io.stderr.write(`excluding ${optedOut.length} opted-out ranges\n`);
      config = await buildSurveyConfig(withOptOutExclusions(resuming ? await valuesForResume(store, values) : values, optedOut));
    } catch (error) {
      await store.close();
      throw error;
    }
    if (resuming) {
      const run = await store.getRun(Number(values.resume));
      if (config.plan && run?.plan && config.plan.sha256 !== run.plan.sha256) {
        await store.close();
        throw new OpenNoticeError(
          'PLAN_INVALID',
          `the plan given differs from the one run ${values.resume} was made under (sha256 ${run.plan.sha256.slice(0, 12)}…)`,
        );
      }
      config.resumeRunId = Number(values.resume);
    }
    const reporter = createProgressReporter(io.stderr);
    try {
      const deps = createSurveyDeps({ store, labRules: config.scope.loopbackOnly, signal: io.signal, onProgress: values.quiet ? undefined : reporter.update });
      if (config.firmware) deps.firmware = await loadFirmwareAssessor(store);
      const summary = await runSurvey(config, deps);
      reporter.finish();
      const imported = config.importedOpenPorts as OpenPortImport | undefined;
      if (imported?.stats) io.stderr.write(`${describeImportStats(imported.stats)}\n`);
      io.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSurveySummary(summary, store.location));
      return summary.status === 'interrupted' ? 130 : 0;
    } finally {
      reporter.finish();
      await store.close();
    }
  },
});
