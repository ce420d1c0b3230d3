import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../open-store.ts';
import type { IspRecord } from '../repository.ts';

const isp = (id: string, asns: number[]): IspRecord => ({
  id,
  name: `${id} Networks`,
  asns,
  prefixes: [],
  contacts: { abuseEmail: `abuse@${id}.example`, portalUsers: [] },
  preferences: { format: 'csv', cadence: 'daily', language: 'ja' },
  managesCustomerDevices: id === 'beta',
});

test('notification store: ISPs, attributions, idempotent reports with outbox entries, settling, feedback', async () => {
  const store = await openStore(':memory:');
  try {
    await store.upsertIsps([isp('alpha', [64500]), isp('beta', [64501])]);
    await store.upsertIsps([{ ...isp('alpha', [64500, 64502]), name: 'Alpha Renamed' }]);
    const isps = await store.listIsps();
    assert.deepEqual(
      isps.map((row) => [row.id, row.name, row.asns, row.managesCustomerDevices]),
      [
        ['alpha', 'Alpha Renamed', [64500, 64502], false],
        ['beta', 'beta Networks', [64501], true],
      ],
    );

    const run = await store.startRun({ startedAt: '2026-02-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.reconcileFindings(run, {
      covered: [],
      found: ['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((ip) => ({
        kind: 'weak-credential' as const,
        ip,
        port: 23,
        protocol: 'telnet',
        dictionaryEntryId: 'on-001',
        evidence: {},
        observedAt: '2026-02-01T00:01:00.000Z',
      })),
    });
    const [one, two, three] = await store.listFindings();
    await store.recordAttributions([
      { findingId: one!.id, attribution: { prefix: '192.0.2.0/25', asn: 64500, ispId: 'alpha', source: 'registry' } },
      { findingId: two!.id, attribution: { prefix: '192.0.2.0/25', asn: 64500, ispId: 'alpha', source: 'registry' } },
    ]);
    const alpha = await store.listNotifiableFindings({ ispId: 'alpha', status: 'open' });
    assert.deepEqual(
      alpha.map((row) => [row.ip, row.attribution.ispName, row.attribution.asn]),
      [
        ['192.0.2.1', 'Alpha Renamed', 64500],
        ['192.0.2.2', 'Alpha Renamed', 64500],
      ],
    );
    const pending = await store.listNotifiableFindings({ unattributed: true });
    assert.deepEqual(
      pending.map((row) => [row.ip, row.attribution.source]),
      [['192.0.2.3', 'none']],
    );
    assert.equal(three!.ip, '192.0.2.3');

    const input = {
      ispId: 'alpha',
      audience: 'isp' as const,
      createdAt: '2026-02-02T00:00:00.000Z',
      periodEnd: '2026-02-02T00:00:00.000Z',
      idempotencyKey: 'alpha/2026-02-02',
      findingIds: [one!.id, two!.id],
      summary: { 'weak-credential': 2 },
      outbox: [{ channel: 'smtp' as const, destination: 'abuse@alpha.example', idempotencyKey: 'alpha/2026-02-02/smtp', payload: '{}' }],
    };
    const first = await store.createReport(input);
    const again = await store.createReport(input);
    assert.deepEqual(again, { reportId: first.reportId, created: false }, 'the same key makes no second report');
    assert.equal((await store.listReports()).length, 1);
    assert.deepEqual(await store.reportFindingIds(first.reportId), [one!.id, two!.id]);
    assert.deepEqual((await store.notificationTimes({ ispId: 'alpha' })).get(one!.id), {
      first: '2026-02-02T00:00:00.000Z',
      last: '2026-02-02T00:00:00.000Z',
      reports: 1,
    });
    assert.equal((await store.notificationTimes({ ispId: 'beta' })).size, 0, 'scoped to the ISP');

    assert.equal((await store.dueOutbox('2026-02-01T23:59:59.000Z', 10)).length, 0, 'not due before the report exists');
    const [due] = await store.dueOutbox('2026-02-02T00:00:00.000Z', 10);
    await store.settleOutbox({
      id: due!.id,
      at: '2026-02-02T00:00:01.000Z',
      status: 'pending',
      nextAttemptAt: '2026-02-02T00:01:00.000Z',
      error: '451 try later',
    });
    assert.equal((await store.dueOutbox('2026-02-02T00:00:30.000Z', 10)).length, 0, 'backed off');
    await store.settleOutbox({ id: due!.id, at: '2026-02-02T00:01:00.000Z', status: 'delivered', detail: '250 queued' });
    const [settled] = await store.listOutbox();
    assert.deepEqual([settled!.status, settled!.attempts, settled!.deliveredAt, settled!.detail], ['delivered', 2, '2026-02-02T00:01:00.000Z', '250 queued']);

    await store.recordFeedback({ findingId: one!.id, ispId: 'alpha', action: 'subscriber-contacted', note: 'called', at: '2026-02-03T00:00:00.000Z' });
    assert.deepEqual(
      (await store.listFeedback({ ispId: 'alpha' })).map((row) => row.action),
      ['subscriber-contacted'],
    );
  } finally {
    await store.close();
  }
});
