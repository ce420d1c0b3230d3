/**
 * Conversions between records and table rows that both store implementations share: the
 * tables have the same columns in SQLite and PostgreSQL, so a row is read into a record (and a
 * record spread into column values) by one function, whichever database returned or takes it.
 */
import type { KevEntry, VulnerabilityRecord } from '../assess/firmware/types.ts';
import type { DarknetAttack, DeviceIdentity } from '../core/records.ts';
import type { FeedImportRow } from './roles/feed-imports.ts';

/** One row as a driver returns it: column name → value. */
export type ColumnRow = Readonly<Record<string, unknown>>;

/** A column value both drivers accept. */
export type ColumnValue = string | number | null;

/**
 * A `kev` row as the entry it stores; optional fields only when present.
 * @example kevFromRow({ cve_id: 'CVE-2023-1389', …, due_date: null, required_action: null }).cveId // 'CVE-2023-1389'
 */
export function kevFromRow(row: ColumnRow): KevEntry {
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
 * The entry with its properties in the order kevFromRow builds them: a stored entry and a new
 * one compare equal as JSON exactly when nothing changed.
 * @example JSON.stringify(normalisedKev(entry)) === JSON.stringify(kevFromRow(storedRow))
 */
export function normalisedKev(entry: KevEntry): KevEntry {
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

/**
 * A `feed_imports` row as the log entry it stores (its skipped list is JSON text).
 * @example feedImportFromRow(row).skippedCount
 */
export function feedImportFromRow(row: ColumnRow): FeedImportRow {
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

/**
 * A device identity as the values of its columns in table order: vendor, model, device_type,
 * firmware_version, hardware_version, release_year, cpe, confidence, evidence, components.
 * @example identityColumnValues(identity).length // 10
 */
export function identityColumnValues(identity: DeviceIdentity): ColumnValue[] {
  return [
    identity.vendor ?? null,
    identity.model ?? null,
    identity.deviceType,
    identity.firmwareVersion ?? null,
    identity.hardwareVersion ?? null,
    identity.releaseYear ?? null,
    identity.cpe ?? null,
    identity.confidence,
    JSON.stringify(identity.evidence ?? []),
    JSON.stringify(identity.components ?? []),
  ];
}

/**
 * A `darknet_attacks` row (selected with its columns named as the record's fields) as the
 * attack it stores; flags are stored as 0/1 in both databases.
 * @example darknetAttackFromRow(row).qualified // true when the column holds 1
 */
export function darknetAttackFromRow(row: ColumnRow): DarknetAttack {
  return {
    darknet: String(row.darknet),
    victim: String(row.victim),
    protocol: String(row.protocol),
    port: Number(row.port),
    start: String(row.start),
    end: String(row.end),
    packets: Number(row.packets),
    bytes: Number(row.bytes),
    reflectors: Number(row.reflectors),
    qualified: row.qualified === 1,
    atInputStart: row.atInputStart === 1,
    atInputEnd: row.atInputEnd === 1,
    evicted: row.evicted === 1,
    ...(row.reflectorSketch !== null && row.reflectorSketch !== undefined ? { reflectorSketch: String(row.reflectorSketch) } : {}),
  };
}

/** The `vulnerabilities` columns vulnerabilityFromRow reads, in table order. */
export const vulnerabilityColumns = 'cve_id, source, published, last_modified, description, scores, configurations, refs, aliases';

/**
 * A `vulnerabilities` row as the record it stores (its lists and scores are JSON text).
 * @example vulnerabilityFromRow(row).configurations
 */
export function vulnerabilityFromRow(row: ColumnRow): VulnerabilityRecord {
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
