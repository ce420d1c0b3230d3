/**
 * Runs one fuzz target in a worker thread and watches it: an input still running after
 * `hangMs`, or memory growing past `memoryLimitMb`, is a failure — the worker is stopped, the
 * input is named (regenerated from seed and index) and a fresh worker goes on after it.
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { fuzzInput } from './mutate.ts';
import { emptyCounts, sharedSlot, type FoundFailure, type InputCounts } from './run-inputs.ts';
import { targetModuleOf, targetNamed } from './targets/index.ts';
import type { WorkerMessage, WorkerRequest } from './worker.ts';

export interface FuzzOptions {
  inputs: number;
  seed: number;
  /** An input using more CPU time than this, plus 5 ms per KB, is a failure (default 2,000 ms). */
  slowMs?: number;
  /** An input still running after this (wall clock) is a hang; its worker is stopped (default 30,000 ms). */
  hangMs?: number;
  /** Growth of the process's resident memory past this is a failure (default 1,024 MB). */
  memoryLimitMb?: number;
  onProgress?(counts: InputCounts): void;
}

export interface TargetReport extends InputCounts {
  target: string;
  seed: number;
  failuresFound: FoundFailure[];
  /** Inputs finished by a worker that was then stopped, after its last report: run, outcome not known. */
  unrecorded: number;
  peakRssMb: number;
  seconds: number;
}

/** A worker that keeps failing is given up on after this many restarts. */
const maxRestarts = 8;

/**
 * Fuzz one target with `inputs` inputs.
 * @example const report = await fuzzTarget('kev', { inputs: 10_000, seed: 1 }); report.failures === 0
 */
export async function fuzzTarget(name: string, options: FuzzOptions): Promise<TargetReport> {
  const target = targetNamed(name);
  const began = performance.now();
  const report: TargetReport = { target: name, seed: options.seed, ...emptyCounts(), failuresFound: [], unrecorded: 0, peakRssMb: 0, seconds: 0 };
  const baseRss = process.memoryUsage.rss();
  let start = 0;
  for (let restarts = 0; start < options.inputs && restarts <= maxRestarts; restarts++) {
    const stopped = await runWorker(name, start, options, report, baseRss);
    if (!stopped) break;
    // The input that hung or blew the memory is named and counted; go on after it.
    const input = fuzzInput(target.seeds(), { seed: options.seed, target: name, index: stopped.index });
    report.failuresFound.push({
      index: stopped.index,
      signature: stopped.why,
      detail: stopped.why,
      input: input.toString('base64'),
      originalBytes: input.length,
    });
    report.failures++;
    report.inputs++;
    start = stopped.index + 1;
  }
  report.seconds = (performance.now() - began) / 1000;
  return report;
}

/** Run a worker from `start` to the end; resolves undefined when it finished, or the input it was stopped at. */
function runWorker(
  name: string,
  start: number,
  options: FuzzOptions,
  report: TargetReport,
  baseRss: number,
): Promise<{ index: number; why: string } | undefined> {
  const ints = new Int32Array(new SharedArrayBuffer(12));
  const startedAt = new Float64Array(new SharedArrayBuffer(8));
  ints[sharedSlot.index] = start;
  const request: WorkerRequest = {
    target: name,
    targetModule: targetModuleOf(name),
    seed: options.seed,
    start,
    end: options.inputs,
    slowMs: options.slowMs ?? 2000,
    ints,
    startedAt,
  };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: request, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
  const hangMs = options.hangMs ?? 30_000;
  const limitBytes = (options.memoryLimitMb ?? 1024) * 1024 * 1024;
  const before = { ...report, rejected: { ...report.rejected } };
  let reported = 0;
  const merge = (counts: InputCounts) => {
    reported = counts.inputs;
    report.inputs = before.inputs + counts.inputs;
    report.accepted = before.accepted + counts.accepted;
    report.failures = before.failures + counts.failures;
    report.repeats = before.repeats + counts.repeats;
    for (const [code, count] of Object.entries(counts.rejected)) report.rejected[code] = (before.rejected[code] ?? 0) + count;
    if (counts.slowestMs > report.slowestMs) {
      report.slowestMs = counts.slowestMs;
      report.slowestIndex = counts.slowestIndex;
    }
  };
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: { index: number; why: string } | undefined) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      resolve(value);
    };
    const stop = (why: string) => {
      const index = Atomics.load(ints, sharedSlot.index);
      const lost = Atomics.load(ints, sharedSlot.finished) - reported;
      report.inputs += lost;
      report.unrecorded += lost;
      void worker.terminate();
      finish({ index, why });
    };
    const watch = setInterval(() => {
      const rss = process.memoryUsage.rss();
      report.peakRssMb = Math.max(report.peakRssMb, Math.round(rss / 1024 / 1024));
      if (rss - baseRss > limitBytes) stop(`memory: resident memory grew by more than ${options.memoryLimitMb ?? 1024} MB`);
      else if (Atomics.load(ints, sharedSlot.busy) === 1 && Date.now() - startedAt[0] > hangMs) stop(`hang: still running after ${hangMs} ms`);
    }, 100);
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'failure') report.failuresFound.push(message.failure);
      else {
        merge(message.counts);
        options.onProgress?.(report);
        if (message.kind === 'done') finish(undefined);
      }
    });
    worker.on('error', (error) => stop(`worker died: ${error.message.split('\n')[0]}`));
    worker.on('exit', () => finish(undefined));
  });
}
