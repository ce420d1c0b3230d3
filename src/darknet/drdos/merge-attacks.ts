/**
 * The attack thresholds as a test, and two pieces of one attack merged: the pieces a capture
 * split over two files (read in different runs, or a restarted live capture) leaves at the
 * split. Counts add up, the reflector sketches merge register by register, so the merged
 * attack is the one the whole capture gives.
 */
import type { DarknetAttack } from '../../core/records.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { ReflectorCount } from './reflector-count.ts';
import type { AttackThresholds } from './thresholds.ts';

/**
 * Whether replies counted to one victim are an attack.
 * @example isAttack({ packets: 500, reflectors: 40 }, thresholds) // true with the defaults
 */
export function isAttack(counts: { packets: number; reflectors: number }, thresholds: AttackThresholds): boolean {
  return (
    counts.packets >= thresholds.minPackets &&
    counts.reflectors >= thresholds.minReflectors &&
    counts.packets >= thresholds.minPacketsPerReflector * counts.reflectors
  );
}

/**
 * Whether an attack is kept: it passes the thresholds, or it is a piece that may continue in
 * another capture (a piece below the thresholds inside its input is dropped, merged or not).
 * @example attacks.filter(worthKeeping)
 */
export function worthKeeping(attack: Pick<DarknetAttack, 'qualified' | 'atInputStart' | 'atInputEnd'>): boolean {
  return attack.qualified || attack.atInputStart || attack.atInputEnd;
}

/**
 * Whether `a` and `b` are pieces of one attack: same darknet, victim and protocol, and no pause
 * longer than the idle time between them.
 * @example adjacent(firstPiece, secondPiece, 300) // true when the second began ≤ 5 min after the first ended
 */
export function adjacent(a: DarknetAttack, b: DarknetAttack, idleSeconds: number): boolean {
  if (a.darknet !== b.darknet || a.victim !== b.victim || a.protocol !== b.protocol) return false;
  const idle = idleSeconds * 1000;
  return Date.parse(b.start) - Date.parse(a.end) <= idle && Date.parse(a.start) - Date.parse(b.end) <= idle;
}

/**
 * Whether a stored piece can be merged: it touched its capture's edge and its reflector state reads back.
 * @example stored.filter(mergeable)
 */
export function mergeable(attack: DarknetAttack): boolean {
  return (attack.atInputStart || attack.atInputEnd) && attack.reflectorSketch !== undefined && ReflectorCount.parse(attack.reflectorSketch) !== undefined;
}

function sketchOf(attack: DarknetAttack): ReflectorCount {
  const count = attack.reflectorSketch !== undefined ? ReflectorCount.parse(attack.reflectorSketch) : undefined;
  if (count === undefined)
    throw new OpenNoticeError('INTERNAL', `attack on ${attack.victim} (${attack.protocol}) at ${attack.start} has no reflector state to merge`);
  return count;
}

/**
 * Merge two pieces of one attack (both at an input's edge, so both carry their reflector state).
 * @example const whole = mergeAttacks(endOfFirstFile, startOfSecondFile, thresholds)
 */
export function mergeAttacks(a: DarknetAttack, b: DarknetAttack, thresholds: AttackThresholds): DarknetAttack {
  const [earlier, later] = a.start <= b.start ? [a, b] : [b, a];
  const reflectors = sketchOf(earlier);
  reflectors.merge(sketchOf(later));
  const packets = a.packets + b.packets;
  const count = reflectors.count();
  const lastEnding = a.end >= b.end ? a : b;
  const atInputEnd = lastEnding.atInputEnd;
  return {
    darknet: a.darknet,
    victim: a.victim,
    protocol: a.protocol,
    port: a.port,
    start: earlier.start,
    end: lastEnding.end,
    packets,
    bytes: a.bytes + b.bytes,
    reflectors: count,
    qualified: isAttack({ packets, reflectors: count }, thresholds),
    atInputStart: earlier.atInputStart,
    atInputEnd,
    evicted: a.evicted || b.evicted,
    ...(earlier.atInputStart || atInputEnd ? { reflectorSketch: reflectors.serialize() } : {}),
  };
}
