/**
 * Vulnerability data in SQLite: per-feed CVE copies, the merged records the matcher reads,
 * and CISA KEV. What a merged record says is decided outside the store (the update callback,
 * assess/firmware/feeds/upsert.ts); this file reads and writes rows.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { KevEntry, VulnerabilityRecord } from '../../assess/firmware/types.ts';
import { kevFromRow, normalisedKev, vulnerabilityColumns, vulnerabilityFromRow } from '../row-mapping.ts';
import type { UpsertCounts, VulnerabilityCounts, VulnerabilityStore, VulnerabilityWrites } from '../roles/vulnerabilities.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import type { SqlRow } from './rows.ts';

/**
 * @example await sqliteVulnerabilityStore(context).updateVulnerabilities(['CVE-2020-1000'], (stored) => decide(stored))
 */
export function sqliteVulnerabilityStore({ db, use }: SqliteContext): VulnerabilityStore {
  const now = () => new Date().toISOString();
  return {
    updateVulnerabilities: (cveIds, update, options = {}) =>
      use('updateVulnerabilities', () =>
        inTransaction(db, () => {
          const { writes, outcome } = update(readVulnerabilityCopies(db, cveIds));
          writeVulnerabilities(db, writes, options.importedAt ?? now());
          return outcome;
        }),
      ),
    upsertKev: (entries, options = {}) => use('upsertKev', () => inTransaction(db, () => upsertKevRows(db, entries, options.importedAt ?? now()))),
    listVulnerabilities: () => use('listVulnerabilities', () => listVulnerabilityRows(db)),
    getVulnerability: (cveId) => use('getVulnerability', () => listVulnerabilityRows(db, cveId)[0]),
    listKev: () => use('listKev', () => listKevRows(db)),
    vulnerabilityCounts: () => use('vulnerabilityCounts', () => vulnerabilityCountRows(db)),
  };
}

/** Every feed's stored copy of the CVEs, by CVE id then feed. */
function readVulnerabilityCopies(db: DatabaseSync, cveIds: readonly string[]): VulnerabilityRecord[] {
  const select = db.prepare('SELECT record FROM vulnerability_sources WHERE cve_id = ? ORDER BY source');
  return [...new Set(cveIds)]
    .sort()
    .flatMap((cveId) => (select.all(cveId) as Array<{ record: string }>).map((row) => JSON.parse(row.record) as VulnerabilityRecord));
}

/** Upsert copies by (cve_id, source) and merged records by cve_id (call inside a transaction). */
function writeVulnerabilities(db: DatabaseSync, writes: VulnerabilityWrites, importedAt: string): void {
  const upsertCopy = db.prepare(`INSERT INTO vulnerability_sources (cve_id, source, last_modified, record, imported_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (cve_id, source) DO UPDATE SET last_modified = excluded.last_modified, record = excluded.record, imported_at = excluded.imported_at`);
  const upsertMerged = db.prepare(`INSERT INTO vulnerabilities
      (cve_id, source, published, last_modified, description, scores, configurations, refs, aliases, imported_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (cve_id) DO UPDATE SET source = excluded.source, published = excluded.published,
      last_modified = excluded.last_modified, description = excluded.description, scores = excluded.scores,
      configurations = excluded.configurations, refs = excluded.refs, aliases = excluded.aliases, imported_at = excluded.imported_at`);
  for (const copy of writes.copies) upsertCopy.run(copy.cveId, copy.source, copy.lastModified ?? null, JSON.stringify(copy), importedAt);
  for (const merged of writes.merged) {
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
  }
}

/**
 * Every merged record, by CVE id (text order).
 * @example listVulnerabilityRows(db).length
 */
function listVulnerabilityRows(db: DatabaseSync, cveId?: string): VulnerabilityRecord[] {
  const rows =
    cveId === undefined
      ? db.prepare(`SELECT ${vulnerabilityColumns} FROM vulnerabilities ORDER BY cve_id`).all()
      : db.prepare(`SELECT ${vulnerabilityColumns} FROM vulnerabilities WHERE cve_id = ?`).all(cveId);
  return (rows as SqlRow[]).map(vulnerabilityFromRow);
}

/**
 * Upsert KEV entries; an entry equal in every field to the stored one is unchanged.
 * @example inTransaction(db, () => upsertKevRows(db, entries, now))
 */
function upsertKevRows(db: DatabaseSync, entries: readonly KevEntry[], importedAt: string): UpsertCounts {
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
    if (stored && JSON.stringify(kevFromRow(stored)) === JSON.stringify(normalisedKev(entry))) {
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

/**
 * Every KEV entry, by CVE id.
 * @example listKevRows(db).filter((e) => e.knownRansomwareCampaignUse === 'Known')
 */
function listKevRows(db: DatabaseSync): KevEntry[] {
  return (
    db
      .prepare(`SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware
    FROM kev ORDER BY cve_id`)
      .all() as SqlRow[]
  ).map(kevFromRow);
}

/**
 * Counts for `feeds status`.
 * @example vulnerabilityCountRows(db).kev
 */
function vulnerabilityCountRows(db: DatabaseSync): VulnerabilityCounts {
  const groups = (sql: string) => (db.prepare(sql).all() as Array<{ source: string; count: number }>).map((row) => ({ source: row.source, count: row.count }));
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    bySource: groups('SELECT source, count(*) AS count FROM vulnerabilities GROUP BY source ORDER BY source'),
    byFeed: groups('SELECT source, count(*) AS count FROM vulnerability_sources GROUP BY source ORDER BY source'),
    kev: one('SELECT count(*) AS n FROM kev'),
    kevRansomware: one("SELECT count(*) AS n FROM kev WHERE known_ransomware = 'Known'"),
  };
}
