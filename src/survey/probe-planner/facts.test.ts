import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceObservation } from '../../core/records.ts';
import { shippedProtocols } from '../../protocols/registry.ts';
import { openStore } from '../../store/open-store.ts';
import { loadProbeFacts } from './facts.ts';

test('the planner reads its facts from a real store: TCP services with their rounds, device classes, findings with their closing', async () => {
  const store = await openStore(':memory:');
  try {
    const round = (startedAt: string) => store.startRun({ startedAt, scope: ['127.153.9.0/24'], exclude: [], ports: [23, 80], checks: ['discovery'] });
    const service = (ip: string, port: number, protocol: string, observedAt: string): ServiceObservation => ({
      ip,
      port,
      protocol,
      status: 'success',
      result: {},
      durationMs: 1,
      observedAt,
    });
    const first = await round('2026-11-01T00:00:00Z');
    await store.recordServices(first, [
      service('127.153.9.5', 23, 'telnet', '2026-11-01T00:00:00Z'),
      service('127.153.9.5', 80, 'http', '2026-11-01T00:00:00Z'),
      // UDP: queried by the UDP stage, never dialed by the connect scan, so not the planner's.
      service('127.153.9.5', 161, 'snmp', '2026-11-01T00:00:00Z'),
    ]);
    await store.recordDevices(first, [{ ip: '127.153.9.5', identity: { deviceType: 'router', confidence: 0.9, evidence: [] } }]);
    const weak = { kind: 'weak-credential' as const, ip: '127.153.9.5', port: 23, protocol: 'telnet', evidence: {}, observedAt: '2026-11-01T00:00:00Z' };
    await store.reconcileFindings(first, { found: [weak], covered: [{ ip: weak.ip, port: 23, protocol: 'telnet', kind: weak.kind }] });

    const second = await round('2026-11-08T00:00:00Z');
    await store.recordServices(second, [service('127.153.9.5', 80, 'http', '2026-11-08T00:00:00Z')]);
    await store.reconcileFindings(second, { found: [], covered: [{ ip: weak.ip, port: 23, protocol: 'telnet', kind: weak.kind }] });

    const facts = await loadProbeFacts(store, shippedProtocols);
    assert.deepEqual(facts.rounds, [first, second]);
    assert.deepEqual(
      facts.services.map((known) => [known.ip, known.port, known.firstRunId, known.lastRunId]),
      [
        ['127.153.9.5', 23, first, first],
        ['127.153.9.5', 80, first, second],
      ],
    );
    assert.equal(facts.devices.get('127.153.9.5'), 'router');
    assert.deepEqual(facts.findings, [{ ip: '127.153.9.5', port: 23, status: 'closed', firstRunId: first, lastRunId: first, closedRunId: second }]);
  } finally {
    await store.close();
  }
});
