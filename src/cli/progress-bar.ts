import type { SurveyProgress } from '../survey/progress.ts';

export interface ProgressReporter {
  update(progress: SurveyProgress): void;
  /** Clears the bar (TTY) so the next output starts on a clean line. */
  finish(): void;
}

const phaseUnits: Record<SurveyProgress['phase'], string> = {
  discovery: 'targets',
  udp: 'UDP targets',
  assessment: 'hosts',
  saving: '',
  firmware: '',
  done: '',
};

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * A progress bar with rate, ETA and counts on a terminal, and a log line every
 * `logIntervalMs` otherwise (CI logs, files, pipes), so long surveys are never silent.
 * @example const reporter = createProgressReporter(process.stderr); runSurvey(config, { ..., onProgress: reporter.update })
 */
export function createProgressReporter(stream: NodeJS.WriteStream, options: { logIntervalMs?: number } = {}): ProgressReporter {
  const isTerminal = Boolean(stream.isTTY);
  const logIntervalMs = options.logIntervalMs ?? 5000;
  let phaseStartedAt = 0;
  let phaseStartedDone = 0;
  let currentPhase: SurveyProgress['phase'] | undefined;
  let lastLogAt = -Infinity;
  let drawn = false;

  const describe = (progress: SurveyProgress) => {
    if (progress.phase !== currentPhase) {
      currentPhase = progress.phase;
      phaseStartedAt = progress.elapsedMs;
      phaseStartedDone = progress.done;
    }
    const seconds = (progress.elapsedMs - phaseStartedAt) / 1000;
    const rate = seconds > 0 ? (progress.done - phaseStartedDone) / seconds : 0;
    const remaining = rate > 0 ? (progress.total - progress.done) / rate : Infinity;
    const fraction = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
    const counts = `open ${progress.openPorts} · services ${progress.services} · identified ${progress.identified} · findings ${progress.findings}`;
    return { fraction, rate, remaining, counts };
  };

  return {
    update(progress) {
      const { fraction, rate, remaining, counts } = describe(progress);
      const unit = phaseUnits[progress.phase];
      if (isTerminal) {
        const width = 24;
        const filled = Math.round(fraction * width);
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
        const position = unit ? ` ${progress.done}/${progress.total} ${unit} · ${rate.toFixed(0)}/s · ETA ${formatDuration(remaining)}` : '';
        const line = `${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${progress.phase}${position} · ${counts}`;
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 160) - 1)}`);
        drawn = true;
      } else if (progress.elapsedMs - lastLogAt >= logIntervalMs || progress.phase === 'done') {
        lastLogAt = progress.elapsedMs;
        const position = unit
          ? ` ${(fraction * 100).toFixed(1)}% (${progress.done}/${progress.total} ${unit}) ${rate.toFixed(0)}/s eta ${formatDuration(remaining)}`
          : '';
        stream.write(`${new Date().toISOString()} survey ${progress.phase}${position} · ${counts}\n`);
      }
    },
    finish() {
      if (isTerminal && drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
