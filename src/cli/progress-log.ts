/**
 * Survey progress as log lines, for `--log-format json`: a terminal's progress bar would break
 * a stream of JSON objects, so each phase change and then one line every `intervalMs` are
 * logged instead (event "progress"), with the same counts the bar shows.
 */
import type { Logger } from '../core/logger.ts';
import type { SurveyProgress } from '../survey/progress.ts';
import type { ProgressReporter } from './progress-bar.ts';

/**
 * @example const reporter = createLogProgressReporter(() => log); runSurvey(request, { ...deps, onProgress: reporter.update })
 */
export function createLogProgressReporter(log: () => Logger, options: { intervalMs?: number; now?: () => number } = {}): ProgressReporter {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? (() => performance.now());
  let lastPhase: SurveyProgress['phase'] | undefined;
  let lastAt = -Infinity;
  return {
    update(progress) {
      const at = now();
      if (progress.phase === lastPhase && at - lastAt < intervalMs) return;
      lastPhase = progress.phase;
      lastAt = at;
      log().info(`${progress.phase}: ${progress.done}${progress.total ? ` of ${progress.total}` : ''}`, {
        event: 'progress',
        phase: progress.phase,
        done: progress.done,
        total: progress.total,
        openPorts: progress.openPorts,
        services: progress.services,
        identified: progress.identified,
        findings: progress.findings,
        elapsedMs: Math.round(progress.elapsedMs),
      });
    },
    finish() {},
  };
}
