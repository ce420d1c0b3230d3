/**
 * What a survey worker tells whoever watches it — its own progress lines, and later metrics —
 * as one closed union of events, and the running tally those events add up to.
 */
import type { SurveyProgress } from '../survey/progress.ts';
import type { ShardOutcome } from './shard-job.ts';

/** Which shard an event is about. */
export interface ShardRef {
  runId: number;
  index: number;
  count: number;
}

export type WorkerEvent =
  | { kind: 'shard-started'; shard: ShardRef; attempt: number }
  | { kind: 'shard-progress'; shard: ShardRef; progress: SurveyProgress }
  | { kind: 'shard-done'; shard: ShardRef; outcome: ShardOutcome }
  /** Handed back to the queue (pg-boss retries it): the worker is stopping, its lease was lost, or the survey failed. */
  | { kind: 'shard-returned'; shard: ShardRef; cause: ReturnCause; reason: string };

/** Why a shard went back to the queue. */
export type ReturnCause = 'stopping' | 'lease-lost' | 'error';

/** What one worker has done since it started. */
export interface WorkerTally {
  shardsDone: number;
  shardsReturned: number;
  targets: number;
  hosts: number;
  findings: number;
  /** The shard in hand and its latest progress. */
  current?: { shard: ShardRef; progress?: SurveyProgress };
}

/**
 * A tally that follows the events.
 * @example const tally = createWorkerTally(); runSurveyWorker({ …, onEvent: tally.add }); tally.read().shardsDone
 */
export function createWorkerTally(): { add(event: WorkerEvent): void; read(): Readonly<WorkerTally> } {
  const tally: WorkerTally = { shardsDone: 0, shardsReturned: 0, targets: 0, hosts: 0, findings: 0 };
  return {
    add(event) {
      if (event.kind === 'shard-started') tally.current = { shard: event.shard };
      else if (event.kind === 'shard-progress') tally.current = { shard: event.shard, progress: event.progress };
      else {
        tally.current = undefined;
        if (event.kind === 'shard-returned') tally.shardsReturned++;
        else {
          tally.shardsDone++;
          tally.targets += event.outcome.targets;
          tally.hosts += event.outcome.hosts;
          tally.findings += Object.values(event.outcome.findings).reduce((total, count) => total + (count ?? 0), 0);
        }
      }
    },
    read: () => ({ ...tally }),
  };
}
