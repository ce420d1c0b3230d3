/**
 * `importFeedFile`: one file (or a directory of CVE5 record files) → parsed, upserted,
 * logged. Re-importing the same data changes nothing; newer copies update; the report
 * says what was read, what changed and what was skipped and why.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpenNoticeError } from '../../../core/errors.ts';
import type { FeedImportReport, FeedImportStore, SkippedFeedRecord } from '../../../store/roles/feed-imports.ts';
import type { VulnerabilityStore } from '../../../store/roles/vulnerabilities.ts';
import type { KevEntry, VulnerabilityRecord } from '../types.ts';
import { cve5ToRecord } from './cve5.ts';
import { parseJvnText } from './jvn.ts';
import { parseKevCatalog } from './kev.ts';
import { parseNvdFeed } from './nvd.ts';
import { parseJsonText, readFeedText, sniffFormat } from './read-feed.ts';
import { upsertVulnerabilities } from './upsert.ts';
import type { FeedFormat } from './read-feed.ts';

export type { FeedFormat } from './read-feed.ts';

/** The store roles importing and updating feeds use: vulnerability records, and the feed import log. */
export type FeedStore = VulnerabilityStore & FeedImportStore;

export interface FeedImportOptions {
  format?: 'auto' | FeedFormat;
  /** Defaults to now; fixed in tests. */
  now?: () => Date;
}

export interface FeedImportResult extends FeedImportReport {
  format: FeedFormat;
  /** Parts of imported records that could not be used (e.g. a CVE5 product "n/a"). */
  notes: SkippedFeedRecord[];
}

/** What one parsed document contributes. */
interface ParsedDocument {
  format: FeedFormat;
  vulnerabilities: VulnerabilityRecord[];
  kev: KevEntry[];
  read: number;
  skipped: SkippedFeedRecord[];
  notes: SkippedFeedRecord[];
}

/** Upserts go in slices so a 200k-record feed is not one giant transaction holding everything. */
const BATCH_SIZE = 5000;
/** A directory walk stops here: cvelistV5 holds ~300k files, far below this. */
const MAX_DIRECTORY_FILES = 2_000_000;
const feedFileName = /\.(?:json|xml)(?:\.gz)?$/i;

/**
 * Import one feed file, or every *.json / *.xml (optionally .gz) file under a directory
 * (e.g. a cvelistV5 checkout), into the store, and log the import.
 * Throws IMPORT_INVALID naming the file (and line) for a malformed file or unknown format.
 * @example
 * const report = await importFeedFile(store, 'nvdcve-2.0-2024.json.gz')
 * console.log(report.inserted, report.updated, report.unchanged, report.skipped.length)
 */
export async function importFeedFile(store: FeedStore, file: string, options: FeedImportOptions = {}): Promise<FeedImportResult> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const files = isDirectory(file) ? listFeedFiles(file) : [file];
  const total: FeedImportResult = { file, format: 'nvd', read: 0, inserted: 0, updated: 0, unchanged: 0, skipped: [], notes: [] };
  const formats = new Set<FeedFormat>();
  let pendingVulnerabilities: VulnerabilityRecord[] = [];
  let pendingKev: KevEntry[] = [];
  const flush = async (): Promise<void> => {
    for (const counts of [
      pendingVulnerabilities.length > 0 ? await upsertVulnerabilities(store, pendingVulnerabilities, { importedAt: startedAt }) : undefined,
      pendingKev.length > 0 ? await store.upsertKev(pendingKev, { importedAt: startedAt }) : undefined,
    ]) {
      if (!counts) continue;
      total.inserted += counts.inserted;
      total.updated += counts.updated;
      total.unchanged += counts.unchanged;
    }
    pendingVulnerabilities = [];
    pendingKev = [];
  };

  for (const path of files) {
    const parsed = parseFeedDocument(path, options.format ?? 'auto');
    formats.add(parsed.format);
    total.read += parsed.read;
    total.skipped.push(...parsed.skipped);
    total.notes.push(...parsed.notes);
    for (const record of parsed.vulnerabilities) {
      pendingVulnerabilities.push(record);
      if (pendingVulnerabilities.length >= BATCH_SIZE) await flush();
    }
    pendingKev.push(...parsed.kev);
    if (pendingKev.length >= BATCH_SIZE) await flush();
  }
  await flush();
  if (formats.size > 1)
    throw new OpenNoticeError('IMPORT_INVALID', `the directory mixes feed formats (${[...formats].join(', ')}); import each feed separately`, { file });
  total.format = [...formats][0] ?? (options.format !== undefined && options.format !== 'auto' ? options.format : 'cve5');
  await store.recordFeedImport(total, { startedAt, finishedAt: now().toISOString() });
  return total;
}

/**
 * Parse one feed file without touching a store (also what `importFeedFile` uses).
 * @example parseFeedDocument('known_exploited_vulnerabilities.json', 'auto').kev.length // 1404
 */
export function parseFeedDocument(file: string, format: 'auto' | FeedFormat): ParsedDocument {
  const text = readFeedText(file);
  const looksLikeXml = /^\s*</.test(text);
  const document = looksLikeXml ? undefined : parseJsonText(text, file);
  const resolved = format === 'auto' ? sniffFormat(document, text) : format;
  if (!resolved)
    throw new OpenNoticeError('IMPORT_INVALID', 'unknown feed format (expected NVD CVE API 2.0, CVE JSON 5, CISA KEV or MyJVN); use --format', { file });
  const result: ParsedDocument = { format: resolved, vulnerabilities: [], kev: [], read: 0, skipped: [], notes: [] };
  switch (resolved) {
    case 'nvd': {
      const parsed = parseNvdFeed(document, file);
      result.vulnerabilities = parsed.records;
      result.read = parsed.records.length + parsed.skipped.length;
      result.skipped = parsed.skipped.map(({ cveId, reason }) => ({ id: cveId, reason }));
      break;
    }
    case 'kev': {
      const parsed = parseKevCatalog(document, file);
      result.kev = parsed.entries;
      result.read = parsed.entries.length + parsed.skipped.length;
      result.skipped = parsed.skipped.map(({ cveId, reason }) => ({ id: cveId, reason }));
      break;
    }
    case 'cve5': {
      const items = Array.isArray(document) ? document : [document];
      items.forEach((item) => {
        result.read++;
        try {
          const { record, notes } = cve5ToRecord(item, file);
          result.vulnerabilities.push(record);
          for (const note of notes) result.notes.push({ id: record.cveId, reason: note });
        } catch (error) {
          if (!(error instanceof OpenNoticeError) || (items.length === 1 && !error.context.rejected && !error.context.cveId)) throw error;
          result.skipped.push({ id: error.context.cveId as string | undefined, reason: error.message });
        }
      });
      break;
    }
    case 'jvn': {
      const parsed = parseJvnText(text, file);
      result.vulnerabilities = parsed.records;
      result.read = parsed.read;
      result.skipped = parsed.skipped;
      result.notes = parsed.notes;
      break;
    }
  }
  return result;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    throw new OpenNoticeError('IMPORT_INVALID', `cannot read: ${(error as Error).message}`, { file: path }, { cause: error });
  }
}

/** Feed files under a directory, sorted so imports are reproducible. */
function listFeedFiles(directory: string): string[] {
  const entries = readdirSync(directory, { recursive: true, withFileTypes: true });
  if (entries.length > MAX_DIRECTORY_FILES)
    throw new OpenNoticeError('IMPORT_INVALID', `more than ${MAX_DIRECTORY_FILES} entries under the directory`, { file: directory });
  return entries
    .filter((entry) => entry.isFile() && feedFileName.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
