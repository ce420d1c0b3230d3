/**
 * Findings in PostgreSQL: the reconciliation that makes re-surveys track remediation (in
 * finding-reconciliation.ts), and the queries that read findings back with their device identity.
 */
import type { FindingEventRow, FindingStore, StoreSummary } from '../roles/findings.ts';
import type { FindingRow } from '../row-types.ts';
import type { PostgresContext, Queryable } from './database.ts';
import { reconcileFindingsIn } from './finding-reconciliation.ts';
import { byAddressAndPort, toRecord } from './rows.ts';
import { runStartedAt } from './runs.ts';

/** @example const counts = await postgresFindingStore(context).reconcileFindings(runId, { found, covered }) */
export function postgresFindingStore({ location, use, transaction }: PostgresContext): FindingStore {
  return {
    reconcileFindings: (runId, input) =>
      transaction('reconcileFindings', async (client) => reconcileFindingsIn(client, runId, await runStartedAt(client, location, runId), input)),

    listFindings: (filter = {}) =>
      use('listFindings', async (db) => {
        const conditions: string[] = [];
        const values: unknown[] = [];
        if (filter.status) {
          values.push(filter.status);
          conditions.push(`f.status = $${values.length}`);
        }
        if (filter.kind) {
          values.push(filter.kind);
          conditions.push(`f.kind = $${values.length}`);
        }
        if (filter.runId !== undefined) {
          values.push(filter.runId);
          conditions.push(`(f.last_run_id = $${values.length} OR f.closed_run_id = $${values.length})`);
        }
        const result = await db.query(
          `SELECT f.id, f.kind, f.ip, f.port, f.protocol, f.dictionary_entry_id AS "dictionaryEntryId", f.evidence,
              f.status, f.first_seen AS "firstSeen", f.last_seen AS "lastSeen", f.first_run_id AS "firstRunId",
              f.last_run_id AS "lastRunId", f.closed_at AS "closedAt", f.closed_run_id AS "closedRunId",
              d.vendor, d.model, d.device_type AS "deviceType", d.firmware_version AS "firmwareVersion", d.release_year AS "releaseYear"
            FROM findings f LEFT JOIN devices d ON d.ip = f.ip ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}`,
          values,
        );
        return byAddressAndPort(result.rows.map((row) => toRecord<FindingRow>(row, ['evidence'])));
      }),

    listFindingEvents: (filter = {}) =>
      use('listFindingEvents', async (db) => {
        const conditions: string[] = [];
        const values: unknown[] = [];
        if (filter.findingId !== undefined) {
          values.push(filter.findingId);
          conditions.push(`finding_id = $${values.length}`);
        }
        if (filter.runId !== undefined) {
          values.push(filter.runId);
          conditions.push(`run_id = $${values.length}`);
        }
        const result = await db.query(
          `SELECT finding_id AS "findingId", run_id AS "runId", event, at FROM finding_events
            ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY id`,
          values,
        );
        return result.rows.map((row) => toRecord<FindingEventRow>(row));
      }),

    summary: () => use('summary', readSummary),
  };
}

/** Counts for `summary()`: whole tables, and findings and devices grouped. */
async function readSummary(db: Queryable): Promise<StoreSummary> {
  const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
  const rows = async <T>(sql: string): Promise<T[]> => (await db.query(sql)).rows.map((row) => toRecord<T>(row));
  return {
    runs: await count('runs'),
    services: await count('services'),
    devices: await count('devices'),
    findings: await rows('SELECT kind, status, count(*) AS count FROM findings GROUP BY kind, status ORDER BY kind, status'),
    devicesByType: await rows('SELECT device_type AS "deviceType", count(*) AS count FROM devices GROUP BY device_type ORDER BY count DESC, device_type'),
    // NULLS FIRST: SQLite sorts NULL before any text.
    devicesByVendor: await rows('SELECT vendor, count(*) AS count FROM devices GROUP BY vendor ORDER BY count DESC, vendor NULLS FIRST'),
  };
}
