/**
 * The feed import log: one row per feed file imported or online update made, with what it
 * read, changed and skipped. `feeds update` resumes NVD where the last update stopped.
 */
import type { UpsertCounts } from './vulnerabilities.ts';

/** A record a feed import left out, and why. */
export interface SkippedFeedRecord {
  /** CVE or JVNDB id when known. */
  id?: string;
  reason: string;
}

/** The report of one feed import (a file, or one online update of a feed). */
export interface FeedImportReport extends UpsertCounts {
  /** File path, or URL for an online update. */
  file: string;
  /** nvd | cve5 | kev | jvn for files; nvd-api | kev-url for online updates. */
  format: string;
  /** Records read from the input (before skipping). */
  read: number;
  skipped: SkippedFeedRecord[];
  /** NVD online updates: the lastModEndDate covered; the next update starts there. */
  through?: string;
}

/** A feed import as logged in the store. */
export interface FeedImportRow extends Omit<FeedImportReport, 'skipped'> {
  id: number;
  startedAt: string;
  finishedAt: string;
  skippedCount: number;
  /** The first skipped records (the log keeps at most FEED_IMPORT_SKIPPED_KEPT). */
  skipped: SkippedFeedRecord[];
}

/** How many skipped-record reasons the import log keeps per import (the count is exact). */
export const FEED_IMPORT_SKIPPED_KEPT = 1000;

export interface FeedImportFilter {
  /** e.g. 'nvd-api', to find where the last update stopped. */
  format?: string;
  limit?: number;
}

/**
 * Appending to and reading the feed import log.
 * @example const since = (await store.listFeedImports({ format: 'nvd-api', limit: 1 }))[0]?.through
 */
export interface FeedImportStore {
  /** Append to the log (skipped reasons capped at FEED_IMPORT_SKIPPED_KEPT); returns the row id. */
  recordFeedImport(report: FeedImportReport, times: { startedAt: string; finishedAt: string }): Promise<number>;
  /** The log, newest first. */
  listFeedImports(filter?: FeedImportFilter): Promise<FeedImportRow[]>;
}
