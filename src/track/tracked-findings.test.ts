import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../core/records.ts';
import type { IspRecord } from '../store/roles/isp-attribution.ts';
import type { ReportRow } from '../store/roles/reports.ts';
import { assignGroup } from './holdout.ts';
import { effectivenessBy, trackedFindings } from './tracked-findings.ts';

const isp = (id: string, extra: Partial<IspRecord> = {}): IspRecord => ({
  id,
  name: id,
  asns: [],
  prefixes: [],
  contacts: { portalUsers: [] },
  preferences: { format: 'csv', cadence: 'daily', language: 'en' },
  managesCustomerDevices: false,
  ...extra,
});
const finding = (id: number, ispId: string | undefined, extra: Partial<NotifiableFinding> = {}): NotifiableFinding => ({
  id,
  kind: 'weak-credential',
  ip: `192.0.2.${id}`,
  port: 23,
  protocol: 'telnet',
  evidence: {},
  status: 'open',
  firstSeen: '2026-03-01T00:00:00.000Z',
  lastSeen: '2026-03-01T00:00:00.000Z',
  attribution: ispId ? { source: 'registry', ispId } : { source: 'none', unattributedReason: 'not routed' },
  ...extra,
});
const report = (ispId: string, createdAt: string): ReportRow => ({
  id: 1,
  ispId,
  audience: 'isp',
  createdAt,
  periodEnd: createdAt,
  idempotencyKey: createdAt,
  findingCount: 0,
  summary: {},
});

test('tracked findings: clocks start at the first notice, hold-outs at their would-be notice; channels follow the ISP', () => {
  const study = { share: 0.5, key: 'tracked-findings-test', delayDays: 30 };
  const ids = Array.from({ length: 40 }, (_, index) => index + 1);
  const control = ids.filter((id) => assignGroup(id, study) === 'holdout');
  const treated = ids.filter((id) => assignGroup(id, study) === 'notified');
  assert.ok(control.length > 5 && treated.length > 5);
  const findings = ids.map((id) =>
    finding(id, id % 2 === 0 ? 'managed' : 'mailed', id === treated[0] ? { status: 'closed', closedAt: '2026-03-05T10:00:00.000Z' } : {}),
  );
  findings.push(finding(99, undefined));
  const notified = new Map(treated.map((id) => [id, { first: '2026-03-02T08:00:00.000Z', last: '2026-03-02T08:00:00.000Z', reports: 1 }]));
  const reports = [report('managed', '2026-02-01T00:00:00.000Z'), report('managed', '2026-03-02T08:00:00.000Z'), report('mailed', '2026-03-02T08:00:00.000Z')];
  const rows = trackedFindings({ findings, notified, reports, isps: [isp('managed', { managesCustomerDevices: true }), isp('mailed')], study });

  assert.equal(rows.length, 40, 'the unattributed finding is not tracked');
  for (const row of rows) {
    assert.equal(row.startAt, '2026-03-02T08:00:00.000Z', 'a control finding starts at the first report after it was seen, not the February one');
    assert.equal(row.channel, row.group === 'holdout' ? 'none' : row.ispId === 'managed' ? 'isp-managed' : 'email');
  }
  assert.equal(rows.find((row) => row.findingId === treated[0])!.remediatedAt, '2026-03-05T10:00:00.000Z');
  const byGroup = effectivenessBy(rows, 'group', '2026-04-15T00:00:00.000Z');
  assert.deepEqual(byGroup.map((entry) => [entry.key, entry.figures.findings, entry.figures.remediated]).sort(), [
    ['holdout', control.length, 0],
    ['notified', treated.length, 1],
  ]);
  assert.equal(byGroup.find((entry) => entry.key === 'notified')!.figures.rateWithin[7], 1 / treated.length, 'fixed on calendar day 3');
});

test('effectiveness by kind has a row for reflectors, remediated like any other kind', () => {
  const findings = [
    finding(1, 'mailed'),
    finding(2, 'mailed', { kind: 'reflector', port: 1900, protocol: 'ssdp', status: 'closed', closedAt: '2026-03-04T00:00:00.000Z' }),
    finding(3, 'mailed', { kind: 'reflector', port: 123, protocol: 'ntp' }),
  ];
  const notified = new Map(findings.map((entry) => [entry.id, { first: '2026-03-02T00:00:00.000Z', last: '2026-03-02T00:00:00.000Z', reports: 1 }]));
  const rows = trackedFindings({ findings, notified, reports: [report('mailed', '2026-03-02T00:00:00.000Z')], isps: [isp('mailed')] });
  const byKind = new Map(effectivenessBy(rows, 'kind', '2026-04-15T00:00:00.000Z').map((entry) => [entry.key, entry.figures]));
  assert.deepEqual([byKind.get('reflector')!.findings, byKind.get('reflector')!.remediated], [2, 1]);
  assert.equal(byKind.get('reflector')!.rateWithin[7], 0.5, 'fixed two days after the notice');
  assert.equal(byKind.get('weak-credential')!.findings, 1);
});
