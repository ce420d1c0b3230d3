/**
 * Services and devices in PostgreSQL: a batch of services is one multi-row upsert by
 * (ip, port, protocol); devices by ip, with their versions (device-versions.ts).
 */
import type { ServiceObservation } from '../../core/records.ts';
import type { InventoryStore } from '../roles/inventory.ts';
import type { ServiceRow } from '../row-types.ts';
import type { PostgresContext } from './database.ts';
import { listCurrentDevices, listVersionsAt, readOwnerContact, writeDevices } from './device-versions.ts';
import { byAddressAndPort, toRecord } from './rows.ts';
import { runStartedAt } from './runs.ts';

/**
 * One row per (ip, port, protocol), as sequential upserts would leave it: the first copy's
 * time is the first sight, the last copy wins everything else. ON CONFLICT cannot update one
 * row twice in a statement, so the batch is merged here. Sorted by key, so two workers whose
 * batches overlap take the row locks in the same order and cannot deadlock.
 */
function mergedServices(services: readonly ServiceObservation[]): Array<ServiceObservation & { firstSeen: string }> {
  const byKey = new Map<string, ServiceObservation & { firstSeen: string }>();
  for (const service of services) {
    const key = `${service.ip}\u0000${service.port}\u0000${service.protocol}`;
    byKey.set(key, { ...service, firstSeen: byKey.get(key)?.firstSeen ?? service.observedAt });
  }
  return [...byKey.values()].sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port || (a.protocol < b.protocol ? -1 : 1)));
}

/** @example await postgresInventoryStore(context).recordServices(runId, observations) */
export function postgresInventoryStore({ location, use, transaction }: PostgresContext): InventoryStore {
  return {
    recordServices: (runId, services) =>
      transaction('recordServices', async (client) => {
        await runStartedAt(client, location, runId);
        const rows = mergedServices(services);
        if (rows.length === 0) return;
        await client.query(
          `INSERT INTO services (ip, port, protocol, status, result, error, duration_ms, first_seen, last_seen, first_run_id, last_run_id, detection)
            SELECT ip, port, protocol, status, result, error, duration_ms, first_seen, last_seen, $1, $1, detection
            FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])
              AS s(ip, port, protocol, status, result, error, duration_ms, first_seen, last_seen, detection)
          ON CONFLICT (ip, port, protocol) DO UPDATE SET
            status = excluded.status, result = excluded.result, error = excluded.error, detection = excluded.detection,
            duration_ms = excluded.duration_ms, last_seen = excluded.last_seen, last_run_id = excluded.last_run_id`,
          [
            runId,
            rows.map((row) => row.ip),
            rows.map((row) => row.port),
            rows.map((row) => row.protocol),
            rows.map((row) => row.status),
            rows.map((row) => JSON.stringify(row.result ?? {})),
            rows.map((row) => row.error ?? null),
            rows.map((row) => Math.round(row.durationMs)),
            rows.map((row) => row.firstSeen),
            rows.map((row) => row.observedAt),
            rows.map((row) => (row.detection ? JSON.stringify(row.detection) : null)),
          ],
        );
      }),

    recordDevices: (runId, devices, options = {}) =>
      transaction('recordDevices', async (client) => {
        const started = await runStartedAt(client, location, runId);
        await writeDevices(client, devices, runId, options.observedAt ?? started);
      }),

    listServices: (filter = {}) =>
      use('listServices', async (db) => {
        const result = await db.query(
          `SELECT ip, port, protocol, status, result, error, duration_ms AS "durationMs", first_seen AS "firstSeen",
              last_seen AS "lastSeen", first_run_id AS "firstRunId", last_run_id AS "lastRunId", detection
            FROM services ${filter.ip !== undefined ? 'WHERE ip = $1' : ''}`,
          filter.ip !== undefined ? [filter.ip] : [],
        );
        return byAddressAndPort(result.rows.map((row) => toRecord<ServiceRow>(row, ['result', 'detection'])));
      }),

    listDevices: (filter) => use('listDevices', (db) => listCurrentDevices(db, filter)),

    listDeviceVersions: (ip) => use('listDeviceVersions', (db) => listVersionsAt(db, ip)),

    deviceOwnerContact: (ip) => use('deviceOwnerContact', (db) => readOwnerContact(db, ip)),
  };
}
