/**
 * The ISP registry and attributions in SQLite (tables `isps`, `finding_attributions`), and
 * findings read with both joined in.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { NotifiableFinding } from '../../core/records.ts';
import type { FindingAttribution, IspAttributionStore, IspRecord, NotifiableFindingFilter } from '../roles/isp-attribution.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { byAddressAndPort, notifiableFindingOf, toRecord, type SqlRow } from './rows.ts';

/** @example await sqliteIspAttributionStore(context).listNotifiableFindings({ ispId: 'example-isp', status: 'open' }) */
export function sqliteIspAttributionStore({ db, use }: SqliteContext): IspAttributionStore {
  const now = () => new Date().toISOString();
  return {
    upsertIsps: (isps, options = {}) => use('upsertIsps', () => inTransaction(db, () => writeIsps(db, isps, options.at ?? now()))),
    listIsps: () => use('listIsps', () => readIsps(db)),
    recordAttributions: (items, options = {}) => use('recordAttributions', () => inTransaction(db, () => writeAttributions(db, items, options.at ?? now()))),
    listNotifiableFindings: (filter) => use('listNotifiableFindings', () => readNotifiableFindings(db, filter)),
  };
}

/** @example writeIsps(db, registry.isps, new Date().toISOString()) */
function writeIsps(db: DatabaseSync, isps: readonly IspRecord[], at: string): void {
  const upsert = db.prepare(`INSERT INTO isps (id, name, asns, prefixes, contacts, preferences, manages_customer_devices, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, asns = excluded.asns, prefixes = excluded.prefixes,
    contacts = excluded.contacts, preferences = excluded.preferences, manages_customer_devices = excluded.manages_customer_devices, updated_at = excluded.updated_at`);
  for (const isp of isps) {
    upsert.run(
      isp.id,
      isp.name,
      JSON.stringify(isp.asns),
      JSON.stringify(isp.prefixes),
      JSON.stringify(isp.contacts),
      JSON.stringify(isp.preferences),
      isp.managesCustomerDevices ? 1 : 0,
      at,
    );
  }
}

function readIsps(db: DatabaseSync): IspRecord[] {
  const rows = db
    .prepare(`SELECT id, name, asns, prefixes, contacts, preferences, manages_customer_devices AS managesCustomerDevices FROM isps ORDER BY id`)
    .all() as SqlRow[];
  return rows.map((row) => {
    const record = toRecord<Omit<IspRecord, 'managesCustomerDevices'> & { managesCustomerDevices: number }>(row, [
      'asns',
      'prefixes',
      'contacts',
      'preferences',
    ]);
    return { ...record, managesCustomerDevices: Boolean(record.managesCustomerDevices) };
  });
}

/** @example writeAttributions(db, [{ findingId: 1, attribution }], now) */
function writeAttributions(db: DatabaseSync, items: readonly FindingAttribution[], at: string): void {
  const upsert =
    db.prepare(`INSERT INTO finding_attributions (finding_id, prefix, asn, as_name, country, isp_id, integrator_id, source, abuse_email, unattributed_reason, attributed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (finding_id) DO UPDATE SET prefix = excluded.prefix, asn = excluded.asn, as_name = excluded.as_name,
    country = excluded.country, isp_id = excluded.isp_id, integrator_id = excluded.integrator_id, source = excluded.source, abuse_email = excluded.abuse_email,
    unattributed_reason = excluded.unattributed_reason, attributed_at = excluded.attributed_at`);
  for (const { findingId, attribution: a } of items) {
    upsert.run(
      findingId,
      a.prefix ?? null,
      a.asn ?? null,
      a.asName ?? null,
      a.country ?? null,
      a.ispId ?? null,
      a.integratorId ?? null,
      a.source,
      a.abuseEmail ?? null,
      a.unattributedReason ?? null,
      at,
    );
  }
}

/**
 * Findings joined with device identity and attribution (absent attribution: source 'none').
 * @example readNotifiableFindings(db, { ispId: 'example-isp', status: 'open' })
 */
function readNotifiableFindings(db: DatabaseSync, filter: NotifiableFindingFilter = {}): NotifiableFinding[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.ispId !== undefined) {
    where.push('a.isp_id = ?');
    values.push(filter.ispId);
  }
  if (filter.integratorId !== undefined) {
    where.push('a.integrator_id = ?');
    values.push(filter.integratorId);
  }
  if (filter.status !== undefined) {
    where.push('f.status = ?');
    values.push(filter.status);
  }
  if (filter.unattributed) where.push('a.finding_id IS NULL');
  // One ISP's findings: start from its attributions (CROSS JOIN fixes the order in SQLite), or the
  // planner may prefer the status index and read every open finding once per ISP — quadratic in a notify run.
  const from =
    filter.ispId !== undefined || filter.integratorId !== undefined
      ? 'finding_attributions a CROSS JOIN findings f ON f.id = a.finding_id'
      : 'findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id';
  const rows = db
    .prepare(`SELECT f.id, f.kind, f.ip, f.port, f.protocol, f.evidence, f.status, f.first_seen AS firstSeen, f.last_seen AS lastSeen, f.closed_at AS closedAt,
      d.vendor, d.model, d.device_type AS deviceType, d.firmware_version AS firmwareVersion, d.release_year AS releaseYear, d.sector,
      a.prefix, a.asn, a.as_name AS asName, a.country, a.isp_id AS ispId, i.name AS ispName, a.integrator_id AS integratorId, g.name AS integratorName, a.source, a.abuse_email AS abuseEmail,
      a.unattributed_reason AS unattributedReason
    FROM ${from} LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id LEFT JOIN integrators g ON g.id = a.integrator_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`)
    .all(...values) as SqlRow[];
  return byAddressAndPort(
    rows.map((row) => {
      const { attributed, ...finding } = notifiableFindingOf(row);
      if (!attributed) finding.attribution.unattributedReason = 'not attributed yet';
      return finding;
    }),
  );
}
