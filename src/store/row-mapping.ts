/**
 * Conversions between records and table rows that both store implementations share: the
 * tables have the same columns in SQLite and PostgreSQL, so a row is read into a record (and a
 * record spread into column values) by one function, whichever database returned or takes it.
 */
import type { KevEntry, VulnerabilityRecord } from '../assess/firmware/types.ts';
import type { DarknetAttack, DeviceIdentity, OwnerContact } from '../core/records.ts';
import { FEED_IMPORT_SKIPPED_KEPT, type FeedImportReport, type FeedImportRow } from './roles/feed-imports.ts';
import type { RunStart } from './roles/runs.ts';

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
 * firmware_version, hardware_version, release_year, cpe, confidence, evidence, components, sector.
 * @example identityColumnValues(identity).length // 11
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
    identity.sector ?? null,
  ];
}

/**
 * A device's owner contact as its `owner_contact` column: JSON text, NULL when none was shown.
 * @example ownerContactColumnValue(undefined) // null
 */
export function ownerContactColumnValue(contact: OwnerContact | undefined): ColumnValue {
  return contact === undefined ? null : JSON.stringify(contact);
}

/**
 * The `owner_contact` column read back; undefined for NULL.
 * @example ownerContactFromColumn('{"company":"Hikari Solar","source":{"protocol":"http","port":80}}')?.company // 'Hikari Solar'
 */
export function ownerContactFromColumn(value: unknown): OwnerContact | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as OwnerContact) : undefined;
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

/**
 * A run's start as the values of `runs` (started_at, seed, scope, exclude, ports, checks,
 * plan_file, plan_sha256, plan_operator).
 * @example runStartColumnValues({ startedAt, scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] }).length // 9
 */
export function runStartColumnValues(run: RunStart): ColumnValue[] {
  return [
    run.startedAt,
    run.seed === undefined ? null : JSON.stringify(run.seed),
    JSON.stringify(run.scope),
    JSON.stringify(run.exclude),
    JSON.stringify(run.ports),
    JSON.stringify(run.checks),
    run.plan?.file ?? null,
    run.plan?.sha256 ?? null,
    run.plan?.operator ?? null,
  ];
}

/**
 * A feed import's log entry as the values of `feed_imports` (file, format, started_at,
 * finished_at, read, inserted, updated, unchanged, skipped_count, skipped, through); the
 * skipped list is cut at FEED_IMPORT_SKIPPED_KEPT, its count is not.
 * @example feedImportColumnValues(report, { startedAt, finishedAt }).length // 11
 */
export function feedImportColumnValues(report: FeedImportReport, times: { startedAt: string; finishedAt: string }): ColumnValue[] {
  return [
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
  ];
}

/**
 * The dashboard's change mark: index look-ups only (maxima of append-only ids, the newest run's
 * state, the newest attribution time …), valid SQL in both databases. changeMarkFromRow joins
 * its one row into the text that changes when anything the figures depend on changes.
 */
export const changeMarkQuery = `SELECT
  (SELECT max(id) FROM findings) AS findings,
  (SELECT max(id) FROM finding_events) AS events,
  (SELECT id || status || coalesce(finished_at, '') FROM runs ORDER BY id DESC LIMIT 1) AS run,
  (SELECT max(attributed_at) FROM finding_attributions) AS attributed,
  (SELECT count(*) || max(updated_at) FROM isps) AS isps,
  (SELECT max(id) FROM reports) AS reports,
  (SELECT count(*) || max(coalesce(last_attempt_at, '')) FROM outbox) AS outbox,
  (SELECT max(id) FROM isp_feedback) AS feedback,
  (SELECT max(id) FROM darknet_windows) AS darknet,
  (SELECT max(id) FROM darknet_attacks) AS attacks,
  (SELECT count(*) FROM opt_out_requests WHERE status = 'pending') AS "optOuts"`;

/** @example changeMarkFromRow({ findings: 1349, events: null }) // '1349|-' */
export function changeMarkFromRow(row: ColumnRow): string {
  return Object.values(row)
    .map((value) => (value === null ? '-' : String(value)))
    .join('|');
}
