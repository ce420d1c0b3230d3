import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DarknetAttack } from '../../core/records.ts';
import type { DecodedPacket } from '../packet.ts';
import { createAttackTracker } from './attack-tracker.ts';
import { adjacent, mergeAttacks, worthKeeping } from './merge-attacks.ts';
import { loadAttackThresholds, type AttackThresholds } from './thresholds.ts';

const darknet = '127.200.0.0/16';
const range = { base: 0x7fc80000, size: 65536 };
const thresholds = loadAttackThresholds();
const t0 = Date.UTC(2026, 0, 1) * 1000;
const minute = 60e6;

interface Reply {
  time: number;
  reflector: number;
  victim: number;
  srcPort: number;
  dstPort?: number;
  bytes?: number;
}

const packet = (reply: Reply): DecodedPacket => ({
  timeMicros: reply.time,
  length: (reply.bytes ?? 468) + 14,
  captured: 64,
  linkType: 1,
  ipVersion: 4,
  srcV4: reply.reflector,
  dstV4: reply.victim,
  protocol: 'udp',
  ipProtocol: 17,
  srcPort: reply.srcPort,
  dstPort: reply.dstPort ?? 40000,
  ipLength: reply.bytes ?? 468,
  truncated: false,
});

/** `count` replies from `reflectors` reflectors (round robin), evenly over [from, from + span). */
function burst(victim: number, srcPort: number, reflectors: number, count: number, from: number, span: number, firstReflector = 0x0a000001): Reply[] {
  return Array.from({ length: count }, (_, index) => ({
    time: from + Math.floor((index * span) / count),
    reflector: firstReflector + (index % reflectors),
    victim,
    srcPort,
  }));
}

function run(replies: readonly Reply[], options: Partial<AttackThresholds> = {}): DarknetAttack[] {
  const tracker = createAttackTracker({ darknet, range, thresholds: { ...thresholds, ...options } });
  const attacks: DarknetAttack[] = [];
  for (const reply of [...replies].sort((a, b) => a.time - b.time)) {
    tracker.add(packet(reply));
    attacks.push(...tracker.expire());
  }
  return [...attacks, ...tracker.finish()].sort((a, b) => a.start.localeCompare(b.start) || a.victim.localeCompare(b.victim));
}

/** Quiet traffic spanning the whole test so attacks in the middle are not at the input's edges. */
const frame = (): Reply[] => [
  { time: t0, reflector: 0x0b000001, victim: range.base + 9, srcPort: 5000 },
  { time: t0 + 120 * minute, reflector: 0x0b000001, victim: range.base + 9, srcPort: 5000 },
];

test('an NTP reflection attack is one event with its packets, bytes, reflectors and times', () => {
  const victim = range.base + 77;
  const attacks = run([...frame(), ...burst(victim, 123, 40, 400, t0 + 30 * minute, 2 * minute)]).filter((attack) => attack.qualified);
  assert.equal(attacks.length, 1);
  const [attack] = attacks;
  assert.equal(attack!.victim, '127.200.0.77');
  assert.equal(attack!.protocol, 'ntp');
  assert.equal(attack!.port, 123);
  assert.equal(attack!.packets, 400);
  assert.equal(attack!.bytes, 400 * 468);
  assert.ok(Math.abs(attack!.reflectors - 40) <= 40 * 0.2, `40 reflectors counted as ${attack!.reflectors}`);
  assert.equal(attack!.start, new Date((t0 + 30 * minute) / 1000).toISOString());
  assert.equal(attack!.atInputStart || attack!.atInputEnd, false);
  assert.equal(attack!.reflectorSketch, undefined, 'an attack inside the input needs no merge state');
});

test('decoys are not attacks: one reflector, one reply per reflector, a peer query, an unlisted port, traffic outside the darknet', () => {
  const victim = range.base + 5;
  const replies = [
    ...frame(),
    ...burst(victim, 123, 1, 600, t0 + 20 * minute, 10 * minute), // one stray NTP server
    ...burst(victim + 1, 53, 300, 300, t0 + 20 * minute, 20 * minute), // a resolver survey: each answers once
    ...burst(victim + 2, 123, 40, 400, t0 + 20 * minute, 2 * minute).map((reply) => ({ ...reply, dstPort: 123 })), // ntpd peers
    ...burst(victim + 3, 5000, 40, 400, t0 + 20 * minute, 2 * minute), // not a reflector port
    ...burst(0x08080808, 123, 40, 400, t0 + 20 * minute, 2 * minute), // not in the darknet
  ];
  assert.deepEqual(run(replies), []);
});

test('a pause longer than the idle time ends an attack; a shorter one does not', () => {
  const victim = range.base + 300;
  const replies = [
    ...frame(),
    ...burst(victim, 1900, 20, 200, t0 + 10 * minute, minute),
    ...burst(victim, 1900, 20, 200, t0 + 14 * minute, minute), // 3 minutes later: the same attack
    ...burst(victim, 1900, 20, 200, t0 + 40 * minute, minute), // 25 minutes later: another
  ];
  const attacks = run(replies);
  assert.deepEqual(
    attacks.map((attack) => [attack.protocol, attack.packets, attack.qualified]),
    [
      ['ssdp', 400, true],
      ['ssdp', 200, true],
    ],
  );
});

test('memory stays bounded: at most maxOpenAttacks are open, the quietest are closed early and marked evicted', () => {
  const tracker = createAttackTracker({ darknet, range, thresholds: { ...thresholds, maxOpenAttacks: 64 } });
  let most = 0;
  const attacks: DarknetAttack[] = [];
  // 2 000 victims attacked at once (carpet bombing), each by 10 reflectors, 30 replies each.
  for (let round = 0; round < 30; round++) {
    for (let victim = 0; victim < 2000; victim++) {
      tracker.add(packet({ time: t0 + round * 1e6 + victim, reflector: 0x0a000000 + (round % 10), victim: range.base + victim, srcPort: 11211 }));
      most = Math.max(most, tracker.openCount());
    }
    attacks.push(...tracker.expire());
  }
  attacks.push(...tracker.finish());
  assert.ok(most <= 64, `open attacks peaked at ${most}`);
  assert.ok(
    attacks.some((attack) => attack.evicted),
    'evicted pieces are marked',
  );
  assert.ok(attacks.every((attack) => attack.packets <= 30));
});

test('an attack split over two captures merges into the attack the whole capture gives', () => {
  const victim = range.base + 1234;
  const replies = [
    ...frame(),
    ...burst(victim, 389, 30, 600, t0 + 50 * minute, 20 * minute), // CLDAP, across the split at t0 + 60 min
    ...burst(victim + 1, 19, 4, 60, t0 + 55 * minute, 10 * minute), // below the thresholds in each half and whole
    ...burst(victim + 2, 161, 50, 200, t0 + 58 * minute, 4 * minute, 0x0c000001), // qualified only once merged
    ...burst(victim + 3, 53, 12, 300, t0 + 10 * minute, 5 * minute), // well before the split
  ];
  const split = t0 + 60 * minute;
  const whole = run(replies);
  const pieces = [...run(replies.filter((reply) => reply.time < split)), ...run(replies.filter((reply) => reply.time >= split))];
  const merged: DarknetAttack[] = [];
  for (const piece of pieces) {
    const index = merged.findIndex((known) => adjacent(known, piece, thresholds.idleSeconds) && (known.atInputEnd || known.atInputStart));
    if (index >= 0 && (piece.atInputStart || piece.atInputEnd)) merged[index] = mergeAttacks(merged[index]!, piece, thresholds);
    else merged.push(piece);
  }
  const sorted = merged.filter(worthKeeping).sort((a, b) => a.start.localeCompare(b.start) || a.victim.localeCompare(b.victim));
  assert.deepEqual(sorted, whole);
  assert.deepEqual(
    whole.filter((attack) => attack.qualified).map((attack) => attack.protocol),
    ['dns', 'cldap', 'snmp'],
  );
});
