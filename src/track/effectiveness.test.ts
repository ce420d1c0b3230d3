import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveness } from './effectiveness.ts';
import { assignGroup, mayNotify } from './holdout.ts';

const start = '2026-01-01T00:00:00.000Z';
const after = (days: number) => new Date(Date.parse(start) + days * 86_400_000).toISOString();

test('effectiveness: rates within 7/14/30 days, Kaplan–Meier median with censoring', () => {
  const tracked = [
    { findingId: 1, startAt: start, remediatedAt: after(2) },
    { findingId: 2, startAt: start, remediatedAt: after(5) },
    { findingId: 3, startAt: start, remediatedAt: after(10) },
    { findingId: 4, startAt: start, remediatedAt: after(20) },
    { findingId: 5, startAt: start }, // still open, watched 40 days
    { findingId: 6, startAt: after(35) }, // still open, watched 5 days: censored early
  ];
  const figures = effectiveness(tracked, { asOf: after(40) });
  assert.equal(figures.findings, 6);
  assert.equal(figures.remediated, 4);
  // Day 7: findings 1–5 were watchable (6 only 5 days): 2 of 5 fixed.
  assert.equal(figures.rateWithin[7], 2 / 5);
  assert.equal(figures.rateWithin[14], 3 / 5);
  assert.equal(figures.rateWithin[30], 4 / 5);
  // Kaplan–Meier: day 2: 6 at risk → 5/6; day 5: 5 at risk (6 censored at day 5 counts as at risk) → ×4/5 = 2/3; day 10: 3 at risk (6 censored) → ×2/3 = 4/9 ≤ 0.5.
  assert.deepEqual(
    figures.survival.map((point) => point.day),
    [2, 5, 10, 20],
  );
  assert.ok(Math.abs(figures.survival[2]!.open - 4 / 9) < 1e-12);
  assert.equal(figures.medianDays, 10);
  assert.equal(effectiveness([{ findingId: 1, startAt: start }], { asOf: after(3) }).rateWithin[7], null, 'nothing watched long enough');
  // A young cohort's early fixes say nothing about day 30 while its unfixed peers cannot be counted yet.
  const young = effectiveness(
    [
      { findingId: 1, startAt: start, remediatedAt: after(2) },
      { findingId: 2, startAt: start },
    ],
    { asOf: after(14) },
  );
  assert.equal(young.rateWithin[7], 1 / 2);
  assert.equal(young.rateWithin[30], null, 'not 100 %: the open finding was watched only 14 days');
});

test('hold-out: a stable, keyed share of findings waits before notification', () => {
  const policy = { share: 0.2, key: 'study-2026', delayDays: 14 };
  const groups = Array.from({ length: 10_000 }, (_, id) => assignGroup(id, policy));
  const holdout = groups.filter((group) => group === 'holdout').length / groups.length;
  assert.ok(Math.abs(holdout - 0.2) < 0.02, String(holdout));
  assert.deepEqual(
    Array.from({ length: 100 }, (_, id) => assignGroup(id, policy)),
    groups.slice(0, 100),
    'deterministic',
  );
  assert.notDeepEqual(
    Array.from({ length: 100 }, (_, id) => assignGroup(id, { ...policy, key: 'other' })),
    groups.slice(0, 100),
    'keyed',
  );
  const control = groups.indexOf('holdout');
  assert.equal(mayNotify({ id: control, firstSeen: start }, policy, after(13)), false);
  assert.equal(mayNotify({ id: control, firstSeen: start }, policy, after(14)), true);
  const treated = groups.indexOf('notified');
  assert.equal(mayNotify({ id: treated, firstSeen: start }, policy, after(0)), true);
});

test('effectiveness: cohorts with counts give exactly the figures of the findings they stand for', () => {
  const cohorts = [
    { startAt: start, remediatedAt: after(2), count: 3 },
    { startAt: start, remediatedAt: after(9), count: 2 },
    { startAt: start, count: 4 },
    { startAt: after(20), count: 5 },
  ];
  const expanded = cohorts.flatMap((cohort, index) =>
    Array.from({ length: cohort.count }, (_, copy) => ({
      findingId: index * 10 + copy,
      startAt: cohort.startAt,
      ...(cohort.remediatedAt ? { remediatedAt: cohort.remediatedAt } : {}),
    })),
  );
  assert.deepEqual(effectiveness(cohorts, { asOf: after(40) }), effectiveness(expanded, { asOf: after(40) }));
  assert.equal(effectiveness(cohorts, { asOf: after(40) }).findings, 14);
});
