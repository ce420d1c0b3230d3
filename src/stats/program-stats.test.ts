import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingKind, NotifiableFinding } from '../core/records.ts';
import { programStatistics } from './program-stats.ts';

let nextId = 1;
const finding = (kind: FindingKind, ip: string, firstSeen: string, extra: Partial<NotifiableFinding> = {}): NotifiableFinding => ({
  id: nextId++,
  kind,
  ip,
  port: kind === 'infected' ? 0 : 23,
  protocol: 'telnet',
  evidence: {},
  status: 'open',
  firstSeen,
  lastSeen: firstSeen,
  attribution: { source: 'registry', ispId: 'alpha', ispName: 'Alpha' },
  ...extra,
});

test('program statistics: per month found by kind, infected per day, notified, remediated, cumulative; open breakdowns', () => {
  const findings = [
    finding('weak-credential', '192.0.2.1', '2026-01-05T00:00:00Z', { vendor: 'Korvan', deviceType: 'ip-camera', releaseYear: 2014 }),
    finding('weak-credential', '192.0.2.2', '2026-01-20T00:00:00Z', { status: 'closed', vendor: 'Korvan' }),
    finding('vulnerable-firmware', '192.0.2.1', '2026-02-02T00:00:00Z', { vendor: 'Korvan', deviceType: 'ip-camera', releaseYear: 2014 }),
    finding('infected', '192.0.2.3', '2026-02-03T00:00:00Z', {
      evidence: { daysSeen: ['2026-02-03', '2026-02-04'] },
      attribution: { source: 'none', unattributedReason: 'not routed' },
    }),
    finding('infected', '192.0.2.4', '2026-02-04T00:00:00Z', { evidence: { daysSeen: ['2026-02-04'] } }),
  ];
  const stats = programStatistics({
    findings,
    events: [
      { findingId: 2, runId: 3, event: 'closed', at: '2026-02-10T00:00:00Z' },
      { findingId: 1, runId: 1, event: 'opened', at: '2026-01-05T00:00:00Z' },
    ],
    reports: [
      {
        id: 1,
        ispId: 'alpha',
        audience: 'isp',
        createdAt: '2026-01-21T00:00:00Z',
        periodEnd: '2026-01-21T00:00:00Z',
        idempotencyKey: 'a',
        findingCount: 2,
        summary: {},
      },
      { id: 2, audience: 'vendor', createdAt: '2026-01-22T00:00:00Z', periodEnd: '2026-01-22T00:00:00Z', idempotencyKey: 'b', findingCount: 5, summary: {} },
    ],
  });
  assert.deepEqual(
    stats.months.map((month) => month.month),
    ['2026-01', '2026-02'],
  );
  const [january, february] = stats.months;
  assert.equal(january!.found['weak-credential'], 2);
  assert.deepEqual([january!.reports, january!.findingsNotified], [1, 2], 'vendor reports are not ISP notifications');
  assert.equal(february!.found.infected, 2);
  assert.deepEqual(february!.infectedPerDay, { max: 2, average: 1.5 });
  assert.equal(february!.remediated, 1);
  assert.deepEqual(february!.cumulative, {
    found: { 'weak-credential': 2, 'no-authentication': 0, 'vulnerable-firmware': 1, infected: 2 },
    findingsNotified: 2,
    remediated: 1,
  });
  assert.equal(stats.open.total, 4);
  assert.deepEqual(stats.open.byIsp, [
    { key: 'Alpha', count: 3 },
    { key: 'unattributed', count: 1 },
  ]);
  assert.deepEqual(stats.open.byVendor[0], { key: 'Korvan', count: 2 });
  assert.deepEqual(stats.open.byReleaseYear[0], { key: '2014', count: 2 });
});
