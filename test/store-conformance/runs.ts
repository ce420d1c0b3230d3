/** Conformance of RunStore: what a run keeps, unknown runs, and a closed store. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { runAt } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the RunStore tests (node:test) for one implementation.
 * @example describe('SQLite', () => runStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function runStoreConformance(open: OpenStore<RunStore>): void {
  describe('RunStore', () => {
    test('runs keep what they were started and finished with', () =>
      withStore(open, async (store) => {
        const plan = { file: 'plans/isp.yaml', sha256: 'ab'.repeat(32), operator: 'Jane Doe <jane@example.net>, Example ISP' };
        const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z', { plan }));
        assert.equal((await store.getRun(runId))?.status, 'running');
        await store.finishRun(runId, { finishedAt: '2025-01-01T01:00:00.000Z', status: 'completed', counts: { services: 2 } });
        const run = await store.getRun(runId);
        assert.deepEqual(run, {
          id: runId,
          startedAt: '2025-01-01T00:00:00.000Z',
          finishedAt: '2025-01-01T01:00:00.000Z',
          status: 'completed',
          seed: 42,
          scope: ['192.0.2.0/24'],
          exclude: ['192.0.2.128/25'],
          ports: [23, 80],
          checks: ['discovery', 'identify', 'credentials'],
          plan,
          counts: { services: 2 },
        });
        assert.equal(await store.getRun(runId + 1), undefined);
        await assert.rejects(store.finishRun(999, { finishedAt: 'x', status: 'failed', counts: {} }), { code: 'STORE_FAILED' });
      }));

    test('a resumed run is running again, without a finish time, and the run as it was is returned', () =>
      withStore(open, async (store) => {
        const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
        await store.finishRun(runId, { finishedAt: '2025-01-01T01:00:00.000Z', status: 'interrupted', counts: { hosts: 3 } });
        const before = await store.resumeRun(runId, { resumedAt: '2025-01-02T00:00:00.000Z' });
        assert.deepEqual([before.status, before.finishedAt, before.counts], ['interrupted', '2025-01-01T01:00:00.000Z', { hosts: 3 }]);
        const after = await store.getRun(runId);
        assert.deepEqual([after?.status, after?.finishedAt, after?.startedAt], ['running', undefined, '2025-01-01T00:00:00.000Z']);
        await assert.rejects(store.resumeRun(runId + 1, { resumedAt: '2025-01-02T00:00:00.000Z' }), { code: 'STORE_FAILED' });
      }));

    test('a run without seed or plan has neither; runs are listed oldest first', () =>
      withStore(open, async (store) => {
        const first = await store.startRun({ startedAt: '2025-01-01T00:00:00.000Z', scope: [], exclude: [], ports: [], checks: ['darknet'] });
        const second = await store.startRun(runAt('2025-01-02T00:00:00.000Z', { seed: 'lab-7' }));
        assert.deepEqual(await store.getRun(first), {
          id: first,
          startedAt: '2025-01-01T00:00:00.000Z',
          status: 'running',
          scope: [],
          exclude: [],
          ports: [],
          checks: ['darknet'],
          counts: {},
        });
        assert.deepEqual(
          (await store.listRuns()).map((run) => [run.id, run.seed]),
          [
            [first, undefined],
            [second, 'lab-7'],
          ],
        );
      }));

    test('a closed store refuses every call with STORE_FAILED, and closing twice is harmless', async () => {
      const store = await open();
      await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
      await store.close();
      await assert.rejects(store.listRuns(), /closed/);
      await assert.rejects(store.getRun(1), { code: 'STORE_FAILED' });
      await store.close();
    });
  });
}
