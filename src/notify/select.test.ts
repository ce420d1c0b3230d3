import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../core/records.ts';
import { selectForReport } from './select.ts';

const finding = (id: number, lastSeen: string, status: 'open' | 'closed' = 'open'): NotifiableFinding => ({
  id,
  kind: 'weak-credential',
  ip: `192.0.2.${id}`,
  port: 23,
  protocol: 'telnet',
  evidence: {},
  status,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen,
  attribution: { source: 'registry', ispId: 'alpha' },
});

test('report selection: new findings go out; reminders only after the interval and with a re-check since; closed never', () => {
  const findings = [
    finding(1, '2026-03-01T00:00:00.000Z'), // never reported → fresh
    finding(2, '2026-03-01T00:00:00.000Z'), // reported 40 days ago, re-checked since → reminder
    finding(3, '2026-01-20T00:00:00.000Z'), // reported 40 days ago, not re-checked since → held
    finding(4, '2026-03-01T00:00:00.000Z'), // reported 10 days ago → held
    finding(5, '2026-03-01T00:00:00.000Z', 'closed'), // fixed → never
  ];
  const reported = (at: string) => ({ first: at, last: at, reports: 1 });
  const last = new Map([
    [2, reported('2026-01-25T00:00:00.000Z')],
    [3, reported('2026-01-25T00:00:00.000Z')],
    [4, reported('2026-02-24T00:00:00.000Z')],
  ]);
  const selection = selectForReport(findings, last, { now: '2026-03-06T00:00:00.000Z' });
  assert.deepEqual(
    selection.fresh.map((row) => row.id),
    [1],
  );
  assert.deepEqual(
    selection.reminders.map((row) => row.id),
    [2],
  );
  assert.equal(selection.held, 2);
  assert.deepEqual(
    selectForReport(findings, last, { now: '2026-03-06T00:00:00.000Z', renotifyAfterDays: 5 }).reminders.map((row) => row.id),
    [2, 4],
  );
});
