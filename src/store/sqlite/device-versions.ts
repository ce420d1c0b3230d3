/**
 * Devices in SQLite with their history: `devices` holds the current version per address (what
 * joins and listDevices read), `device_versions` every version (migration 010). Whether an
 * identity is a new version is decided by core/device-version.ts, not here.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { sameDeviceVersion } from '../../core/device-version.ts';
import type { Device, DeviceIdentity, OwnerContact, SoftwareComponent } from '../../core/records.ts';
import { identityColumnValues, ownerContactColumnValue, ownerContactFromColumn } from '../row-mapping.ts';
import type { DeviceFilter, DeviceRow, DeviceVersionRow } from '../roles/inventory.ts';
import { byAddressAndPort, toRecord, type SqlRow } from './rows.ts';

const identityColumns = `vendor, model, device_type AS deviceType, firmware_version AS firmwareVersion, hardware_version AS hardwareVersion,
  release_year AS releaseYear, cpe, confidence, evidence, components, sector, first_seen AS firstSeen, last_seen AS lastSeen,
  first_run_id AS firstRunId, last_run_id AS lastRunId`;

/**
 * A writer for one batch (call inside a transaction): each device becomes a new version or
 * moves the last sight of its current one, then the address's current row follows.
 * @example const write = deviceWriter(db); for (const device of devices) write(device, runId, seenAt)
 */
export function deviceWriter(db: DatabaseSync): (device: Device, runId: number, seenAt: string) => void {
  const latest = db.prepare(`SELECT version, vendor, model, firmware_version AS firmwareVersion, hardware_version AS hardwareVersion, components
    FROM device_versions WHERE ip = ? ORDER BY version DESC LIMIT 1`);
  const insertVersion = db.prepare(`INSERT INTO device_versions
      (ip, version, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence, components, sector,
       first_seen, last_seen, first_run_id, last_run_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // The same version seen again: its facts are refreshed (a rule may now read more), its first sight kept.
  const touchVersion = db.prepare(`UPDATE device_versions SET
      vendor = ?, model = ?, device_type = ?, firmware_version = ?, hardware_version = ?, release_year = ?, cpe = ?, confidence = ?, evidence = ?,
      components = ?, sector = ?, last_seen = ?, last_run_id = ?
    WHERE ip = ? AND version = ?`);
  const upsertCurrent = db.prepare(`INSERT INTO devices
      (ip, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence, components, sector,
       owner_contact, version, first_seen, last_seen, first_run_id, last_run_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (ip) DO UPDATE SET
      vendor = excluded.vendor, model = excluded.model, device_type = excluded.device_type,
      firmware_version = excluded.firmware_version, hardware_version = excluded.hardware_version,
      release_year = excluded.release_year, cpe = excluded.cpe, confidence = excluded.confidence, evidence = excluded.evidence,
      components = excluded.components, sector = excluded.sector, owner_contact = coalesce(excluded.owner_contact, devices.owner_contact), version = excluded.version,
      last_seen = excluded.last_seen, last_run_id = excluded.last_run_id`);

  return ({ ip, identity, ownerContact }, runId, seenAt) => {
    const previous = latest.get(ip) as SqlRow | undefined;
    let version: number;
    if (previous && sameDeviceVersion(storedKeyFacts(previous), identity)) {
      version = Number(previous.version);
      touchVersion.run(...identityColumnValues(identity), seenAt, runId, ip, version);
    } else {
      version = previous ? Number(previous.version) + 1 : 1;
      insertVersion.run(ip, version, ...identityColumnValues(identity), seenAt, seenAt, runId, runId);
    }
    upsertCurrent.run(ip, ...identityColumnValues(identity), ownerContactColumnValue(ownerContact), version, seenAt, seenAt, runId, runId);
  };
}

/** The facts of a stored version that sameDeviceVersion compares. */
function storedKeyFacts(row: SqlRow): Pick<DeviceIdentity, 'vendor' | 'model' | 'firmwareVersion' | 'hardwareVersion' | 'components'> {
  const text = (value: SqlRow[string]) => (typeof value === 'string' ? value : undefined);
  return {
    vendor: text(row.vendor),
    model: text(row.model),
    firmwareVersion: text(row.firmwareVersion),
    hardwareVersion: text(row.hardwareVersion),
    components: JSON.parse(String(row.components ?? '[]')) as SoftwareComponent[],
  };
}

/**
 * Current versions, filtered in SQL (text filters: contained, ignoring case), in address order.
 * @example listCurrentDevices(db, { product: 'dropbear' })
 */
export function listCurrentDevices(db: DatabaseSync, filter: DeviceFilter = {}): DeviceRow[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.ip !== undefined) {
    where.push('ip = ?');
    values.push(filter.ip);
  }
  for (const column of ['vendor', 'model'] as const) {
    const text = filter[column];
    if (text === undefined) continue;
    where.push(`instr(lower(coalesce(${column}, '')), ?) > 0`);
    values.push(text.trim().toLowerCase());
  }
  if (filter.product !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM json_each(components) AS c
      WHERE instr(lower(coalesce(json_extract(c.value, '$.product'), '')), ?) > 0 OR instr(lower(coalesce(json_extract(c.value, '$.cpe'), '')), ?) > 0)`);
    const text = filter.product.trim().toLowerCase();
    values.push(text, text);
  }
  const rows = db
    .prepare(`SELECT ip, ${identityColumns}, version FROM devices ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`)
    .all(...values) as SqlRow[];
  return byAddressAndPort(rows.map((row) => toRecord<DeviceRow>(row, ['evidence', 'components'])));
}

/**
 * Every version of the device at `ip`, oldest first.
 * @example listVersionsAt(db, '192.0.2.10') // [{ version: 1, firmwareVersion: '1.0', … }, { version: 2, … }]
 */
export function listVersionsAt(db: DatabaseSync, ip: string): DeviceVersionRow[] {
  const rows = db.prepare(`SELECT ip, version, ${identityColumns} FROM device_versions WHERE ip = ? ORDER BY version`).all(ip) as SqlRow[];
  return rows.map((row) => toRecord<DeviceVersionRow>(row, ['evidence', 'components']));
}

/**
 * The owner contact stored with the device at `ip` (operator-only), if its page showed one.
 * @example readOwnerContact(db, '192.0.2.10') // { company: 'Hikari Solar Service', phone: '03-1234-5678', source: { protocol: 'http', port: 80 } }
 */
export function readOwnerContact(db: DatabaseSync, ip: string): OwnerContact | undefined {
  const row = db.prepare('SELECT owner_contact AS ownerContact FROM devices WHERE ip = ?').get(ip) as SqlRow | undefined;
  return ownerContactFromColumn(row?.ownerContact);
}
