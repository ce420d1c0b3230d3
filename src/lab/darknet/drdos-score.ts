/**
 * DRDoS detection against the lab generator's truth: an attack found is right when the lab sent
 * an attack on that darknet address with that protocol.
 */
import type { DrdosTruthAttack } from './drdos-plans.ts';

export interface DrdosScore {
  precision: number;
  recall: number;
  truePositives: number;
  /** Found attacks the lab did not send ("victim protocol"). */
  falsePositives: string[];
  /** Sent attacks not found. */
  falseNegatives: string[];
}

const keyOf = (attack: { victim: string; protocol: string }): string => `${attack.victim} ${attack.protocol}`;

/**
 * @example scoreDrdosAttacks(truth.drdos.attacks, await store.listDarknetAttacks({ qualified: true })).recall // 1
 */
export function scoreDrdosAttacks(sent: readonly DrdosTruthAttack[], found: ReadonlyArray<{ victim: string; protocol: string }>): DrdosScore {
  const sentKeys = new Set(sent.map(keyOf));
  const foundKeys = new Set(found.map(keyOf));
  const falsePositives = found.map(keyOf).filter((key) => !sentKeys.has(key));
  const truePositives = found.length - falsePositives.length;
  return {
    precision: found.length === 0 ? (sent.length === 0 ? 1 : 0) : truePositives / found.length,
    recall: sent.length === 0 ? 1 : [...sentKeys].filter((key) => foundKeys.has(key)).length / sentKeys.size,
    truePositives,
    falsePositives,
    falseNegatives: [...sentKeys].filter((key) => !foundKeys.has(key)),
  };
}
