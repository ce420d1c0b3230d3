/**
 * Vulnerability feeds in SQLite: per-feed CVE copies, the merged records the matcher
 * reads, CISA KEV, and the feed import log. Callers wrap the writers in a transaction.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { KevEntry, VulnerabilityRecord } from '../../assess/firmware/types.ts';
import { isOlder, mergeSourceRecords } from '../../assess/firmware/feeds/merge.ts';
import { FEED_IMPORT_SKIPPED_KEPT } from '../repository.ts';
import type { FeedImportReport, FeedImportRow, UpsertCounts, VulnerabilityCounts } from '../repository.ts';
import type { SqlRow } from './rows.ts';

/**
 * Store each feed copy and refresh the merged record of the CVEs that changed.
 * @example inTransaction(db, () => upsertVulnerabilityRows(db, records, new Date().toISOString()))
 */
export function upsertVulnerabilityRows(db: DatabaseSync, records: readonly VulnerabilityRecord[], importedAt: string): UpsertCounts {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const selectCopy = db.prepare('SELECT record, last_modified FROM vulnerability_sources WHERE cve_id = ? AND source = ?');
  const upsertCopy = db.prepare(`INSERT INTO vulnerability_sources (cve_id, source, last_modified, record, imported_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (cve_id, source) DO UPDATE SET last_modified = excluded.last_modified, record = excluded.record, imported_at = excluded.imported_at`);
  const selectCopies = db.prepare('SELECT record FROM vulnerability_sources WHERE cve_id = ?');
  const selectMerged = db.prepare('SELECT 1 AS present FROM vulnerabilities WHERE cve_id = ?');
  const upsertMerged = db.prepare(`INSERT INTO vulnerabilities
      (cve_id, source, published, last_modified, description, scores, configurations, refs, aliases, imported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (cve_id) DO UPDATE SET source = excluded.source, published = excluded.published,
      last_modified = excluded.last_modified, description = excluded.description, scores = excluded.scores,
      configurations = excluded.configurations, refs = excluded.refs, aliases = excluded.aliases, imported_at = excluded.imported_at`);

  for (const record of records) {
    const json = JSON.stringify(record);
    const stored = selectCopy.get(record.cveId, record.source) as { record: string; last_modified: string | null } | undefined;
    if (stored && (stored.record === json || isOlder(record.lastModified, stored.last_modified ?? undefined))) {
      counts.unchanged++;
      continue;
    }
    upsertCopy.run(record.cveId, record.source, record.lastModified ?? null, json, importedAt);
    const copies = (selectCopies.all(record.cveId) as Array<{ record: string }>).map((row) => JSON.parse(row.record) as VulnerabilityRecord);
    const merged = copies.length === 1 ? record : mergeSourceRecords(copies);
    const existed = selectMerged.get(record.cveId) !== undefined;
    upsertMerged.run(
      merged.cveId,
      merged.source,
      merged.published ?? null,
      merged.lastModified ?? null,
      merged.description,
      JSON.stringify(merged.scores),
      JSON.stringify(merged.configurations),
      JSON.stringify(merged.references),
      JSON.stringify(merged.aliases),
      importedAt,
    );
    if (existed) counts.updated++;
    else counts.inserted++;
  }
  return counts;
}

const vulnerabilityColumns = 'cve_id, source, published, last_modified, description, scores, configurations, refs, aliases';

function toVulnerability(row: SqlRow): VulnerabilityRecord {
  const record: VulnerabilityRecord = {
    cveId: row.cve_id as string,
    source: row.source as VulnerabilityRecord['source'],
    description: row.description as string,
    scores: JSON.parse(row.scores as string),
    configurations: JSON.parse(row.configurations as string),
    references: JSON.parse(row.refs as string),
    aliases: JSON.parse(row.aliases as string),
  };
  if (row.published !== null) record.published = row.published as string;
  if (row.last_modified !== null) record.lastModified = row.last_modified as string;
  return record;
}

/**
 * Every merged record, by CVE id (text order).
 * @example listVulnerabilityRows(db).length
 */
export function listVulnerabilityRows(db: DatabaseSync, cveId?: string): VulnerabilityRecord[] {
  const rows =
    cveId === undefined
      ? db.prepare(`SELECT ${vulnerabilityColumns} FROM vulnerabilities ORDER BY cve_id`).all()
      : db.prepare(`SELECT ${vulnerabilityColumns} FROM vulnerabilities WHERE cve_id = ?`).all(cveId);
  return (rows as SqlRow[]).map(toVulnerability);
}

/**
 * Upsert KEV entries; an entry equal in every field to the stored one is unchanged.
 * @example inTransaction(db, () => upsertKevRows(db, entries, now))
 */
export function upsertKevRows(db: DatabaseSync, entries: readonly KevEntry[], importedAt: string): UpsertCounts {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const select = db.prepare(`SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware
    FROM kev WHERE cve_id = ?`);
  const upsert =
    db.prepare(`INSERT INTO kev (cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware, imported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (cve_id) DO UPDATE SET vendor_project = excluded.vendor_project, product = excluded.product,
      vulnerability_name = excluded.vulnerability_name, date_added = excluded.date_added, due_date = excluded.due_date,
      required_action = excluded.required_action, known_ransomware = excluded.known_ransomware, imported_at = excluded.imported_at`);
  for (const entry of entries) {
    const stored = select.get(entry.cveId) as SqlRow | undefined;
    if (stored && JSON.stringify(toKev(stored)) === JSON.stringify(normalisedKev(entry))) {
      counts.unchanged++;
      continue;
    }
    upsert.run(
      entry.cveId,
      entry.vendorProject,
      entry.product,
      entry.vulnerabilityName,
      entry.dateAdded,
      entry.dueDate ?? null,
      entry.requiredAction ?? null,
      entry.knownRansomwareCampaignUse,
      importedAt,
    );
    if (stored) counts.updated++;
    else counts.inserted++;
  }
  return counts;
}

/** The entry with its properties in the order toKev builds them, for comparison. */
function normalisedKev(entry: KevEntry): KevEntry {
  const copy: KevEntry = {
    cveId: entry.cveId,
    vendorProject: entry.vendorProject,
    product: entry.product,
    vulnerabilityName: entry.vulnerabilityName,
    dateAdded: entry.dateAdded,
    knownRansomwareCampaignUse: entry.knownRansomwareCampaignUse,
  };
  if (entry.dueDate !== undefined) copy.dueDate = entry.dueDate;
  if (entry.requiredAction !== undefined) copy.requiredAction = entry.requiredAction;
  return copy;
}

function toKev(row: SqlRow): KevEntry {
  const entry: KevEntry = {
    cveId: row.cve_id as string,
    vendorProject: row.vendor_project as string,
    product: row.product as string,
    vulnerabilityName: row.vulnerability_name as string,
    dateAdded: row.date_added as string,
    knownRansomwareCampaignUse: row.known_ransomware as KevEntry['knownRansomwareCampaignUse'],
  };
  if (row.due_date !== null) entry.dueDate = row.due_date as string;
  if (row.required_action !== null) entry.requiredAction = row.required_action as string;
  return entry;
}

/**
 * Every KEV entry, by CVE id.
 * @example listKevRows(db).filter((e) => e.knownRansomwareCampaignUse === 'Known')
 */
export function listKevRows(db: DatabaseSync): KevEntry[] {
  return (
    db
      .prepare(`SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware
    FROM kev ORDER BY cve_id`)
      .all() as SqlRow[]
  ).map(toKev);
}

/**
 * Counts for `feeds status`.
 * @example vulnerabilityCountRows(db).kev
 */
export function vulnerabilityCountRows(db: DatabaseSync): VulnerabilityCounts {
  const groups = (sql: string) => (db.prepare(sql).all() as Array<{ source: string; count: number }>).map((row) => ({ source: row.source, count: row.count }));
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    bySource: groups('SELECT source, count(*) AS count FROM vulnerabilities GROUP BY source ORDER BY source'),
    byFeed: groups('SELECT source, count(*) AS count FROM vulnerability_sources GROUP BY source ORDER BY source'),
    kev: one('SELECT count(*) AS n FROM kev'),
    kevRansomware: one("SELECT count(*) AS n FROM kev WHERE known_ransomware = 'Known'"),
  };
}

/**
 * Append one import to the log (skipped reasons capped at FEED_IMPORT_SKIPPED_KEPT).
 * @example insertFeedImport(db, report, { startedAt, finishedAt })
 */
export function insertFeedImport(db: DatabaseSync, report: FeedImportReport, times: { startedAt: string; finishedAt: string }): number {
  const result = db
    .prepare(`INSERT INTO feed_imports (file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
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
    );
  return Number(result.lastInsertRowid);
}

/**
 * The import log, newest first.
 * @example listFeedImportRows(db, { format: 'nvd-api', limit: 1 })[0]?.through
 */
export function listFeedImportRows(db: DatabaseSync, filter: { format?: string; limit?: number } = {}): FeedImportRow[] {
  const where = filter.format !== undefined ? 'WHERE format = ?' : '';
  const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
  const rows = db
    .prepare(`SELECT id, file, format, started_at, finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through
      FROM feed_imports ${where} ORDER BY id DESC ${limit}`)
    .all(...(filter.format !== undefined ? [filter.format] : [])) as SqlRow[];
  return rows.map((row) => {
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
  });
}
