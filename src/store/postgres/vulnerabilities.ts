/**
 * Vulnerability data in PostgreSQL: per-feed CVE copies, the merged records the matcher reads,
 * and CISA KEV. What a merged record says is decided outside the store (the update callback,
 * assess/firmware/feeds/upsert.ts); this file reads and writes rows, a batch at a time
 * (multi-row upserts through unnest), so importing the NVD's 250 000 records is a few thousand
 * statements rather than half a million.
 */
import type pg from 'pg';
import type { KevEntry, VulnerabilityRecord } from '../../assess/firmware/types.ts';
import { kevFromRow, normalisedKev, vulnerabilityColumns, vulnerabilityFromRow } from '../row-mapping.ts';
import type { UpsertCounts, VulnerabilityCounts, VulnerabilityStore, VulnerabilityWrites } from '../roles/vulnerabilities.ts';
import type { PostgresContext, Queryable } from './database.ts';
import { lastByKey, type PgRow } from './rows.ts';

/**
 * Keys of the transaction advisory locks that make "two updates never interleave" true across
 * processes, as SQLite's single writer makes it true for free. Feed imports are rare batch jobs:
 * serialising them costs nothing that matters.
 */
const vulnerabilityUpdateLock = 0x6f6e5f76; // "on_v"
const kevUpdateLock = 0x6f6e5f6b; // "on_k"

/**
 * @example await postgresVulnerabilityStore(context).updateVulnerabilities(['CVE-2020-1000'], (stored) => decide(stored))
 */
export function postgresVulnerabilityStore({ use, transaction }: PostgresContext): VulnerabilityStore {
  const now = () => new Date().toISOString();
  return {
    updateVulnerabilities: (cveIds, update, options = {}) =>
      transaction('updateVulnerabilities', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [vulnerabilityUpdateLock]);
        const { writes, outcome } = update(await readVulnerabilityCopies(client, cveIds));
        await writeVulnerabilities(client, writes, options.importedAt ?? now());
        return outcome;
      }),
    upsertKev: (entries, options = {}) =>
      transaction('upsertKev', async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [kevUpdateLock]);
        return upsertKevRows(client, entries, options.importedAt ?? now());
      }),
    listVulnerabilities: () => use('listVulnerabilities', (db) => listVulnerabilityRows(db)),
    getVulnerability: async (cveId) => (await use('getVulnerability', (db) => listVulnerabilityRows(db, cveId)))[0],
    listKev: () => use('listKev', listKevRows),
    vulnerabilityCounts: () => use('vulnerabilityCounts', vulnerabilityCountRows),
  };
}

/** Every feed's stored copy of the CVEs, by CVE id then feed. */
async function readVulnerabilityCopies(client: pg.PoolClient, cveIds: readonly string[]): Promise<VulnerabilityRecord[]> {
  const result = await client.query<{ record: string }>('SELECT record FROM vulnerability_sources WHERE cve_id = ANY($1::text[]) ORDER BY cve_id, source', [
    [...new Set(cveIds)],
  ]);
  return result.rows.map((row) => JSON.parse(row.record) as VulnerabilityRecord);
}

/** Upsert copies by (cve_id, source) and merged records by cve_id (inside the transaction). */
async function writeVulnerabilities(client: pg.PoolClient, writes: VulnerabilityWrites, importedAt: string): Promise<void> {
  const copies = lastByKey(writes.copies, (copy) => `${copy.cveId} ${copy.source}`);
  if (copies.length > 0) {
    await client.query(
      `INSERT INTO vulnerability_sources (cve_id, source, last_modified, record, imported_at)
        SELECT cve_id, source, last_modified, record, $1 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS c(cve_id, source, last_modified, record)
      ON CONFLICT (cve_id, source) DO UPDATE SET last_modified = excluded.last_modified, record = excluded.record, imported_at = excluded.imported_at`,
      [
        importedAt,
        copies.map((copy) => copy.cveId),
        copies.map((copy) => copy.source),
        copies.map((copy) => copy.lastModified ?? null),
        copies.map((copy) => JSON.stringify(copy)),
      ],
    );
  }
  const merged = lastByKey(writes.merged, (record) => record.cveId);
  if (merged.length > 0) {
    await client.query(
      `INSERT INTO vulnerabilities (cve_id, source, published, last_modified, description, scores, configurations, refs, aliases, imported_at)
        SELECT cve_id, source, published, last_modified, description, scores, configurations, refs, aliases, $1
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
          AS m(cve_id, source, published, last_modified, description, scores, configurations, refs, aliases)
      ON CONFLICT (cve_id) DO UPDATE SET source = excluded.source, published = excluded.published,
        last_modified = excluded.last_modified, description = excluded.description, scores = excluded.scores,
        configurations = excluded.configurations, refs = excluded.refs, aliases = excluded.aliases, imported_at = excluded.imported_at`,
      [
        importedAt,
        merged.map((record) => record.cveId),
        merged.map((record) => record.source),
        merged.map((record) => record.published ?? null),
        merged.map((record) => record.lastModified ?? null),
        merged.map((record) => record.description),
        merged.map((record) => JSON.stringify(record.scores)),
        merged.map((record) => JSON.stringify(record.configurations)),
        merged.map((record) => JSON.stringify(record.references)),
        merged.map((record) => JSON.stringify(record.aliases)),
      ],
    );
  }
}

/** Every merged record by CVE id (byte order, as SQLite's), or the one `cveId`. */
async function listVulnerabilityRows(db: Queryable, cveId?: string): Promise<VulnerabilityRecord[]> {
  const result =
    cveId === undefined
      ? await db.query(`SELECT ${vulnerabilityColumns} FROM vulnerabilities ORDER BY cve_id`)
      : await db.query(`SELECT ${vulnerabilityColumns} FROM vulnerabilities WHERE cve_id = $1`, [cveId]);
  return result.rows.map(vulnerabilityFromRow);
}

/**
 * Upsert KEV entries; an entry equal in every field to the stored one is unchanged. The
 * comparison runs here over the whole batch (one read), as upserting entry by entry would
 * decide it: a later copy of the same CVE in the batch is compared with the earlier one.
 */
async function upsertKevRows(client: pg.PoolClient, entries: readonly KevEntry[], importedAt: string): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  if (entries.length === 0) return counts;
  const stored = await client.query(
    `SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware
      FROM kev WHERE cve_id = ANY($1::text[])`,
    [[...new Set(entries.map((entry) => entry.cveId))]],
  );
  const current = new Map(stored.rows.map((row: PgRow) => [String(row.cve_id), JSON.stringify(kevFromRow(row))]));
  const writes = new Map<string, KevEntry>();
  for (const entry of entries) {
    const normalised = JSON.stringify(normalisedKev(entry));
    const before = current.get(entry.cveId);
    if (before === normalised) {
      counts.unchanged++;
      continue;
    }
    if (before === undefined) counts.inserted++;
    else counts.updated++;
    current.set(entry.cveId, normalised);
    writes.set(entry.cveId, entry);
  }
  const rows = [...writes.values()];
  if (rows.length > 0) {
    await client.query(
      `INSERT INTO kev (cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware, imported_at)
        SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware, $1
        FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
          AS k(cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware)
      ON CONFLICT (cve_id) DO UPDATE SET vendor_project = excluded.vendor_project, product = excluded.product,
        vulnerability_name = excluded.vulnerability_name, date_added = excluded.date_added, due_date = excluded.due_date,
        required_action = excluded.required_action, known_ransomware = excluded.known_ransomware, imported_at = excluded.imported_at`,
      [
        importedAt,
        rows.map((entry) => entry.cveId),
        rows.map((entry) => entry.vendorProject),
        rows.map((entry) => entry.product),
        rows.map((entry) => entry.vulnerabilityName),
        rows.map((entry) => entry.dateAdded),
        rows.map((entry) => entry.dueDate ?? null),
        rows.map((entry) => entry.requiredAction ?? null),
        rows.map((entry) => entry.knownRansomwareCampaignUse),
      ],
    );
  }
  return counts;
}

/** Every KEV entry, by CVE id. */
async function listKevRows(db: Queryable): Promise<KevEntry[]> {
  const result = await db.query(`SELECT cve_id, vendor_project, product, vulnerability_name, date_added, due_date, required_action, known_ransomware
    FROM kev ORDER BY cve_id`);
  return result.rows.map(kevFromRow);
}

/** Counts for `feeds status`. */
async function vulnerabilityCountRows(db: Queryable): Promise<VulnerabilityCounts> {
  const groups = async (sql: string) => (await db.query<{ source: string; count: number }>(sql)).rows.map((row) => ({ source: row.source, count: row.count }));
  const one = async (sql: string) => Number((await db.query<{ n: number }>(sql)).rows[0]?.n ?? 0);
  return {
    bySource: await groups('SELECT source, count(*) AS count FROM vulnerabilities GROUP BY source ORDER BY source'),
    byFeed: await groups('SELECT source, count(*) AS count FROM vulnerability_sources GROUP BY source ORDER BY source'),
    kev: await one('SELECT count(*) AS n FROM kev'),
    kevRansomware: await one("SELECT count(*) AS n FROM kev WHERE known_ransomware = 'Known'"),
  };
}
