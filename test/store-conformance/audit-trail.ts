/** Conformance of AuditTrailStore: the chain is appended under the write lock, read in order, checkpoints kept as written. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { linkRecords } from '../../src/audit/chain.ts';
import type { AuditEvent } from '../../src/audit/events.ts';
import { pagedRecords, verifyChain } from '../../src/audit/verify-chain.ts';
import type { AuditTrailStore } from '../../src/store/roles/audit-trail.ts';
import { type OpenStore, withStore } from './harness.ts';

/** A credential attempt event, distinct per `n`. */
export function attemptEvent(n: number): AuditEvent {
  return {
    kind: 'credential-attempt',
    runId: 1,
    planSha256: 'cd'.repeat(32),
    ip: `192.0.2.${n}`,
    port: 23,
    protocol: 'telnet',
    dictionaryEntryId: `on-${String(n).padStart(3, '0')}`,
    username: 'admin',
    outcome: 'rejected',
    attemptedAt: '2026-12-07T00:00:00.000Z',
  };
}

const events = (from: number, count: number) => Array.from({ length: count }, (_, index) => attemptEvent(from + index));

/**
 * Registers the AuditTrailStore tests.
 * @example describe('SQLite', () => auditTrailStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function auditTrailStoreConformance(open: OpenStore<AuditTrailStore>): void {
  describe('AuditTrailStore', () => {
    test('records are appended after the last one and read back in order, byte for byte, a page at a time', () =>
      withStore(open, async (store) => {
        assert.equal(await store.lastAuditRecord(), undefined);
        const seen: Array<number | undefined> = [];
        const first = await store.appendAuditRecords((last) => {
          seen.push(last?.sequence);
          return linkRecords(last, events(1, 3), '2026-12-07T00:00:01.000Z');
        });
        await store.appendAuditRecords((last) => {
          seen.push(last?.sequence);
          return linkRecords(last, events(4, 2), '2026-12-07T00:00:02.000Z');
        });
        assert.deepEqual(seen, [undefined, 3], 'link is handed the chain’s last record');
        assert.deepEqual(
          first.map((row) => row.sequence),
          [1, 2, 3],
        );
        const page = await store.listAuditRecords({ afterSequence: 0, limit: 2 });
        assert.deepEqual(page, first.slice(0, 2), 'stored exactly as linked');
        assert.deepEqual(
          (await store.listAuditRecords({ afterSequence: 2, limit: 10 })).map((row) => row.sequence),
          [3, 4, 5],
        );
        assert.equal((await store.lastAuditRecord())?.sequence, 5);
        const verified = await verifyChain(
          pagedRecords((request) => store.listAuditRecords(request), 2),
          [],
        );
        assert.equal(verified.broken, undefined);
        assert.equal(verified.records, 5);
      }));

    test('appends made at the same time chain one after another', () =>
      withStore(open, async (store) => {
        await Promise.all(
          Array.from({ length: 8 }, (_, batch) => store.appendAuditRecords((last) => linkRecords(last, events(batch * 3 + 1, 3), '2026-12-07T00:00:00.000Z'))),
        );
        const verified = await verifyChain(
          pagedRecords((request) => store.listAuditRecords(request)),
          [],
        );
        assert.equal(verified.broken, undefined, verified.broken?.explanation);
        assert.equal(verified.records, 24);
      }));

    test('a link that fails appends nothing', () =>
      withStore(open, async (store) => {
        await store.appendAuditRecords((last) => linkRecords(last, events(1, 1), '2026-12-07T00:00:00.000Z'));
        await assert.rejects(
          store.appendAuditRecords(() => {
            throw new Error('no');
          }),
        );
        await assert.rejects(store.appendAuditRecords((last) => [...linkRecords(last, events(2, 1), 'x'), ...linkRecords(undefined, events(3, 1), 'x')]));
        assert.deepEqual(
          (await store.listAuditRecords({ afterSequence: 0, limit: 10 })).map((row) => row.sequence),
          [1],
          'a batch that reuses a sequence number is refused whole',
        );
      }));

    test('checkpoints are kept in the order written; an unsigned one has no key and no signature', () =>
      withStore(open, async (store) => {
        const signed = { sequence: 5, hash: 'ab'.repeat(32), createdAt: '2026-12-07T00:00:00.000Z', keyId: 'ef'.repeat(32), signature: `${'A'.repeat(86)}==` };
        const unsigned = { sequence: 2, hash: 'cd'.repeat(32), createdAt: '2026-12-07T00:00:01.000Z' };
        await store.recordAuditCheckpoint(signed);
        await store.recordAuditCheckpoint(unsigned);
        assert.deepEqual(await store.listAuditCheckpoints(), [signed, unsigned]);
      }));
  });
}
