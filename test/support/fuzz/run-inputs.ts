/**
 * The loop inside a fuzz worker: generate input i, run the target, judge the outcome, count.
 * Before each input it publishes the index and start time in shared memory, so the supervisor
 * on the main thread can see a hang (a loop that never returns cannot report itself) and name
 * the input that caused it. A failure is minimised here, where the target is loaded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startGcClock } from './gc-clock.ts';
import { fuzzInput } from './mutate.ts';
import { createOutcomeCache } from './outcome-cache.ts';
import { judge, type FuzzPlace, type FuzzTarget, type Outcome } from './target.ts';

/** Slots of the shared Int32Array / Float64Array the supervisor watches. */
export const sharedSlot = { index: 0, busy: 1, finished: 2 } as const;

/** Inputs run between two turns of the event loop. */
const yieldEvery = 64;

export interface InputCounts {
  inputs: number;
  accepted: number;
  rejected: Record<string, number>;
  failures: number;
  slowestMs: number;
  slowestIndex: number;
  /** Inputs that repeated an earlier one and were counted with its outcome, not run again. */
  repeats: number;
}

export interface FoundFailure {
  index: number;
  signature: string;
  detail: string;
  /** The input after minimisation, base64. */
  input: string;
  originalBytes: number;
}

export interface RunInputsRequest {
  seed: number;
  start: number;
  end: number;
  /** An input using more CPU time than this (plus 5 ms per KB of input) is a failure: a near-hang. */
  slowMs: number;
  shared: { ints: Int32Array; startedAt: Float64Array };
  onFailure(failure: FoundFailure): void;
  onProgress?(counts: InputCounts): void;
}

export function emptyCounts(): InputCounts {
  return { inputs: 0, accepted: 0, rejected: {}, failures: 0, slowestMs: 0, slowestIndex: -1, repeats: 0 };
}

/** Make a scratch directory in memory when the machine has one (tmpfs), so file targets cost no disk. */
export function scratchDirectory(): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'opennotice-fuzz-'));
}

async function attempt(target: FuzzTarget, input: Buffer, place: FuzzPlace): Promise<Outcome> {
  try {
    if (target.writesFile) writeFileSync(place.file, input);
    const result = target.run(input, place);
    // Only await what is a promise: a microtask per input would halve the speed of the codecs.
    if (result instanceof Promise) await result;
    return judge(target, place, undefined, false);
  } catch (error) {
    return judge(target, place, error, true);
  }
}

function count(counts: InputCounts, outcome: Outcome): void {
  if (outcome.kind === 'accepted') counts.accepted++;
  else if (outcome.kind === 'rejected') counts.rejected[outcome.code] = (counts.rejected[outcome.code] ?? 0) + 1;
  else counts.failures++;
}

/**
 * Run inputs [start, end) of `target`; failures are reported as they are found (minimised).
 * @example const counts = await runInputs(targetNamed('kev'), { seed: 1, start: 0, end: 1000, slowMs: 2000, shared, onFailure: console.log })
 */
export async function runInputs(target: FuzzTarget, request: RunInputsRequest): Promise<InputCounts> {
  const seeds = target.seeds();
  const counts = emptyCounts();
  const directory = scratchDirectory();
  const place: FuzzPlace = { index: 0, file: target.writesFile ? join(directory, `input${target.suffix ?? ''}`) : `fuzz-input${target.suffix ?? ''}` };
  const { ints, startedAt } = request.shared;
  const seen = new Set<string>();
  const cache = createOutcomeCache();
  const gcClock = startGcClock();
  let lastProgress = performance.now();
  try {
    for (let index = request.start; index < request.end; index++) {
      // Let the event loop turn now and then: some cleanup only runs there (a failed gunzipSync
      // frees its zlib state on the next tick), and a loop of synchronous parses that never
      // yields grew the gzip target by 1.5 GB in 90,000 inputs; production yields between files.
      if ((index - request.start) % yieldEvery === yieldEvery - 1) await new Promise(setImmediate);
      if (request.onProgress && performance.now() - lastProgress > 250) {
        lastProgress = performance.now();
        request.onProgress(counts);
      }
      const input = fuzzInput(seeds, { seed: request.seed, target: target.name, index });
      place.index = index;
      const key = cache.keyOf(input, index);
      const earlier = cache.lookup(key);
      if (earlier) {
        count(counts, earlier);
        counts.inputs++;
        counts.repeats++;
        Atomics.store(ints, sharedSlot.finished, counts.inputs);
        continue;
      }
      Atomics.store(ints, sharedSlot.index, index);
      startedAt[0] = Date.now();
      Atomics.store(ints, sharedSlot.busy, 1);
      // CPU time of this thread, not the wall clock: five engineers share two cores, and a
      // parser must not be called slow because the machine was busy.
      const wallBegan = performance.now();
      const began = process.threadCpuUsage();
      let outcome = await attempt(target, input, place);
      const took = cpuMsSince(began);
      const wallEnded = performance.now();
      Atomics.store(ints, sharedSlot.busy, 0);
      counts.inputs++;
      Atomics.store(ints, sharedSlot.finished, counts.inputs);
      if (took > counts.slowestMs) {
        counts.slowestMs = took;
        counts.slowestIndex = index;
      }
      // The bound grows with the input (5 ms per KB: 7 s for the largest, 1 MB; the YAML library
      // reads noise at about 3 µs a byte), so a linear parser on a big bomb passes and a
      // quadratic one does not.
      const bound = (request.slowMs + (input.length / 1024) * 5) * (target.inflates ? 10 : 1);
      if (took > bound && outcome.kind !== 'failure') {
        // Said with what can explain it: the collector's share of that time (reported a turn of
        // the event loop later) and the same input again at once, warm.
        await new Promise(setImmediate);
        await new Promise(setImmediate);
        const collected = gcClock.collectedWithin(wallBegan, wallEnded);
        const again = process.threadCpuUsage();
        await attempt(target, input, place);
        const tookAgain = cpuMsSince(again);
        outcome = {
          kind: 'failure',
          signature: 'slow: over its time bound',
          detail: `took ${Math.round(took)} ms CPU for ${input.length} bytes (bound ${Math.round(bound)} ms), ${Math.round(collected)} ms of it collecting garbage; run again at once: ${Math.round(tookAgain)} ms`,
        };
      }
      cache.remember(key, outcome);
      count(counts, outcome);
      if (outcome.kind === 'failure') {
        // One report per cause; the count says how often it recurred.
        if (!seen.has(outcome.signature)) {
          seen.add(outcome.signature);
          const smallest = outcome.signature.startsWith('slow:') ? input : await minimise(target, input, outcome.signature, place);
          request.onFailure({ index, signature: outcome.signature, detail: outcome.detail, input: smallest.toString('base64'), originalBytes: input.length });
        }
      }
    }
  } finally {
    gcClock.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  return counts;
}

function cpuMsSince(began: NodeJS.CpuUsage): number {
  const used = process.threadCpuUsage(began);
  return (used.user + used.system) / 1000;
}

/**
 * Shrink a failing input while it still fails the same way: drop chunks, halving their size
 * down to single bytes. Bounded (2,000 runs, 10 s) so one stubborn input cannot stall the run.
 */
export async function minimise(target: FuzzTarget, input: Buffer, signature: string, place: FuzzPlace): Promise<Buffer> {
  let best = input;
  let runs = 0;
  const deadline = performance.now() + 10_000;
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1; chunk >>= 1) {
    let at = 0;
    while (at < best.length && runs < 2000 && performance.now() < deadline) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + chunk)]);
      runs++;
      const outcome = await attempt(target, candidate, place);
      if (outcome.kind === 'failure' && outcome.signature === signature) best = candidate;
      else at += chunk;
    }
  }
  return best;
}
