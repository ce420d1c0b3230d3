/** The feed import log in SQLite (table `feed_imports`). */
import type { DatabaseSync } from 'node:sqlite';
import type { FeedImportFilter, FeedImportReport, FeedImportRow, FeedImportStore } from '../roles/feed-imports.ts';
import { feedImportColumnValues, feedImportFromRow } from '../row-mapping.ts';
import type { SqliteContext } from './database.ts';
import type { SqlRow } from './rows.ts';

/** @example await sqliteFeedImportStore(context).listFeedImports({ format: 'nvd-api', limit: 1 }) */
export function sqliteFeedImportStore({ db, use }: SqliteContext): FeedImportStore {
  return {
    recordFeedImport: (report, times) => use('recordFeedImport', () => insertFeedImport(db, report, times)),
    listFeedImports: (filter) => use('listFeedImports', () => listFeedImportRows(db, filter)),
  };
}

/**
 * Append one import to the log (skipped reasons capped at FEED_IMPORT_SKIPPED_KEPT).
 * @example insertFeedImport(db, report, { startedAt, finishedAt })
 */
function insertFeedImport(db: DatabaseSync, report: FeedImportReport, times: { startedAt: string; finishedAt: string }): number {
  const result = db
    .prepare(`INSERT INTO feed_imports (file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(...feedImportColumnValues(report, times));
  return Number(result.lastInsertRowid);
}

/**
 * The import log, newest first.
 * @example listFeedImportRows(db, { format: 'nvd-api', limit: 1 })[0]?.through
 */
function listFeedImportRows(db: DatabaseSync, filter: FeedImportFilter = {}): FeedImportRow[] {
  const where = filter.format !== undefined ? 'WHERE format = ?' : '';
  const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
  const rows = db
    .prepare(`SELECT id, file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through
      FROM feed_imports ${where} ORDER BY id DESC ${limit}`)
    .all(...(filter.format !== undefined ? [filter.format] : [])) as SqlRow[];
  return rows.map(feedImportFromRow);
}
