/**
 * The life of one run — a survey, a re-survey, a darknet ingest or capture, a honeypot import —
 * written once: it is started (or resumed) in the store, reports progress while it works,
 * stops cleanly when interrupted, and is finished with its status and totals whatever happens,
 * so the runs table never keeps a run "running" after its process has ended.
 */
import type { RunFinish, RunStart, RunStatus, RunStore } from '../store/roles/runs.ts';

/** What a run's work is given. */
export interface RunContext {
  readonly runId: number;
  /** True when this continues an interrupted run (its saved work must not be done again). */
  readonly resumed: boolean;
  /** Aborted on interrupt (Ctrl-C, SIGTERM, the caller's stop): stop taking new work, keep what is done. */
  readonly signal: AbortSignal;
  /** The clock the run and what it records are dated by (the demo simulates weeks). */
  now(): Date;
  /** Calls `report` every `intervalMs` until the run ends, and once more at its end. */
  every(intervalMs: number, report: () => void): void;
}

export interface RunOptions<T> {
  store: RunStore;
  /** What the run is started with; ignored when resuming (the stored run keeps its own). */
  start: Omit<RunStart, 'startedAt'>;
  /** Continue this stored run instead of starting a new one. */
  resume?: number;
  /**
   * Work on a part of a run that another process finishes (a shard of a distributed survey,
   * whose coordinator finishes the run once every shard is done): the run is not finished here,
   * not even when the work fails.
   */
  leaveOpen?: boolean;
  signal?: AbortSignal;
  now?: () => Date;
  /**
   * The run's totals, stored when it ends — also after a failure, with what was done by then,
   * so read them from the state the work updates as it goes.
   */
  counts(result: T | undefined): Record<string, number>;
}

/** How a run ended, with what its work returned. */
export interface RunResult<T> {
  runId: number;
  status: Exclude<RunStatus, 'running' | 'failed'>;
  result: T;
}

/**
 * Run `work` as one stored run. The run ends `completed`, or `interrupted` when the signal was
 * aborted (the work returns what it saved); if the work throws, the run is finished `failed`
 * with the totals so far and the error is thrown on.
 * @example
 * const { runId, status, result } = await executeRun({ store, start: { scope: ['198.51.100.0/24'], exclude: [], ports: [], checks: ['honeypot'] }, counts: () => ({ lines }) },
 *   async (run) => importLogs(run.signal));
 */
export async function executeRun<T>(options: RunOptions<T>, work: (run: RunContext) => Promise<T>): Promise<RunResult<T>> {
  const now = options.now ?? (() => new Date());
  const signal = options.signal ?? new AbortController().signal;
  const runId = options.resume ?? (await options.store.startRun({ ...options.start, startedAt: now().toISOString() }));
  // A shard works on a run its coordinator started and keeps open: only a resumption of a
  // stopped run marks it running again (and so gets its own record in the audit trail).
  if (options.resume !== undefined && !options.leaveOpen) await options.store.resumeRun(runId, { resumedAt: now().toISOString() });
  const reporters: Array<{ timer: NodeJS.Timeout; report: () => void }> = [];
  const context: RunContext = {
    runId,
    resumed: options.resume !== undefined,
    signal,
    now,
    every(intervalMs, report) {
      reporters.push({ timer: setInterval(report, intervalMs), report });
    },
  };
  const stopReporting = () => {
    for (const { timer, report } of reporters.splice(0)) {
      clearInterval(timer);
      report();
    }
  };
  const finish = async (status: RunFinish['status'], result: T | undefined) => {
    if (options.leaveOpen) return;
    await options.store.finishRun(runId, { finishedAt: now().toISOString(), status, counts: options.counts(result) });
  };

  let result: T;
  try {
    result = await work(context);
  } catch (error) {
    stopReporting();
    // The failure is what the caller must see; a store that cannot record it adds nothing.
    await finish('failed', undefined).catch(() => undefined);
    throw error;
  }
  stopReporting();
  const status = signal.aborted ? 'interrupted' : 'completed';
  await finish(status, result);
  return { runId, status, result };
}
