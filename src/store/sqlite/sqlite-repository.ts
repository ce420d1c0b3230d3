/**
 * The embedded store: one SQLite file through node:sqlite. SQLite calls are
 * synchronous; the repository still returns Promises so callers are written for the
 * interface a PostgreSQL implementation will also satisfy.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { CredentialAttempt, Device, ServiceObservation } from '../../core/records.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { migrations } from '../migrations/index.ts';
import type {
  AttemptRow,
  DeviceRow,
  FindingsReconciliation,
  PlanReference,
  RunFinish,
  RunRow,
  RunStart,
  ServiceRow,
  StoreSummary,
  SurveyRepository,
} from '../repository.ts';
import { inTransaction, openDatabase, storeError } from './database.ts';
import { readDarknetInput, readDarknetSources, readDarknetWindow, readDarknetWindows, writeDarknetWindows } from './darknet.ts';
import { notificationMethods } from './notification-methods.ts';
import { webAuthMethods } from './web-auth.ts';
import { portalMethods } from './web-auth-portal.ts';
import { dashboardMethods } from './dashboard-methods.ts';
import { optOutMethods } from './opt-outs.ts';
import { listFindingEventRows, listFindingRows, reconcile } from './findings.ts';
import { applyMigrations } from './migrate.ts';
import {
  insertFeedImport,
  listFeedImportRows,
  listKevRows,
  listVulnerabilityRows,
  upsertKevRows,
  upsertVulnerabilityRows,
  vulnerabilityCountRows,
} from './vulnerabilities.ts';
import { byAddressAndPort, toRecord, type SqlRow } from './rows.ts';

const runColumns = `id, started_at AS startedAt, finished_at AS finishedAt, status, seed, scope, exclude, ports, checks,
  plan_file AS planFile, plan_sha256 AS planSha256, plan_operator AS planOperator, counts`;

/**
 * Opens (creating if needed) an SQLite store and migrates it to the current schema.
 * @example const store = openSqliteRepository(':memory:')
 */
export function openSqliteRepository(file: string): SurveyRepository {
  const db = openDatabase(file);
  try {
    applyMigrations(db, migrations, file);
  } catch (error) {
    db.close();
    throw storeError(file, 'cannot prepare the database schema', error);
  }
  return createRepository(db, file);
}

function createRepository(db: DatabaseSync, file: string): SurveyRepository {
  /** Every method goes through here: closed-store check, and SQLite errors as STORE_FAILED. */
  const use = async <T>(operation: string, work: () => T): Promise<T> => {
    if (!db.isOpen) throw new OpenNoticeError('STORE_FAILED', `${operation}: the store is closed`, { file });
    try {
      return work();
    } catch (error) {
      throw storeError(file, `${operation} failed`, error);
    }
  };

  const runStartedAt = (runId: number): string => {
    const row = db.prepare('SELECT started_at FROM runs WHERE id = ?').get(runId) as { started_at: string } | undefined;
    if (!row) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file });
    return row.started_at;
  };

  return {
    ...notificationMethods(db, use),
    ...webAuthMethods(db, use),
    ...portalMethods(db, use),
    ...dashboardMethods(db, use),
    ...optOutMethods(db, use),
    location: file,

    startRun: (run: RunStart) =>
      use('startRun', () => {
        const result = db
          .prepare(`INSERT INTO runs (started_at, seed, scope, exclude, ports, checks, plan_file, plan_sha256, plan_operator)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
          .run(
            run.startedAt,
            run.seed === undefined ? null : JSON.stringify(run.seed),
            JSON.stringify(run.scope),
            JSON.stringify(run.exclude),
            JSON.stringify(run.ports),
            JSON.stringify(run.checks),
            run.plan?.file ?? null,
            run.plan?.sha256 ?? null,
            run.plan?.operator ?? null,
          );
        return Number(result.lastInsertRowid);
      }),

    finishRun: (runId: number, finish: RunFinish) =>
      use('finishRun', () => {
        const result = db
          .prepare('UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?')
          .run(finish.finishedAt, finish.status, JSON.stringify(finish.counts), runId);
        if (result.changes === 0) throw new OpenNoticeError('STORE_FAILED', `there is no survey run ${runId}`, { file });
      }),

    recordServices: (runId: number, services: readonly ServiceObservation[]) =>
      use('recordServices', () => {
        const upsert = db.prepare(`INSERT INTO services
            (ip, port, protocol, status, result, error, duration_ms, first_seen, last_seen, first_run_id, last_run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (ip, port, protocol) DO UPDATE SET
            status = excluded.status, result = excluded.result, error = excluded.error,
            duration_ms = excluded.duration_ms, last_seen = excluded.last_seen, last_run_id = excluded.last_run_id`);
        inTransaction(db, () => {
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
            );
          }
        });
      }),

    recordDevices: (runId: number, devices: readonly Device[], options: { observedAt?: string } = {}) =>
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
          const seenAt = options.observedAt ?? runStartedAt(runId);
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

    recordAttempts: (runId: number, attempts: readonly CredentialAttempt[]) =>
      use('recordAttempts', () => {
        const insert = db.prepare(`INSERT INTO credential_attempts
          (run_id, ip, port, protocol, dictionary_entry_id, username, outcome, detail, attempted_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        inTransaction(db, () => {
          for (const attempt of attempts) {
            insert.run(
              runId,
              attempt.ip,
              attempt.port,
              attempt.protocol,
              attempt.dictionaryEntryId,
              attempt.username,
              attempt.outcome,
              attempt.detail ?? null,
              attempt.attemptedAt,
            );
          }
        });
      }),

    reconcileFindings: (runId: number, input: FindingsReconciliation) =>
      use('reconcileFindings', () => inTransaction(db, () => reconcile(db, runId, runStartedAt(runId), input))),

    listFindings: (filter) => use('listFindings', () => listFindingRows(db, filter)),

    listFindingEvents: (filter) => use('listFindingEvents', () => listFindingEventRows(db, filter)),

    listServices: (filter = {}) =>
      use('listServices', () => {
        const where = filter.ip !== undefined ? 'WHERE ip = ?' : '';
        const rows = db
          .prepare(`SELECT ip, port, protocol, status, result, error, duration_ms AS durationMs, first_seen AS firstSeen,
              last_seen AS lastSeen, first_run_id AS firstRunId, last_run_id AS lastRunId FROM services ${where}`)
          .all(...(filter.ip !== undefined ? [filter.ip] : [])) as SqlRow[];
        return byAddressAndPort(rows.map((row) => toRecord<ServiceRow>(row, ['result'])));
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

    listRuns: () => use('listRuns', () => (db.prepare(`SELECT ${runColumns} FROM runs ORDER BY id`).all() as SqlRow[]).map(toRunRow)),

    getRun: (runId: number) =>
      use('getRun', () => {
        const row = db.prepare(`SELECT ${runColumns} FROM runs WHERE id = ?`).get(runId) as SqlRow | undefined;
        return row ? toRunRow(row) : undefined;
      }),

    listAttempts: (runId: number) =>
      use('listAttempts', () => {
        const rows = db
          .prepare(`SELECT a.id, a.run_id AS runId, a.ip, a.port, a.protocol, a.dictionary_entry_id AS dictionaryEntryId,
              a.username, a.outcome, a.detail, a.attempted_at AS attemptedAt,
              r.plan_file AS planFile, r.plan_sha256 AS planSha256, r.plan_operator AS planOperator
            FROM credential_attempts a JOIN runs r ON r.id = a.run_id WHERE a.run_id = ? ORDER BY a.id`)
          .all(runId) as SqlRow[];
        return rows.map((row) => {
          const { planFile, planSha256, planOperator, ...attempt } = toRecord<AttemptRow & PlanColumns>(row);
          return { ...attempt, ...planOf({ planFile, planSha256, planOperator }) };
        });
      }),

    summary: () =>
      use('summary', (): StoreSummary => {
        const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        const rows = <T>(sql: string): T[] => (db.prepare(sql).all() as SqlRow[]).map((row) => toRecord<T>(row));
        return {
          runs: count('runs'),
          services: count('services'),
          devices: count('devices'),
          findings: rows('SELECT kind, status, count(*) AS count FROM findings GROUP BY kind, status ORDER BY kind, status'),
          devicesByType: rows('SELECT device_type AS deviceType, count(*) AS count FROM devices GROUP BY device_type ORDER BY count DESC, deviceType'),
          devicesByVendor: rows('SELECT vendor, count(*) AS count FROM devices GROUP BY vendor ORDER BY count DESC, vendor'),
        };
      }),

    upsertVulnerabilities: (records, options = {}) =>
      use('upsertVulnerabilities', () => inTransaction(db, () => upsertVulnerabilityRows(db, records, options.importedAt ?? new Date().toISOString()))),

    upsertKev: (entries, options = {}) =>
      use('upsertKev', () => inTransaction(db, () => upsertKevRows(db, entries, options.importedAt ?? new Date().toISOString()))),

    listVulnerabilities: () => use('listVulnerabilities', () => listVulnerabilityRows(db)),

    getVulnerability: (cveId: string) => use('getVulnerability', () => listVulnerabilityRows(db, cveId)[0]),

    listKev: () => use('listKev', () => listKevRows(db)),

    vulnerabilityCounts: () => use('vulnerabilityCounts', () => vulnerabilityCountRows(db)),

    recordFeedImport: (report, times) => use('recordFeedImport', () => insertFeedImport(db, report, times)),

    listFeedImports: (filter) => use('listFeedImports', () => listFeedImportRows(db, filter)),

    recordDarknetWindows: (runId, windows, inputs = []) =>
      use('recordDarknetWindows', () =>
        inTransaction(db, () => {
          runStartedAt(runId);
          writeDarknetWindows(db, runId, windows, inputs);
        }),
      ),

    getDarknetInput: (fingerprint) => use('getDarknetInput', () => readDarknetInput(db, fingerprint)),

    getDarknetWindow: (key) => use('getDarknetWindow', () => readDarknetWindow(db, key)),

    listDarknetWindows: (filter) => use('listDarknetWindows', () => readDarknetWindows(db, filter)),

    listDarknetSources: (filter) => use('listDarknetSources', () => readDarknetSources(db, filter)),

    close: async () => {
      if (db.isOpen) db.close();
    },
  };
}

interface PlanColumns {
  planFile?: string;
  planSha256?: string;
  planOperator?: string;
}

function planOf(columns: PlanColumns): { plan?: PlanReference } {
  if (columns.planFile === undefined) return {};
  return { plan: { file: columns.planFile, sha256: columns.planSha256 ?? '', operator: columns.planOperator ?? '' } };
}

function toRunRow(row: SqlRow): RunRow {
  const { planFile, planSha256, planOperator, ...run } = toRecord<RunRow & PlanColumns>(row, ['seed', 'scope', 'exclude', 'ports', 'checks', 'counts']);
  return { ...run, ...planOf({ planFile, planSha256, planOperator }) };
}
