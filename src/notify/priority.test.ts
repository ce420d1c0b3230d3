import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../core/records.ts';
import { sortFindings, viewOf } from './render/finding-view.ts';
import { selectForReport } from './select.ts';

const finding = (id: number, critical: boolean, lastSeen = '2026-03-01T00:00:00.000Z'): NotifiableFinding => ({
  id,
  kind: 'weak-credential',
  ip: `192.0.2.${id}`,
  port: 23,
  protocol: 'telnet',
  evidence: {},
  status: 'open',
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen,
  ...(critical ? { deviceType: 'critical' as const, sector: 'solar' as const } : { deviceType: 'router' as const }),
  attribution: { source: 'registry', ispId: 'alpha' },
});

test('findings on critical devices come first in a selection, whatever their order in the store', () => {
  const selection = selectForReport([finding(1, false), finding(2, true), finding(3, false), finding(4, true)], new Map(), { now: '2026-03-02T00:00:00.000Z' });
  assert.deepEqual(
    selection.fresh.map((entry) => entry.id),
    [2, 4, 1, 3],
  );
});

test('a critical finding is reminded about after a week; others wait for the usual interval', () => {
  const reported = { first: '2026-02-20T00:00:00.000Z', last: '2026-02-20T00:00:00.000Z', reports: 1 };
  const notified = new Map([
    [1, reported],
    [2, reported],
  ]);
  const selection = selectForReport([finding(1, false), finding(2, true)], notified, { now: '2026-03-02T00:00:00.000Z' });
  assert.deepEqual(
    selection.reminders.map((entry) => entry.id),
    [2],
  );
  assert.equal(selection.held, 1);
});

test('report files list critical devices first and rate every finding on one as critical', () => {
  const findings = [finding(1, false), finding(9, true), finding(5, false)];
  assert.deepEqual(
    sortFindings(findings).map((entry) => entry.id),
    [9, 1, 5],
  );
  assert.equal(viewOf(finding(9, true), { name: 'opennotice' }).severity, 'critical');
  assert.equal(viewOf(finding(1, false), { name: 'opennotice' }).severity, 'high');
});
