/** Conformance of FeedbackStore: ISP feedback is appended and filtered. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FeedbackStore } from '../../src/store/roles/feedback.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { openFindings } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the FeedbackStore tests (the findings it is about come through RunStore and FindingStore).
 * @example describe('SQLite', () => feedbackStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function feedbackStoreConformance(open: OpenStore<FeedbackStore & FindingStore & RunStore>): void {
  describe('FeedbackStore', () => {
    test('feedback is kept as given and listed oldest first, filtered by finding, ISP and action', () =>
      withStore(open, async (store) => {
        const [one, two] = await openFindings(store, ['192.0.2.1', '192.0.2.2']);
        const first = await store.recordFeedback({
          findingId: one!,
          ispId: 'alpha',
          action: 'subscriber-contacted',
          note: 'called',
          author: 'noc@alpha',
          at: '2026-02-03T00:00:00.000Z',
        });
        const second = await store.recordFeedback({ findingId: two!, ispId: 'alpha', action: 'handled', at: '2026-02-04T00:00:00.000Z' });
        const third = await store.recordFeedback({ findingId: one!, ispId: 'beta', action: 'false-positive', at: '2026-02-05T00:00:00.000Z' });
        assert.deepEqual(
          (await store.listFeedback({ ispId: 'alpha' })).map((row) => row.action),
          ['subscriber-contacted', 'handled'],
        );
        assert.deepEqual((await store.listFeedback({ findingId: one!, ispId: 'alpha' }))[0], {
          id: first,
          findingId: one,
          ispId: 'alpha',
          action: 'subscriber-contacted',
          note: 'called',
          author: 'noc@alpha',
          at: '2026-02-03T00:00:00.000Z',
        });
        assert.deepEqual(
          (await store.listFeedback()).map((row) => row.id),
          [first, second, third],
        );
        assert.deepEqual(
          (await store.listFeedback({ findingId: one! })).map((row) => row.id),
          [first, third],
        );
        assert.deepEqual(
          (await store.listFeedback({ action: 'handled' })).map((row) => [row.id, row.note, row.author]),
          [[second, undefined, undefined]],
        );
        assert.deepEqual(await store.listFeedback({ ispId: 'gamma' }), []);
      }));
  });
}
