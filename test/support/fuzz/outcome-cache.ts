/**
 * Outcomes of inputs already run, by content. About a quarter of a million-input run repeats
 * an earlier input — the truncation walk (one input in four) covers every length of the seeds
 * in a few thousand inputs and then starts again, and small mutations coincide — and a parser
 * gives the same bytes the same answer, so a repeat is counted with the first one's outcome
 * instead of being parsed again. Failures are not kept: a failing input always runs again.
 */
import { createHash } from 'node:crypto';
import type { Outcome } from './target.ts';

/** Enough for several million-input runs in one worker; past it, inputs simply run. */
const maxEntries = 4_000_000;

export interface OutcomeCache {
  /** The key of an input: its content and the mode a target picks from the index (see FuzzTarget.run). */
  keyOf(input: Buffer, index: number): number;
  lookup(key: number): Outcome | undefined;
  remember(key: number, outcome: Outcome): void;
}

/**
 * @example const cache = createOutcomeCache(); const key = cache.keyOf(input, 12); cache.lookup(key) ?? cache.remember(key, run(input))
 */
export function createOutcomeCache(): OutcomeCache {
  const outcomes = new Map<number, Outcome>();
  // One shared object per outcome: a million entries then cost a key and a pointer each.
  const shared = new Map<string, Outcome>();
  return {
    keyOf(input, index) {
      // 48 bits of SHA-1 (a chance of about 1 in 500 of any collision in a million inputs)
      // times the index's last two bits, within the 53 bits a number holds exactly.
      return createHash('sha1').update(input).digest().readUIntBE(0, 6) * 4 + (index % 4);
    },
    lookup: (key) => outcomes.get(key),
    remember(key, outcome) {
      if (outcome.kind === 'failure' || outcomes.size >= maxEntries) return;
      const name = outcome.kind === 'accepted' ? 'accepted' : outcome.code;
      let one = shared.get(name);
      if (!one) {
        one = outcome;
        shared.set(name, one);
      }
      outcomes.set(key, one);
    },
  };
}
