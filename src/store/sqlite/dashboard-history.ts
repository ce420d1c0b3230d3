/**
 * One finding's whole story for the dashboard's detail page (every query is a primary-key
 * or indexed look-up), and the little "check my connection" may tell about an address.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { FeedbackRow } from '../roles/feedback.ts';
import type { AddressFinding } from '../roles/address-check.ts';
import type { FindingHistory } from '../roles/dashboard-findings.ts';
import type { DarknetSourceRow, FindingRow, ServiceRow } from '../row-types.ts';
import { toRecord, type SqlRow } from './rows.ts';

const one = <T>(db: DatabaseSync, sql: string, jsonColumns: string[], ...values: Array<string | number>): T | undefined => {
  const row = db.prepare(sql).get(...values) as SqlRow | undefined;
  return row ? toRecord<T>(row, jsonColumns) : undefined;
};
const all = <T>(db: DatabaseSync, sql: string, jsonColumns: string[], ...values: Array<string | number>): T[] =>
  (db.prepare(sql).all(...values) as SqlRow[]).map((row) => toRecord<T>(row, jsonColumns));

/**
 * @example readFindingHistory(db, 42)?.events // [{ event: 'opened', … }, { event: 'closed', … }]
 */
export function readFindingHistory(db: DatabaseSync, findingId: number): FindingHistory | undefined {
  const finding = one<FindingRow & { misses: number }>(
    db,
    `SELECT id, kind, ip, port, protocol, dictionary_entry_id AS dictionaryEntryId,
      evidence, status, first_seen AS firstSeen, last_seen AS lastSeen, first_run_id AS firstRunId, last_run_id AS lastRunId,
      closed_at AS closedAt, closed_run_id AS closedRunId, misses FROM findings WHERE id = ?`,
    ['evidence'],
    findingId,
  );
  if (!finding) return undefined;
  const { misses, ...row } = finding;
  const device = one<NonNullable<FindingHistory['device']>>(
    db,
    `SELECT vendor, model, device_type AS deviceType,
      firmware_version AS firmwareVersion, hardware_version AS hardwareVersion, release_year AS releaseYear, cpe, confidence,
      evidence, sector, owner_contact AS ownerContact, first_seen AS firstSeen, last_seen AS lastSeen FROM devices WHERE ip = ?`,
    ['evidence', 'ownerContact'],
    row.ip,
  );
  if (device)
    Object.assign(row, {
      vendor: device.vendor,
      model: device.model,
      deviceType: device.deviceType,
      firmwareVersion: device.firmwareVersion,
      releaseYear: device.releaseYear,
    });
  const attribution = one<NonNullable<FindingHistory['attribution']>>(
    db,
    `SELECT a.prefix, a.asn, a.as_name AS asName, a.isp_id AS ispId,
      i.name AS ispName, a.source, a.unattributed_reason AS unattributedReason, a.attributed_at AS attributedAt
    FROM finding_attributions a LEFT JOIN isps i ON i.id = a.isp_id WHERE a.finding_id = ?`,
    [],
    findingId,
  );
  const events = all<FindingHistory['events'][number]>(
    db,
    `SELECT e.event, e.at, e.run_id AS runId, r.started_at AS runStartedAt, r.checks AS runChecks
    FROM finding_events e LEFT JOIN runs r ON r.id = e.run_id WHERE e.finding_id = ? ORDER BY e.id`,
    ['runChecks'],
    findingId,
  );
  const reports = all<{ reportId: number; ispId?: string; integratorId?: string; audience: string; createdAt: string }>(
    db,
    `SELECT r.id AS reportId, r.isp_id AS ispId, r.integrator_id AS integratorId,
      r.audience, r.created_at AS createdAt FROM report_findings rf JOIN reports r ON r.id = rf.report_id WHERE rf.finding_id = ? ORDER BY r.id`,
    [],
    findingId,
  );
  const deliveries = db.prepare(`SELECT channel, destination, status, attempts, delivered_at AS deliveredAt, last_attempt_at AS lastAttemptAt
    FROM outbox WHERE report_id = ? ORDER BY id`);
  const feedback = all<FeedbackRow>(
    db,
    `SELECT id, finding_id AS findingId, isp_id AS ispId, action, note, author, at
    FROM isp_feedback WHERE finding_id = ? ORDER BY id`,
    [],
    findingId,
  );
  const service = one<ServiceRow>(
    db,
    `SELECT ip, port, protocol, status, result, error, duration_ms AS durationMs, first_seen AS firstSeen,
      last_seen AS lastSeen, first_run_id AS firstRunId, last_run_id AS lastRunId FROM services WHERE ip = ? AND port = ? AND protocol = ?`,
    ['result'],
    row.ip,
    row.port,
    row.protocol,
  );
  const darknet = all<DarknetSourceRow>(
    db,
    `SELECT s.ip, s.verdict, s.family, s.tool, s.packets, s.distinct_destinations AS distinctDestinations,
      s.top_ports AS topPorts, s.hits, s.first_seen AS firstSeen, s.last_seen AS lastSeen, s.reason, w.darknet, w.start AS windowStart,
      w.period_seconds AS periodSeconds
    FROM darknet_sources s JOIN darknet_windows w ON w.id = s.window_id WHERE s.ip = ? ORDER BY w.start DESC, w.period_seconds DESC LIMIT 20`,
    ['topPorts', 'hits'],
    row.ip,
  );
  return {
    finding: row,
    ...(device ? { device } : {}),
    ...(attribution ? { attribution } : {}),
    events,
    resurvey: { firstRunId: row.firstRunId, lastRunId: row.lastRunId, misses, ...(row.closedRunId !== undefined ? { closedRunId: row.closedRunId } : {}) },
    reports: reports.map((report) => ({ ...report, deliveries: (deliveries.all(report.reportId) as SqlRow[]).map((entry) => toRecord(entry)) })),
    feedback,
    ...(service ? { service } : {}),
    darknet,
  };
}

/**
 * Open findings at one address with the device's identity — and nothing else (no port,
 * no evidence, no credential reference).
 * @example readOpenFindingsAt(db, '192.0.2.7') // [{ kind: 'weak-credential', lastSeen: '…', vendor: 'Korvan' }]
 */
export function readOpenFindingsAt(db: DatabaseSync, ip: string): AddressFinding[] {
  return all<AddressFinding>(
    db,
    `SELECT f.kind, max(f.last_seen) AS lastSeen, d.device_type AS deviceType, d.vendor, d.model
    FROM findings f INDEXED BY findings_by_ip LEFT JOIN devices d ON d.ip = f.ip
    WHERE f.ip = ? AND f.status = 'open' GROUP BY f.kind ORDER BY f.kind LIMIT 20`,
    [],
    ip,
  );
}
