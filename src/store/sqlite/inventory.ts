/** Services and devices in SQLite: services upserted by (ip, port, protocol); devices by ip, with their versions (device-versions.ts). */
import type { InventoryStore } from '../roles/inventory.ts';
import type { ServiceRow } from '../row-types.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { byAddressAndPort, toRecord, type SqlRow } from './rows.ts';
import { runStartedAt } from './runs.ts';
import { deviceWriter, listCurrentDevices, listVersionsAt, readOwnerContact } from './device-versions.ts';

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
        const write = deviceWriter(db);
        inTransaction(db, () => {
          const seenAt = options.observedAt ?? runStartedAt(db, file, runId);
          for (const device of devices) write(device, runId, seenAt);
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

    listDevices: (filter) => use('listDevices', () => listCurrentDevices(db, filter)),

    listDeviceVersions: (ip) => use('listDeviceVersions', () => listVersionsAt(db, ip)),

    deviceOwnerContact: (ip) => use('deviceOwnerContact', () => readOwnerContact(db, ip)),
  };
}
