/**
 * A fuzz worker thread: runs one target's inputs [start, end) and posts what it finds. It lives
 * in its own thread so the supervisor can stop it when an input hangs or eats the memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runInputs, type FoundFailure, type InputCounts } from './run-inputs.ts';
import type { FuzzTarget } from './target.ts';

export interface WorkerRequest {
  target: string;
  /** The module under targets/ defining it: only that one is loaded (see targets/index.ts). */
  targetModule: string;
  seed: number;
  start: number;
  end: number;
  slowMs: number;
  ints: Int32Array;
  startedAt: Float64Array;
}

export type WorkerMessage = { kind: 'failure'; failure: FoundFailure } | { kind: 'progress'; counts: InputCounts } | { kind: 'done'; counts: InputCounts };

const request = workerData as WorkerRequest;
const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);
const { targets } = (await import(new URL(`./targets/${request.targetModule}.ts`, import.meta.url).href)) as { targets: readonly FuzzTarget[] };
const target = targets.find((candidate) => candidate.name === request.target);
if (!target) throw new Error(`no fuzz target "${request.target}" in targets/${request.targetModule}.ts`);
const counts = await runInputs(target, {
  seed: request.seed,
  start: request.start,
  end: request.end,
  slowMs: request.slowMs,
  shared: { ints: request.ints, startedAt: request.startedAt },
  onFailure: (failure) => post({ kind: 'failure', failure }),
  onProgress: (progress) => post({ kind: 'progress', counts: progress }),
});
post({ kind: 'done', counts });
