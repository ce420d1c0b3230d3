import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../core/records.ts';
import type { ServiceRow } from '../store/row-types.ts';
import { planResurvey } from './resurvey-plan.ts';

const attribution = {
  prefix: '198.51.100.0/24',
  asn: 64500,
  asName: 'EXAMPLE',
  country: 'jp',
  ispId: 'isp-a',
  ispName: 'Example ISP',
  source: 'registry' as const,
};
const finding = (id: number, kind: NotifiableFinding['kind'], port: number, protocol: string): NotifiableFinding => ({
  id,
  kind,
  ip: '198.51.100.7',
  port,
  protocol,
  evidence: {},
  status: 'open',
  firstSeen: '2026-11-01T00:00:00.000Z',
  lastSeen: '2026-11-01T00:00:00.000Z',
  attribution,
});
const service = (port: number, protocol: string): ServiceRow => ({
  ip: '198.51.100.7',
  port,
  protocol,
  status: 'success',
  result: {},
  durationMs: 5,
  firstSeen: '2026-11-01T00:00:00.000Z',
  lastSeen: '2026-11-01T00:00:00.000Z',
  firstRunId: 1,
  lastRunId: 1,
});
const notified = (...ids: number[]) => new Map(ids.map((id) => [id, { first: '2026-11-02T00:00:00.000Z', last: '2026-11-02T00:00:00.000Z', reports: 1 }]));

test('a notified reflector is re-checked over UDP, beside the device’s TCP services, with no check asked for', () => {
  const plan = planResurvey({
    open: [finding(1, 'reflector', 1900, 'ssdp')],
    notified: notified(1),
    // UDP 1900 (SSDP) and TCP 1900 (UPnP) are two services of the same device.
    services: [service(1900, 'ssdp'), service(1900, 'upnp'), service(23, 'telnet')],
    udpProtocols: new Set(['ssdp']),
    at: '2026-12-06T00:00:00.000Z',
  });
  assert.deepEqual(
    plan.targets.map((target) => `${target.transport ?? 'tcp'} ${target.port}`),
    ['tcp 23', 'tcp 1900', 'udp 1900'],
  );
  assert.deepEqual(plan.checks, [], 'the UDP stage measures reflection by itself');
  assert.deepEqual(plan.findingsByKind, { reflector: 1 });
});

test('credential findings still ask for the credentials check', () => {
  const plan = planResurvey({
    open: [finding(1, 'reflector', 161, 'snmp'), finding(2, 'weak-credential', 23, 'telnet')],
    notified: notified(1, 2),
    services: [],
    udpProtocols: new Set(['snmp']),
    at: '2026-12-06T00:00:00.000Z',
  });
  assert.deepEqual(plan.checks, ['credentials']);
  assert.deepEqual(
    plan.targets.map((target) => `${target.transport ?? 'tcp'} ${target.port}`),
    ['tcp 23', 'udp 161'],
  );
});
