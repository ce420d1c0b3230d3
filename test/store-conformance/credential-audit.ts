/** Conformance of CredentialAuditStore: every attempt is kept under its run and plan. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CredentialAttempt } from '../../src/core/records.ts';
import type { CredentialAuditStore } from '../../src/store/roles/credential-audit.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { runAt } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const attempt = (dictionaryEntryId: string, outcome: CredentialAttempt['outcome']): CredentialAttempt => ({
  ip: '192.0.2.10',
  port: 23,
  protocol: 'telnet',
  dictionaryEntryId,
  username: 'admin',
  outcome,
  attemptedAt: '2025-01-01T00:00:10.000Z',
});

/**
 * Registers the CredentialAuditStore tests (RunStore makes the runs, with and without a plan).
 * @example describe('SQLite', () => credentialAuditStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function credentialAuditStoreConformance(open: OpenStore<CredentialAuditStore & RunStore>): void {
  describe('CredentialAuditStore', () => {
    test('every credential attempt is audited against the run and its survey plan', () =>
      withStore(open, async (store) => {
        const plan = { file: 'plan.yaml', sha256: 'cd'.repeat(32), operator: 'NOC <noc@example.net>, Example ISP' };
        const withPlan = await store.startRun(runAt('2025-01-01T00:00:00.000Z', { plan }));
        const lab = await store.startRun(runAt('2025-01-01T00:00:00.000Z', { scope: ['127.1.0.0/24'] }));
        await store.recordAttempts(withPlan, [attempt('on-001', 'rejected'), attempt('on-003', 'accepted')]);
        await store.recordAttempts(lab, [{ ...attempt('on-001', 'error'), detail: 'connection reset' }]);

        const audited = await store.listAttempts(withPlan);
        assert.deepEqual(
          audited.map((a) => [a.dictionaryEntryId, a.outcome]),
          [
            ['on-001', 'rejected'],
            ['on-003', 'accepted'],
          ],
        );
        assert.ok(audited.every((a) => a.runId === withPlan && a.plan?.sha256 === plan.sha256 && a.plan.operator === plan.operator));
        assert.deepEqual(audited[0]!.plan, plan);
        const labAttempts = await store.listAttempts(lab);
        assert.equal(labAttempts.length, 1);
        assert.equal(labAttempts[0]!.plan, undefined);
        assert.equal(labAttempts[0]!.detail, 'connection reset');
        assert.equal(labAttempts[0]!.username, 'admin');
        const [first, second] = audited;
        assert.deepEqual(
          (await store.listAttempts(withPlan, { afterId: 0, limit: 1 })).map((a) => a.id),
          [first!.id],
          'a page: the first attempt',
        );
        assert.deepEqual(
          (await store.listAttempts(withPlan, { afterId: first!.id, limit: 5 })).map((a) => a.id),
          [second!.id],
          'the next page: the rest of this run only',
        );
        await assert.rejects(store.recordAttempts(12345, [attempt('on-001', 'rejected')]), { code: 'STORE_FAILED' }, 'an attempt must belong to a run');
        assert.deepEqual(await store.listAttempts(12345), []);
      }));
  });
}
