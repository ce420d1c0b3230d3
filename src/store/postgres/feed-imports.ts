/** The feed import log in PostgreSQL (table `feed_imports`). */
import type { FeedImportStore } from '../roles/feed-imports.ts';
import type { PostgresContext } from './database.ts';
import { feedImportColumnValues, feedImportFromRow } from '../row-mapping.ts';

/** @example await postgresFeedImportStore(context).listFeedImports({ format: 'nvd-api', limit: 1 }) */
export function postgresFeedImportStore({ use }: PostgresContext): FeedImportStore {
  return {
    // Appends one import to the log (skipped reasons capped at FEED_IMPORT_SKIPPED_KEPT).
    recordFeedImport: (report, times) =>
      use('recordFeedImport', async (db) => {
        const result = await db.query<{ id: number }>(
          `INSERT INTO feed_imports (file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          feedImportColumnValues(report, times),
        );
        return Number(result.rows[0]?.id);
      }),

    // The import log, newest first.
    listFeedImports: (filter = {}) =>
      use('listFeedImports', async (db) => {
        const values: unknown[] = [];
        if (filter.format !== undefined) values.push(filter.format);
        if (filter.limit !== undefined) values.push(Math.max(0, Math.floor(filter.limit)));
        const result = await db.query(
          `SELECT id, file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through
            FROM feed_imports ${filter.format !== undefined ? 'WHERE format = $1' : ''} ORDER BY id DESC
            ${filter.limit !== undefined ? `LIMIT $${values.length}` : ''}`,
          values,
        );
        return result.rows.map(feedImportFromRow);
      }),
  };
}
