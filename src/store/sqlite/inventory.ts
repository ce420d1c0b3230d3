/** Services and devices in SQLite: upserts keyed by (ip, port, protocol) and by ip. */
import type { DeviceRow, InventoryStore } from '../roles/inventory.ts';
import type { ServiceRow } from '../row-types.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { byAddressAndPort, toRecord, type SqlRow } from './rows.ts';
import { runStartedAt } from './runs.ts';

/** @example await sqliteInventoryStore(context).recordServices(runId, observations) */
export function sqliteInventoryStore({ db, file, use }: SqliteContext): InventoryStore {
  return {
    recordServices: (runId, services) =>
      use('recordServices', () => {
        const upsert = db.prepare(`INSERT INTO services
            (ip, port, protocol, status, result, error, duration_ms, first_seen, last_seen, first_run_id, last_run_id, detection)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (ip, port, protocol) DO UPDATE SET
            status = excluded.status, result = excluded.result, error = excluded.error, detection = excluded.detection,
            duration_ms = excluded.duration_ms, last_seen = excluded.last_seen, last_run_id = excluded.last_run_id`);
        inTransaction(db, () => {
          runStartedAt(db, file, runId);
          for (const service of services) {
            upsert.run(
              service.ip,
              service.port,
              service.protocol,
              service.status,
              JSON.stringify(service.result ?? {}),
              service.error ?? null,
              Math.round(service.durationMs),
              service.observedAt,
              service.observedAt,
              runId,
              runId,
              service.detection ? JSON.stringify(service.detection) : null,
            );
          }
        });
      }),

    recordDevices: (runId, devices, options = {}) =>
      use('recordDevices', () => {
        const upsert = db.prepare(`INSERT INTO devices
            (ip, vendor, model, device_type, firmware_version, hardware_version, release_year, cpe, confidence, evidence,
             first_seen, last_seen, first_run_id, last_run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (ip) DO UPDATE SET
            vendor = excluded.vendor, model = excluded.model, device_type = excluded.device_type,
            firmware_version = excluded.firmware_version, hardware_version = excluded.hardware_version,
            release_year = excluded.release_year, cpe = excluded.cpe,
            confidence = excluded.confidence, evidence = excluded.evidence,
            last_seen = excluded.last_seen, last_run_id = excluded.last_run_id`);
        inTransaction(db, () => {
          const seenAt = options.observedAt ?? runStartedAt(db, file, runId);
          for (const { ip, identity } of devices) {
            upsert.run(
              ip,
              identity.vendor,
              identity.model ?? null,
              identity.deviceType,
              identity.firmwareVersion ?? null,
              identity.hardwareVersion ?? null,
              identity.releaseYear ?? null,
              identity.cpe ?? null,
              identity.confidence,
              JSON.stringify(identity.evidence ?? []),
              seenAt,
              seenAt,
              runId,
              runId,
            );
          }
        });
      }),

    listServices: (filter = {}) =>
      use('listServices', () => {
        const where = filter.ip !== undefined ? 'WHERE ip = ?' : '';
        const rows = db
          .prepare(`SELECT ip, port, protocol, status, result, error, duration_ms AS durationMs, first_seen AS firstSeen,
              last_seen AS lastSeen, first_run_id AS firstRunId, last_run_id AS lastRunId, detection FROM services ${where}`)
          .all(...(filter.ip !== undefined ? [filter.ip] : [])) as SqlRow[];
        return byAddressAndPort(rows.map((row) => toRecord<ServiceRow>(row, ['result', 'detection'])));
      }),

    listDevices: () =>
      use('listDevices', () => {
        const rows = db
          .prepare(`SELECT ip, vendor, model, device_type AS deviceType, firmware_version AS firmwareVersion,
              hardware_version AS hardwareVersion, release_year AS releaseYear, cpe, confidence, evidence, first_seen AS firstSeen, last_seen AS lastSeen,
              first_run_id AS firstRunId, last_run_id AS lastRunId FROM devices`)
          .all() as SqlRow[];
        return byAddressAndPort(rows.map((row) => toRecord<DeviceRow>(row, ['evidence'])));
      }),
  };
}
