/**
 * Findings in SQLite: the reconciliation that makes re-surveys track remediation, and
 * the queries that read findings back with their device identity.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { Finding } from '../../core/records.ts';
import type {
  FindingEventFilter,
  FindingEventRow,
  FindingFilter,
  FindingStore,
  FindingsReconciliation,
  ReconcileCounts,
  StoreSummary,
} from '../roles/findings.ts';
import type { FindingRow, FindingStatus } from '../row-types.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { byAddressAndPort, toRecord, type SqlRow } from './rows.ts';
import { runStartedAt } from './runs.ts';

/** @example const counts = await sqliteFindingStore(context).reconcileFindings(runId, { found, covered }) */
export function sqliteFindingStore({ db, file, use }: SqliteContext): FindingStore {
  return {
    reconcileFindings: (runId, input) => use('reconcileFindings', () => inTransaction(db, () => reconcile(db, runId, runStartedAt(db, file, runId), input))),
    listFindings: (filter) => use('listFindings', () => listFindingRows(db, filter)),
    listFindingEvents: (filter) => use('listFindingEvents', () => listFindingEventRows(db, filter)),
    summary: () => use('summary', () => readSummary(db)),
  };
}

/** Counts for `summary()`: whole tables, and findings and devices grouped. */
function readSummary(db: DatabaseSync): StoreSummary {
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
}

type FindingKey = Pick<Finding, 'kind' | 'ip' | 'port' | 'protocol'>;

const keyText = (key: FindingKey): string => `${key.kind}\u0000${key.ip}\u0000${key.port}\u0000${key.protocol}`;

/**
 * Applies one run's results (call inside a transaction):
 * - found and unknown → opened; found and open → updated; found and closed → reopened;
 * - covered, not found, and open → closed (remediated) once this is the `closeAfterMisses`-th
 *   check in a row that did not reproduce it; earlier checks of the streak log a `missed` event.
 *   The finding's closed_at is when the streak began (the first check that no longer saw it: the
 *   best estimate of when it was fixed); the `closed` event is dated when the streak confirmed it;
 * - anything the run did not cover is left as it was.
 * @example reconcile(db, 7, '2025-01-01T00:00:00Z', { found: [finding], covered: [] }) // { opened: 1, updated: 0, closed: 0, reopened: 0 }
 */
export function reconcile(db: DatabaseSync, runId: number, defaultClosedAt: string, input: FindingsReconciliation): ReconcileCounts {
  const counts: ReconcileCounts = { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 };
  const select = db.prepare('SELECT id, status FROM findings WHERE kind = ? AND ip = ? AND port = ? AND protocol = ?');
  const insert = db.prepare(`INSERT INTO findings
    (kind, ip, port, protocol, dictionary_entry_id, evidence, status, first_seen, last_seen, first_run_id, last_run_id)
    VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE findings SET dictionary_entry_id = ?, evidence = ?, last_seen = ?, last_run_id = ?,
    status = 'open', closed_at = NULL, closed_run_id = NULL, misses = 0 WHERE id = ?`);
  const miss = db.prepare('UPDATE findings SET misses = misses + 1 WHERE id = ? RETURNING misses');
  const close = db.prepare(`UPDATE findings SET status = 'closed', closed_at = ?, closed_run_id = ? WHERE id = ?`);
  const logEvent = db.prepare('INSERT INTO finding_events (finding_id, run_id, event, at) VALUES (?, ?, ?, ?)');
  const recentMisses = db.prepare(`SELECT at FROM finding_events WHERE finding_id = ? AND event = 'missed' ORDER BY id DESC LIMIT ?`);

  // The same finding twice in one batch is one finding: the last copy wins.
  const latestByKey = new Map<string, Finding>();
  for (const finding of input.found) latestByKey.set(keyText(finding), finding);

  for (const finding of latestByKey.values()) {
    const existing = select.get(finding.kind, finding.ip, finding.port, finding.protocol) as { id: number; status: FindingStatus } | undefined;
    const entryId = finding.dictionaryEntryId ?? null;
    const evidence = JSON.stringify(finding.evidence ?? {});
    if (!existing) {
      const inserted = insert.run(
        finding.kind,
        finding.ip,
        finding.port,
        finding.protocol,
        entryId,
        evidence,
        finding.observedAt,
        finding.observedAt,
        runId,
        runId,
      );
      logEvent.run(inserted.lastInsertRowid, runId, 'opened', finding.observedAt);
      counts.opened++;
      continue;
    }
    update.run(entryId, evidence, finding.observedAt, runId, existing.id);
    if (existing.status === 'closed') {
      logEvent.run(existing.id, runId, 'reopened', finding.observedAt);
      counts.reopened++;
    } else {
      counts.updated++;
    }
  }

  const closedAt = input.closedAt ?? defaultClosedAt;
  const closeAfterMisses = input.closeAfterMisses ?? 1;
  for (const covered of input.covered) {
    if (latestByKey.has(keyText(covered))) continue;
    const existing = select.get(covered.kind, covered.ip, covered.port, covered.protocol) as { id: number; status: FindingStatus } | undefined;
    if (existing?.status !== 'open') continue;
    const { misses } = miss.get(existing.id) as { misses: number };
    if (misses < closeAfterMisses) {
      logEvent.run(existing.id, runId, 'missed', closedAt);
      counts.missed++;
      continue;
    }
    // The misses counter resets whenever the finding is seen again, so the last misses-1 'missed' events are this streak.
    const streak = misses > 1 ? (recentMisses.all(existing.id, misses - 1) as Array<{ at: string }>) : [];
    close.run(streak.at(-1)?.at ?? closedAt, runId, existing.id);
    logEvent.run(existing.id, runId, 'closed', closedAt);
    counts.closed++;
  }
  return counts;
}

/**
 * Findings with the identity of their device (LEFT JOIN: unidentified devices still list).
 * @example listFindingRows(db, { status: 'open', kind: 'weak-credential' })
 */
export function listFindingRows(db: DatabaseSync, filter: FindingFilter = {}): FindingRow[] {
  const conditions: string[] = [];
  const parameters: SQLInputValue[] = [];
  if (filter.status) {
    conditions.push('f.status = ?');
    parameters.push(filter.status);
  }
  if (filter.kind) {
    conditions.push('f.kind = ?');
    parameters.push(filter.kind);
  }
  if (filter.runId !== undefined) {
    conditions.push('(f.last_run_id = ? OR f.closed_run_id = ?)');
    parameters.push(filter.runId, filter.runId);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = db
    .prepare(`SELECT f.id, f.kind, f.ip, f.port, f.protocol, f.dictionary_entry_id AS dictionaryEntryId, f.evidence,
        f.status, f.first_seen AS firstSeen, f.last_seen AS lastSeen, f.first_run_id AS firstRunId,
        f.last_run_id AS lastRunId, f.closed_at AS closedAt, f.closed_run_id AS closedRunId,
        d.vendor, d.model, d.device_type AS deviceType, d.firmware_version AS firmwareVersion, d.release_year AS releaseYear
      FROM findings f LEFT JOIN devices d ON d.ip = f.ip ${where}`)
    .all(...parameters) as SqlRow[];
  return byAddressAndPort(rows.map((row) => toRecord<FindingRow>(row, ['evidence'])));
}

/**
 * State changes of findings, oldest first.
 * @example listFindingEventRows(db, { findingId: 3 }) // [{ event: 'opened', … }, { event: 'closed', … }]
 */
export function listFindingEventRows(db: DatabaseSync, filter: FindingEventFilter = {}): FindingEventRow[] {
  const conditions: string[] = [];
  const parameters: SQLInputValue[] = [];
  if (filter.findingId !== undefined) {
    conditions.push('finding_id = ?');
    parameters.push(filter.findingId);
  }
  if (filter.runId !== undefined) {
    conditions.push('run_id = ?');
    parameters.push(filter.runId);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = db.prepare(`SELECT finding_id AS findingId, run_id AS runId, event, at FROM finding_events ${where} ORDER BY id`).all(...parameters) as SqlRow[];
  return rows.map((row) => toRecord<FindingEventRow>(row));
}
