/**
 * New attacks against what the store holds: a piece at a capture's edge is merged with the
 * stored pieces of the same attack (same darknet, victim and protocol, no pause longer than
 * the idle time), which it replaces. Pieces inside their capture are complete and written as
 * they are. The result is what `recordDarknetWindows` writes in its transaction.
 */
import type { DarknetAttack } from '../../core/records.ts';
import type { DarknetAttackChanges, DarknetAttackKey, DarknetStore } from '../../store/roles/darknet.ts';
import { adjacent, mergeable, mergeAttacks, worthKeeping } from './merge-attacks.ts';
import type { AttackThresholds } from './thresholds.ts';

const keyOf = (attack: DarknetAttack): DarknetAttackKey => ({ darknet: attack.darknet, victim: attack.victim, protocol: attack.protocol, start: attack.start });

/**
 * @example await store.recordDarknetWindows(runId, windows, inputs, await attackChanges(store, attacks, thresholds))
 */
export async function attackChanges(
  store: Pick<DarknetStore, 'listDarknetAttacks'>,
  attacks: readonly DarknetAttack[],
  thresholds: AttackThresholds,
): Promise<DarknetAttackChanges> {
  const add: DarknetAttack[] = [];
  const remove: DarknetAttackKey[] = [];
  const idleMillis = thresholds.idleSeconds * 1000;
  for (const attack of attacks) {
    if (!mergeable(attack)) {
      add.push(attack);
      continue;
    }
    const stored = await store.listDarknetAttacks({
      darknet: attack.darknet,
      victim: attack.victim,
      protocol: attack.protocol,
      activeFrom: new Date(Date.parse(attack.start) - idleMillis).toISOString(),
      activeTo: new Date(Date.parse(attack.end) + idleMillis).toISOString(),
    });
    let merged = attack;
    for (const piece of stored) {
      if (!mergeable(piece) || !adjacent(piece, merged, thresholds.idleSeconds)) continue;
      merged = mergeAttacks(piece, merged, thresholds);
      remove.push(keyOf(piece));
    }
    // A piece merged earlier in this batch (captures that overlap) is merged too.
    for (let index = add.length - 1; index >= 0; index--) {
      const piece = add[index]!;
      if (!mergeable(piece) || !adjacent(piece, merged, thresholds.idleSeconds)) continue;
      merged = mergeAttacks(piece, merged, thresholds);
      add.splice(index, 1);
    }
    if (worthKeeping(merged)) add.push(merged);
  }
  return { add, remove };
}
