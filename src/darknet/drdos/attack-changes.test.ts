import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DarknetAttack } from '../../core/records.ts';
import type { DarknetAttackFilter } from '../../store/roles/darknet.ts';
import { attackChanges } from './attack-changes.ts';
import { ReflectorCount } from './reflector-count.ts';
import { loadAttackThresholds } from './thresholds.ts';

const thresholds = loadAttackThresholds();

const sketch = (from: number, count: number): string => {
  const reflectors = new ReflectorCount();
  for (let index = 0; index < count; index++) reflectors.add(from + index);
  return reflectors.serialize();
};

const piece = (start: string, end: string, packets: number, reflectorsFrom: number, reflectors: number, edges: Partial<DarknetAttack>): DarknetAttack => ({
  darknet: '127.200.0.0/16',
  victim: '127.200.0.9',
  protocol: 'ntp',
  port: 123,
  start,
  end,
  packets,
  bytes: packets * 468,
  reflectors,
  qualified: false,
  atInputStart: false,
  atInputEnd: false,
  evicted: false,
  reflectorSketch: sketch(reflectorsFrom, reflectors),
  ...edges,
});

/** A store holding `stored`, answering the filter the merge asks with. */
const storeOf = (stored: DarknetAttack[]) => ({
  listDarknetAttacks: async (filter: DarknetAttackFilter = {}) =>
    stored.filter(
      (attack) =>
        attack.victim === filter.victim &&
        attack.protocol === filter.protocol &&
        (filter.activeFrom === undefined || attack.end >= filter.activeFrom) &&
        (filter.activeTo === undefined || attack.start <= filter.activeTo),
    ),
});

test('a new piece merges with the stored piece it continues, which it replaces; the merged attack passes the thresholds', async () => {
  const stored = piece('2026-01-01T23:58:00.000Z', '2026-01-01T23:59:59.000Z', 60, 1, 30, { atInputEnd: true });
  const next = piece('2026-01-02T00:00:01.000Z', '2026-01-02T00:04:00.000Z', 90, 21, 30, { atInputStart: true });
  const changes = await attackChanges(storeOf([stored]), [next], thresholds);
  assert.deepEqual(changes.remove, [{ darknet: stored.darknet, victim: stored.victim, protocol: 'ntp', start: stored.start }]);
  assert.equal(changes.add.length, 1);
  const [merged] = changes.add;
  assert.equal(merged!.packets, 150);
  assert.equal(merged!.start, stored.start);
  assert.equal(merged!.end, next.end);
  assert.ok(Math.abs(merged!.reflectors - 50) <= 50 * 0.195, `30 and 30 reflectors, 10 in common: ${merged!.reflectors}`);
  assert.equal(merged!.reflectors, new ReflectorCount().count() + ReflectorCount.parse(sketch(1, 50))!.count(), 'what one count of the 50 gives');
  assert.equal(merged!.qualified, true);
  assert.equal(merged!.reflectorSketch, undefined, 'inside both captures now: no merge state kept');
});

test('a stored piece too far away, or whose merge state does not read back, is left alone', async () => {
  const far = piece('2026-01-01T20:00:00.000Z', '2026-01-01T20:01:00.000Z', 60, 1, 30, { atInputEnd: true });
  const broken = { ...piece('2026-01-01T23:58:00.000Z', '2026-01-01T23:59:59.000Z', 60, 1, 30, { atInputEnd: true }), reflectorSketch: 'h:broken' };
  const next = piece('2026-01-02T00:00:01.000Z', '2026-01-02T00:04:00.000Z', 90, 21, 30, { atInputStart: true });
  const changes = await attackChanges(storeOf([far, broken]), [next], thresholds);
  assert.deepEqual(changes, { add: [next], remove: [] });
});

test('pieces that merge into something below the thresholds, inside both captures, are removed and not replaced', async () => {
  const stored = piece('2026-01-01T23:59:00.000Z', '2026-01-01T23:59:59.000Z', 3, 1, 1, { atInputEnd: true });
  const next = piece('2026-01-02T00:00:01.000Z', '2026-01-02T00:00:30.000Z', 2, 1, 1, { atInputStart: true });
  const changes = await attackChanges(storeOf([stored]), [next], thresholds);
  assert.deepEqual(changes.add, []);
  assert.equal(changes.remove.length, 1);
});
