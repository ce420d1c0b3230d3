import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FindingKind, NotifiableFinding } from '../core/records.ts';
import { programStatistics } from './program-stats.ts';
import { renderAnnualMarkdown } from './annual-report.ts';
import { renderProgramStatsTable } from '../report/program-stats.ts';

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
    finding('reflector', '192.0.2.5', '2026-02-06T00:00:00Z', {
      port: 1900,
      protocol: 'ssdp',
      evidence: { amplification: 30.4 },
      vendor: 'Korvan',
      releaseYear: 2014,
    }),
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
  assert.equal(february!.found.reflector, 1, 'reflectors are counted in the month they were found');
  assert.deepEqual(february!.infectedPerDay, { max: 2, average: 1.5 });
  assert.equal(february!.remediated, 1);
  assert.deepEqual(february!.cumulative, {
    found: { 'weak-credential': 2, 'no-authentication': 0, 'vulnerable-firmware': 1, infected: 2, reflector: 1 },
    findingsNotified: 2,
    remediated: 1,
  });
  assert.equal(stats.open.total, 5);
  assert.equal(stats.open.byKind.reflector, 1);
  assert.deepEqual(stats.open.byIsp, [
    { key: 'Alpha', count: 4 },
    { key: 'unattributed', count: 1 },
  ]);
  assert.deepEqual(stats.open.byVendor[0], { key: 'Korvan', count: 3 });
  assert.deepEqual(stats.open.byReleaseYear[0], { key: '2014', count: 3 });
});

test('the annual and terminal tables have a reflector column counted like the others', () => {
  const stats = programStatistics({
    findings: [
      finding('reflector', '192.0.2.5', '2026-03-06T00:00:00Z', { port: 123, protocol: 'ntp' }),
      finding('reflector', '192.0.2.6', '2026-03-07T00:00:00Z', { port: 1900, protocol: 'ssdp' }),
      finding('weak-credential', '192.0.2.7', '2026-03-08T00:00:00Z'),
    ],
    events: [],
    reports: [],
  });
  const markdown = renderAnnualMarkdown(stats, '2026', 'Test');
  const header = markdown.split('\n').find((line) => line.startsWith('| Month') && line.includes('Reports sent'))!;
  const row = markdown.split('\n').find((line) => line.startsWith('| 2026-03'))!;
  const cells = (line: string) => line.split('|').map((cell) => cell.trim());
  assert.equal(cells(row)[cells(header).indexOf('DDoS reflector')], '2');
  assert.equal(cells(row)[cells(header).indexOf('Weak credentials')], '1');
  const terminal = renderProgramStatsTable(stats);
  assert.match(terminal, /REFLECTOR/);
  const [head, march] = [terminal.split('\n')[0]!, terminal.split('\n').find((line) => line.startsWith('2026-03'))!];
  const at = head.indexOf('REFLECTOR');
  assert.equal(march.slice(at, at + 'REFLECTOR'.length).trim(), '2');
});
