/**
 * Where a fuzz run keeps what failed: each failing input as generated and as minimised, in files
 * named by target, seed and index. A printed line cuts base64 at 4,000 characters and a failing
 * input can be 1 MB, so the files are what a developer replays (`cat FILE | …`, or the target's
 * `run` on `readFileSync(FILE)`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fuzzInput } from './mutate.ts';
import type { FoundFailure } from './run-inputs.ts';
import { targetNamed } from './targets/index.ts';

export interface KeptFailure {
  /** The input exactly as the run generated it. */
  original: string;
  /** The smallest input found that still fails the same way (the original for time-bound failures). */
  minimised: string;
}

/**
 * Write one failure's inputs into `directory` (made when missing).
 * @example keepFailure('fuzz-failures', 'rules', 1, found).original === 'fuzz-failures/rules-seed1-input838669.bin'
 */
export function keepFailure(directory: string, target: string, seed: number, found: FoundFailure): KeptFailure {
  mkdirSync(directory, { recursive: true });
  const stem = join(directory, `${target}-seed${seed}-input${found.index}`);
  const kept = { original: `${stem}.bin`, minimised: `${stem}-minimised.bin` };
  writeFileSync(kept.original, fuzzInput(targetNamed(target).seeds(), { seed, target, index: found.index }));
  writeFileSync(kept.minimised, Buffer.from(found.input, 'base64'));
  return kept;
}
