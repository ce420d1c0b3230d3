import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoginTally } from '../survey/login-summary.ts';
import type { SurveySummary } from '../survey/progress.ts';
import { formatSurveySummary } from './summary.ts';

const report = (protocol: string, attempts: number, connections: number, durationMs: number, extra: { tries?: number; atCap?: boolean } = {}) => ({
  protocol,
  port: protocol === 'telnet' ? 23 : 22,
  attempts,
  durationMs,
  connections,
  maxTriesPerConnection: extra.tries ?? 1,
  retries: 1,
  backoffs: 0,
  stoppedAtCap: extra.atCap ?? false,
});

test('the survey summary reports the login checks: services by protocol, tries per connection, time, services stopped at the cap', () => {
  const tally = createLoginTally();
  tally.addDevice([report('telnet', 10, 2, 4000, { tries: 5 }), report('ssh', 6, 3, 1500)]);
  tally.addDevice([report('telnet', 40, 14, 9000, { tries: 3, atCap: true })]);
  const logins = tally.summary();
  assert.equal(logins.services, 3);
  assert.equal(logins.devices, 2);
  assert.equal(logins.longestDeviceMs, 9000);
  assert.deepEqual(
    logins.byProtocol.map((totals) => [totals.protocol, totals.services, totals.attempts]),
    [
      ['ssh', 1, 6],
      ['telnet', 2, 50],
    ],
  );
  const summary: SurveySummary = {
    runId: 1,
    status: 'completed',
    targets: 10,
    openPorts: 3,
    hosts: 2,
    services: 3,
    servicesByStatus: { success: 3 },
    identified: 1,
    findings: {},
    reconciliation: { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 },
    attempts: 56,
    logins,
    detection: { byMethod: { banner: 2, probe: 1 }, probes: 1, connections: 3 },
    elapsedMs: 12_000,
  };
  const text = formatSurveySummary(summary, '/tmp/x.sqlite');
  assert.match(text, /login services {5}3 on 2 devices \(ssh 1, telnet 2\)/);
  assert.match(text, /login connections {2}19, 2\.9 tries per connection \(at most 5\); 3 tries retried, 0 backoffs/);
  assert.match(text, /slowest service 9\.0 s, slowest device 9\.0 s, 14\.5 s in all/);
  assert.match(text, /stopped at the cap 1 services/);
  assert.match(text, /protocols found {4}2 by greeting, 1 by probe, 0 in TLS, 0 not recognised; 0\.3 probes a service/);
});

test('the survey summary says what the UDP stage sent and heard, and counts reflectors', () => {
  const summary: SurveySummary = {
    runId: 2,
    status: 'completed',
    targets: 8,
    openPorts: 1,
    hosts: 3,
    services: 4,
    servicesByStatus: { success: 3, 'protocol-error': 1 },
    identified: 2,
    findings: { reflector: 2 },
    reconciliation: { opened: 2, updated: 0, closed: 0, reopened: 0, missed: 0 },
    attempts: 0,
    detection: { byMethod: { banner: 1 }, probes: 0, connections: 1 },
    udp: { targets: 8, requests: 11, swept: 0, retries: 3, answered: 3, openFiltered: 2, refused: 3, unmatched: 0, failed: 0, skipped: 1, strays: 4 },
    elapsedMs: 3000,
  };
  const text = formatSurveySummary(summary, '/tmp/x.sqlite');
  assert.match(
    text,
    /UDP services {7}3 answered of 8 \(2 silent: open\|filtered, 3 closed, 0 failed\); 11 requests, 3 retries, 4 stray datagrams; 1 given ports not queried/,
  );
  assert.match(text, /findings {11}0 weak credential, 0 no authentication, 2 reflector/);
  assert.doesNotMatch(formatSurveySummary({ ...summary, udp: undefined }, '/tmp/x.sqlite'), /UDP services|reflector/);
  const swept = formatSurveySummary({ ...summary, udp: { ...summary.udp!, swept: 15, requests: 18, refused: 0, unmatched: 1 } }, '/tmp/x.sqlite');
  assert.match(swept, /0 closed, of the ports grabbed: a sweep cannot see a closed one, 0 failed, 1 answered something else\); 18 requests \(15 swept\)/);
});
