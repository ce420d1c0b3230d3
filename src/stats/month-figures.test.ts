import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monthFigures } from './month-figures.ts';

test('month figures: entries of a month add up, infected days give max and average, totals run on, months come in order', () => {
  const months = monthFigures(['a', 'b'], {
    foundByMonth: [
      { month: '2026-02', kind: 'a', count: 1 },
      { month: '2026-01', kind: 'a', count: 2 },
      { month: '2026-01', kind: 'a', count: 1 },
      { month: '2026-02', kind: 'b', count: 4 },
    ],
    infectedByDay: [
      { day: '2026-02-03', hosts: 1 },
      { day: '2026-02-04', hosts: 2 },
    ],
    reportsByMonth: [
      { month: '2026-01', reports: 1, findingsNotified: 2 },
      { month: '2026-01', reports: 1, findingsNotified: 1 },
    ],
    remediatedByMonth: [{ month: '2026-03', count: 1 }],
  });
  assert.deepEqual(
    months.map((month) => month.month),
    ['2026-01', '2026-02', '2026-03'],
  );
  const [january, february, march] = months;
  assert.deepEqual(january!.found, { a: 3, b: 0 });
  assert.deepEqual([january!.reports, january!.findingsNotified], [2, 3]);
  assert.deepEqual(january!.infectedPerDay, { max: 0, average: 0 }, 'no infected day: zeros');
  assert.deepEqual(february!.infectedPerDay, { max: 2, average: 1.5 });
  assert.deepEqual(march!.cumulative, { found: { a: 4, b: 4 }, findingsNotified: 3, remediated: 1 });
});

test('month figures: a kind counted but not listed keeps its count in the month, without a cumulative column', () => {
  const [month] = monthFigures(['a'], {
    foundByMonth: [{ month: '2026-01', kind: 'z', count: 2 }],
    infectedByDay: [],
    reportsByMonth: [],
    remediatedByMonth: [],
  });
  assert.deepEqual(month!.found, { a: 0, z: 2 });
  assert.deepEqual(month!.cumulative.found, { a: 0 });
});
