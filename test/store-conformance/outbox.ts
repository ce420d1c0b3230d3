/** Conformance of OutboxStore: deliveries queued with their report become due, back off and settle. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OutboxStore } from '../../src/store/roles/outbox.ts';
import type { ReportStore } from '../../src/store/roles/reports.ts';
import { reportInput } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const delivery = (key: string, destination = 'abuse@alpha.example') => ({
  channel: 'smtp' as const,
  destination,
  idempotencyKey: key,
  payload: `{"key":"${key}"}`,
});

/**
 * Registers the OutboxStore tests (entries are queued through ReportStore.createReport).
 * @example describe('SQLite', () => outboxStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function outboxStoreConformance(open: OpenStore<OutboxStore & ReportStore>): void {
  describe('OutboxStore', () => {
    test('an entry is due from its report’s creation; a retry backs off; delivery settles it', () =>
      withStore(open, async (store) => {
        const { reportId } = await store.createReport(reportInput('alpha', '2026-02-02T00:00:00.000Z', [], { outbox: [delivery('alpha/2026-02-02/smtp')] }));
        assert.equal((await store.dueOutbox('2026-02-01T23:59:59.000Z', 10)).length, 0, 'not due before the report exists');
        const [due] = await store.dueOutbox('2026-02-02T00:00:00.000Z', 10);
        assert.deepEqual(due, {
          id: due!.id,
          reportId,
          channel: 'smtp',
          destination: 'abuse@alpha.example',
          idempotencyKey: 'alpha/2026-02-02/smtp',
          payload: '{"key":"alpha/2026-02-02/smtp"}',
          status: 'pending',
          attempts: 0,
          nextAttemptAt: '2026-02-02T00:00:00.000Z',
        });
        await store.settleOutbox({
          id: due!.id,
          at: '2026-02-02T00:00:01.000Z',
          status: 'pending',
          nextAttemptAt: '2026-02-02T00:01:00.000Z',
          error: '451 try later',
          detail: '451 4.7.1',
        });
        assert.equal((await store.dueOutbox('2026-02-02T00:00:30.000Z', 10)).length, 0, 'backed off');
        const [retrying] = await store.listOutbox({ status: 'pending' });
        assert.deepEqual(
          [retrying!.attempts, retrying!.lastAttemptAt, retrying!.lastError, retrying!.nextAttemptAt],
          [1, '2026-02-02T00:00:01.000Z', '451 try later', '2026-02-02T00:01:00.000Z'],
        );
        await store.settleOutbox({ id: due!.id, at: '2026-02-02T00:01:00.000Z', status: 'delivered', detail: '250 queued' });
        const [settled] = await store.listOutbox();
        assert.deepEqual(
          [settled!.status, settled!.attempts, settled!.deliveredAt, settled!.detail],
          ['delivered', 2, '2026-02-02T00:01:00.000Z', '250 queued'],
        );
        assert.equal(settled!.lastError, undefined, 'a successful attempt clears the error');
        assert.equal(settled!.nextAttemptAt, '2026-02-02T00:01:00.000Z', 'kept when not given');
        assert.deepEqual(await store.dueOutbox('2026-03-01T00:00:00.000Z', 10), [], 'delivered entries are never due again');
        assert.deepEqual(await store.listOutbox({ status: 'pending' }), []);
      }));

    test('due entries come soonest first, at most `limit`; failed ones are never due; listing filters by status', () =>
      withStore(open, async (store) => {
        await store.createReport(reportInput('alpha', '2026-02-03T00:00:00.000Z', [], { outbox: [delivery('late-1'), delivery('late-2')] }));
        await store.createReport(reportInput('beta', '2026-02-02T00:00:00.000Z', [], { outbox: [delivery('early', 'abuse@beta.example')] }));
        const due = await store.dueOutbox('2026-02-04T00:00:00.000Z', 2);
        assert.deepEqual(
          due.map((entry) => entry.idempotencyKey),
          ['early', 'late-1'],
        );
        await store.settleOutbox({ id: due[0]!.id, at: '2026-02-04T00:00:00.000Z', status: 'failed', error: '550 no such user' });
        assert.deepEqual(
          (await store.dueOutbox('2026-02-05T00:00:00.000Z', 10)).map((entry) => entry.idempotencyKey),
          ['late-1', 'late-2'],
        );
        const [failed] = await store.listOutbox({ status: 'failed' });
        assert.deepEqual([failed!.idempotencyKey, failed!.attempts, failed!.lastError, failed!.deliveredAt], ['early', 1, '550 no such user', undefined]);
        assert.deepEqual(
          (await store.listOutbox()).map((entry) => entry.idempotencyKey),
          ['late-1', 'late-2', 'early'],
          'by id',
        );
      }));
  });
}
