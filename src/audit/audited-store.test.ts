import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliverDue, encodeMessage } from '../notify/outbox.ts';
import { createFileDropTransport } from '../notify/transports/file-drop.ts';
import { openStore } from '../store/open-store.ts';
import { auditedStore } from './audited-store.ts';
import type { AuditRecord } from './events.ts';
import { createAuditTrail } from './trail.ts';
import { pagedRecords, verifyChain } from './verify-chain.ts';

const message = (to: string, idempotencyKey: string) =>
  encodeMessage({
    idempotencyKey,
    from: 'survey@example.net',
    to: [to],
    subject: 'Vulnerable devices on your network',
    text: 'Confidential body: subscriber 192.0.2.77 runs a camera with admin/admin.',
    attachments: [],
  });

test('delivered notices and operator decisions are recorded once each, without message bodies; closing the store checkpoints the chain', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-audited-'));
  const db = join(directory, 'store.sqlite');
  try {
    const raw = await openStore(db);
    const store = auditedStore(raw, createAuditTrail({ store: raw }));
    try {
      await store.createReport({
        ispId: 'isp-1',
        audience: 'isp',
        createdAt: '2026-12-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        idempotencyKey: 'report-1',
        findingIds: [],
        summary: {},
        outbox: [
          { channel: 'file', destination: 'abuse@isp.example', idempotencyKey: 'key-delivered', payload: message('abuse@isp.example', 'key-delivered') },
          { channel: 'file', destination: 'noc@other.example', idempotencyKey: 'key-refused', payload: message('noc@other.example', 'key-refused') },
        ],
      });
      await deliverDue({
        store,
        transportFor: (entry) =>
          entry.idempotencyKey === 'key-refused'
            ? { name: 'file', send: async () => ({ status: 'permanent-failure', detail: 'refused' }) }
            : createFileDropTransport({ directory: join(directory, 'drop') }),
      });
      const optOutId = await store.createOptOutRequest({
        cidrs: ['198.51.100.0/28'],
        contact: 'noc@example.org',
        reason: 'our range',
        requestedAt: '2026-12-01T00:00:00.000Z',
        requesterAddress: '198.51.100.1',
      });
      await store.decideOptOutRequest(optOutId, { status: 'approved', at: '2026-12-02T00:00:00.000Z', by: 'ops' });
      await store.decideOptOutRequest(optOutId, { status: 'rejected', at: '2026-12-03T00:00:00.000Z', by: 'someone else' });
      await store.saveCncCandidates(
        [
          {
            endpointKind: 'ip',
            endpoint: '203.0.113.9',
            port: 443,
            protocol: 6,
            botsContacting: 12,
            benignContacting: 1,
            fanIn: 13,
            firstSeen: '2026-11-02T00:00:00.000Z',
            lastSeen: '2026-11-02T06:00:00.000Z',
            feedsMatched: [],
            confidence: 0.9,
            evidence: 'contacted by 12 known bots.',
          },
        ],
        '2026-12-01T00:00:00.000Z',
      );
      const [candidate] = await store.listCncCandidates();
      await store.decideCncCandidate(candidate!.id, { status: 'approved', at: '2026-12-04T00:00:00.000Z', by: 'analyst' });
    } finally {
      await store.close();
    }

    const check = await openStore(db);
    try {
      const rows = await check.listAuditRecords({ afterSequence: 0, limit: 100 });
      const records = rows.map((row) => JSON.parse(row.record) as AuditRecord);
      assert.deepEqual(
        records.map(({ sequence: _sequence, recordedAt: _recordedAt, ...event }) => event),
        [
          {
            kind: 'notification-sent',
            outboxId: 1,
            reportId: 1,
            channel: 'file',
            recipient: 'abuse@isp.example',
            idempotencyKey: 'key-delivered',
            deliveredAt: records[0]!.kind === 'notification-sent' ? records[0]!.deliveredAt : '',
          },
          { kind: 'opt-out-decided', requestId: 1, decision: 'approved', decidedBy: 'ops', decidedAt: '2026-12-02T00:00:00.000Z', cidrs: ['198.51.100.0/28'] },
          {
            kind: 'cnc-candidate-decided',
            candidateId: 1,
            decision: 'approved',
            decidedBy: 'analyst',
            decidedAt: '2026-12-04T00:00:00.000Z',
            endpoint: '203.0.113.9',
            port: 443,
          },
        ],
        'the refused delivery and the second (ignored) decision are not recorded',
      );
      assert.ok(!rows.some((row) => row.record.includes('Confidential body')), 'no message body in the trail');
      const checkpoints = await check.listAuditCheckpoints();
      assert.deepEqual(
        checkpoints.map((checkpoint) => [checkpoint.sequence, checkpoint.signature]),
        [[3, undefined]],
        'closing the store wrote one unsigned checkpoint (no key configured)',
      );
      assert.equal(
        (
          await verifyChain(
            pagedRecords((page) => check.listAuditRecords(page)),
            checkpoints,
          )
        ).broken,
        undefined,
      );
    } finally {
      await check.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
