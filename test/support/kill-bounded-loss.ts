/**
 * The promise of a live command killed with SIGKILL (a capture, a flow collector): what it had
 * written before the kill stays, exactly once; what the restarted command receives is stored,
 * exactly once; what the killed one held in memory since its last write may be lost — never
 * more than it received — and nothing is ever counted twice.
 */

/** A store reduced to counters by key (a source's packets, an aggregate's flows) and plain facts (an open finding). */
export interface CountedStore {
  counts: Record<string, number>;
  facts: string[];
}

export interface LossBound {
  /**
   * The most a key may lose: what the killed session received of it (0 for what only the
   * sessions before the kill and after the restart received).
   */
  mayLose(key: string): number;
  /** Facts (an infected finding) only the killed session's traffic would have established. */
  mayMiss(fact: string): boolean;
}

/**
 * Returns the broken promise, or undefined when `actual` is `expected` minus at most the killed
 * session's share.
 * @example judgeBoundedLoss(reference, recovered, { mayLose: (key) => (key.includes('127.209.2.') ? 30 : 0), mayMiss: () => false })
 */
export function judgeBoundedLoss(expected: CountedStore, actual: CountedStore, loss: LossBound): string | undefined {
  for (const [key, count] of Object.entries(actual.counts)) {
    const reference = expected.counts[key];
    if (reference === undefined) return `${key}: ${count} stored, the uninterrupted run has none`;
    if (count > reference) return `${key}: ${count} stored, more than the uninterrupted run's ${reference} (counted twice)`;
  }
  for (const [key, reference] of Object.entries(expected.counts)) {
    const count = actual.counts[key] ?? 0;
    if (count === reference) continue;
    const bound = loss.mayLose(key);
    if (bound === 0) return `${key}: ${count} stored, ${reference} expected (written before the kill or received after the restart: never lost)`;
    if (reference - count > bound) return `${key}: ${reference - count} lost, more than the killed session received (${bound})`;
  }
  const expectedFacts = new Set(expected.facts);
  for (const fact of actual.facts) if (!expectedFacts.has(fact)) return `${fact}: stored, not in the uninterrupted run`;
  if (new Set(actual.facts).size !== actual.facts.length) return `a fact stored twice: ${JSON.stringify(actual.facts)}`;
  const actualFacts = new Set(actual.facts);
  for (const fact of expected.facts) if (!actualFacts.has(fact) && !loss.mayMiss(fact)) return `${fact}: missing (never lost)`;
  return undefined;
}

/** Adds `count` to `counts[key]`. */
export function addCount(counts: Record<string, number>, key: string, count: number): void {
  counts[key] = (counts[key] ?? 0) + count;
}
