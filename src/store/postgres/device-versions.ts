/**
 * Devices in PostgreSQL with their history: `devices` holds the current version per address,
 * `device_versions` every version (migration 010). Whether an identity is a new version is
 * decided by core/device-version.ts, so the decision is made here in TypeScript after reading
 * each address's newest version — under a per-address advisory lock, so two workers recording
 * the same address cannot both decide "version 3".
 */
import type pg from 'pg';
import { sameDeviceVersion } from '../../core/device-version.ts';
import type { Device, DeviceIdentity, OwnerContact, SoftwareComponent } from '../../core/records.ts';
import { identityColumnValues, ownerContactColumnValue, ownerContactFromColumn } from '../row-mapping.ts';
import type { DeviceFilter, DeviceRow, DeviceVersionRow } from '../roles/inventory.ts';
import type { Queryable } from './database.ts';
import { byAddressAndPort, type PgRow, toRecord } from './rows.ts';

const identityColumns = `vendor, model, device_type AS "deviceType", firmware_version AS "firmwareVersion", hardware_version AS "hardwareVersion",
  release_year AS "releaseYear", cpe, confidence, evidence, components, sector, first_seen AS "firstSeen", last_seen AS "lastSeen",
  first_run_id AS "firstRunId", last_run_id AS "lastRunId"`;

type KeyFacts = Pick<DeviceIdentity, 'vendor' | 'model' | 'firmwareVersion' | 'hardwareVersion' | 'components'> & { version: number };

/**
 * Writes one batch of devices (inside a transaction): each becomes a new version or moves the
 * last sight of its current one, then the address's current row follows. The same address twice
 * in a batch is handled in order, as separate calls would.
 * @example await writeDevices(client, devices, runId, seenAt)
 */
export async function writeDevices(client: pg.PoolClient, devices: readonly Device[], runId: number, seenAt: string): Promise<void> {
  if (devices.length === 0) return;
  const addresses = [...new Set(devices.map((device) => device.ip))].sort();
  // Sorted, so two batches sharing addresses take the locks in one order (no deadlock).
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('opennotice.device:' || ip, 0))
      FROM (SELECT ip FROM unnest($1::text[]) AS ip ORDER BY ip) AS sorted`,
    [addresses],
  );
  const latest = await client.query(
    `SELECT DISTINCT ON (ip) ip, version, vendor, model, firmware_version AS "firmwareVersion", hardware_version AS "hardwareVersion", components
      FROM device_versions WHERE ip = ANY($1::text[]) ORDER BY ip, version DESC`,
    [addresses],
  );
  const newest = new Map<string, KeyFacts>(latest.rows.map((row: PgRow) => [String(row.ip), storedKeyFacts(row)]));
  for (const { ip, identity, ownerContact } of devices) {
    const previous = newest.get(ip);
    let version: number;
    if (previous && sameDeviceVersion(previous, identity)) {
      version = previous.version;
      // The same version seen again: its facts are refreshed (a rule may now read more), its first sight kept.
      await client.query(
        `UPDATE device_versions SET vendor = $1, model = $2, device_type = $3, firmware_version = $4, hardware_version = $5, release_year = $6,
          cpe = $7, confidence = $8, evidence = $9, components = $10, sector = $11, last_seen = $12, last_run_id = $13 WHERE ip = $14 AND version = $15`,
        [...identityColumnValues(identity), seenAt, runId, ip, version],
      );
    } else {
      version = previous ? previous.version + 1 : 1;
      await client.query(
        `INSERT INTO device_versions (ip, version, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence,
          evidence, components, sector, first_seen, last_seen, first_run_id, last_run_id)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $15)`,
        [ip, version, ...identityColumnValues(identity), seenAt, runId],
      );
    }
    newest.set(ip, { ...identity, version });
    await client.query(
      `INSERT INTO devices (ip, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence, components,
          sector, owner_contact, version, first_seen, last_seen, first_run_id, last_run_id)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $16)
        ON CONFLICT (ip) DO UPDATE SET
          vendor = excluded.vendor, model = excluded.model, device_type = excluded.device_type,
          firmware_version = excluded.firmware_version, hardware_version = excluded.hardware_version,
          release_year = excluded.release_year, cpe = excluded.cpe, confidence = excluded.confidence, evidence = excluded.evidence,
          components = excluded.components, sector = excluded.sector, owner_contact = coalesce(excluded.owner_contact, devices.owner_contact), version = excluded.version, last_seen = excluded.last_seen, last_run_id = excluded.last_run_id`,
      [ip, ...identityColumnValues(identity), ownerContactColumnValue(ownerContact), version, seenAt, runId],
    );
  }
}

/** The facts of a stored version that sameDeviceVersion compares, and its number. */
function storedKeyFacts(row: PgRow): KeyFacts {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    vendor: text(row.vendor),
    model: text(row.model),
    firmwareVersion: text(row.firmwareVersion),
    hardwareVersion: text(row.hardwareVersion),
    components: JSON.parse(String(row.components ?? '[]')) as SoftwareComponent[],
    version: Number(row.version),
  };
}

/**
 * Current versions, filtered in SQL (text filters: contained, ignoring case), in address order.
 * @example await listCurrentDevices(pool, { product: 'dropbear' })
 */
export async function listCurrentDevices(db: Queryable, filter: DeviceFilter = {}): Promise<DeviceRow[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (filter.ip !== undefined) {
    values.push(filter.ip);
    where.push(`ip = $${values.length}`);
  }
  // strpos on lower(): "contains, ignoring case" without LIKE's wildcards (a '%' typed is a '%').
  for (const column of ['vendor', 'model'] as const) {
    const text = filter[column];
    if (text === undefined) continue;
    values.push(text.trim().toLowerCase());
    where.push(`strpos(lower(coalesce(${column}, '')), $${values.length}) > 0`);
  }
  if (filter.product !== undefined) {
    values.push(filter.product.trim().toLowerCase());
    where.push(`EXISTS (SELECT 1 FROM jsonb_array_elements(components::jsonb) AS c
      WHERE strpos(lower(coalesce(c ->> 'product', '')), $${values.length}) > 0 OR strpos(lower(coalesce(c ->> 'cpe', '')), $${values.length}) > 0)`);
  }
  const result = await db.query(`SELECT ip, ${identityColumns}, version FROM devices ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`, values);
  return byAddressAndPort(result.rows.map((row) => toRecord<DeviceRow>(row, ['evidence', 'components'])));
}

/**
 * Every version of the device at `ip`, oldest first.
 * @example await listVersionsAt(pool, '192.0.2.10') // [{ version: 1, firmwareVersion: '1.0', … }, { version: 2, … }]
 */
export async function listVersionsAt(db: Queryable, ip: string): Promise<DeviceVersionRow[]> {
  const result = await db.query(`SELECT ip, version, ${identityColumns} FROM device_versions WHERE ip = $1 ORDER BY version`, [ip]);
  return result.rows.map((row) => toRecord<DeviceVersionRow>(row, ['evidence', 'components']));
}

/**
 * The owner contact stored with the device at `ip` (operator-only), if its page showed one.
 * @example await readOwnerContact(pool, '192.0.2.10') // { company: 'Hikari Solar Service', source: { protocol: 'http', port: 80 } }
 */
export async function readOwnerContact(db: Queryable, ip: string): Promise<OwnerContact | undefined> {
  const result = await db.query('SELECT owner_contact AS "ownerContact" FROM devices WHERE ip = $1', [ip]);
  return ownerContactFromColumn(result.rows[0]?.ownerContact);
}
