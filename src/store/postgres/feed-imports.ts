/** The feed import log in PostgreSQL (table `feed_imports`). */
import { FEED_IMPORT_SKIPPED_KEPT, type FeedImportRow, type FeedImportStore } from '../roles/feed-imports.ts';
import type { PostgresContext } from './database.ts';
import type { PgRow } from './rows.ts';

function toFeedImportRow(row: PgRow): FeedImportRow {
  const entry: FeedImportRow = {
    id: row.id as number,
    file: row.file as string,
    format: row.format as string,
    startedAt: row.started_at as string,
    finishedAt: row.finished_at as string,
    read: row.read as number,
    inserted: row.inserted as number,
    updated: row.updated as number,
    unchanged: row.unchanged as number,
    skippedCount: row.skipped_count as number,
    skipped: JSON.parse(row.skipped as string),
  };
  if (row.through !== null) entry.through = row.through as string;
  return entry;
}

/** @example await postgresFeedImportStore(context).listFeedImports({ format: 'nvd-api', limit: 1 }) */
export function postgresFeedImportStore({ use }: PostgresContext): FeedImportStore {
  return {
    // Appends one import to the log (skipped reasons capped at FEED_IMPORT_SKIPPED_KEPT).
    recordFeedImport: (report, times) =>
      use('recordFeedImport', async (db) => {
        const result = await db.query<{ id: number }>(
          `INSERT INTO feed_imports (file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [
            report.file,
            report.format,
            times.startedAt,
            times.finishedAt,
            report.read,
            report.inserted,
            report.updated,
            report.unchanged,
            report.skipped.length,
            JSON.stringify(report.skipped.slice(0, FEED_IMPORT_SKIPPED_KEPT)),
            report.through ?? null,
          ],
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
        return result.rows.map(toFeedImportRow);
      }),
  };
}
