/** Conformance of FeedImportStore: the log, newest first, with its cap on skipped reasons. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FEED_IMPORT_SKIPPED_KEPT, type FeedImportStore } from '../../src/store/roles/feed-imports.ts';
import { type OpenStore, withStore } from './harness.ts';

/**
 * Registers the FeedImportStore tests.
 * @example describe('SQLite', () => feedImportStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function feedImportStoreConformance(open: OpenStore<FeedImportStore>): void {
  describe('FeedImportStore', () => {
    test('the feed import log lists newest first, filters by format and keeps the first skipped reasons', () =>
      withStore(open, async (store) => {
        const skipped = Array.from({ length: 1500 }, (_, i) => ({ id: `CVE-2020-${1000 + i}`, reason: 'test' }));
        const firstId = await store.recordFeedImport(
          { file: 'a.json', format: 'nvd', read: 1, inserted: 1, updated: 0, unchanged: 0, skipped: [] },
          { startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:00:01Z' },
        );
        const latestId = await store.recordFeedImport(
          { file: 'https://nvd', format: 'nvd-api', read: 1600, inserted: 0, updated: 0, unchanged: 100, skipped, through: '2024-02-01T00:00:00.000Z' },
          { startedAt: '2024-02-01T00:00:00Z', finishedAt: '2024-02-01T00:00:01Z' },
        );
        assert.notEqual(firstId, latestId);

        const [latest, first] = await store.listFeedImports();
        assert.equal(latest!.id, latestId);
        assert.equal(latest!.format, 'nvd-api');
        assert.equal(latest!.through, '2024-02-01T00:00:00.000Z');
        assert.equal(latest!.read, 1600);
        assert.equal(latest!.unchanged, 100);
        assert.equal(latest!.skippedCount, 1500);
        assert.equal(FEED_IMPORT_SKIPPED_KEPT, 1000);
        assert.equal(latest!.skipped.length, 1000, 'the log keeps the first 1000 reasons');
        assert.deepEqual(latest!.skipped[0], { id: 'CVE-2020-1000', reason: 'test' });
        assert.deepEqual(
          [first!.id, first!.file, first!.inserted, first!.startedAt, first!.finishedAt, first!.through, first!.skipped],
          [firstId, 'a.json', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', undefined, []],
        );
        assert.equal((await store.listFeedImports({ format: 'nvd-api', limit: 1 })).length, 1);
        assert.deepEqual(
          (await store.listFeedImports({ limit: 1 })).map((row) => row.id),
          [latestId],
        );
        assert.deepEqual(
          (await store.listFeedImports({ format: 'nvd' })).map((row) => row.file),
          ['a.json'],
        );
        assert.deepEqual(await store.listFeedImports({ format: 'kev-url' }), []);
      }));
  });
}
