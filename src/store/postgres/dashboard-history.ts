/**
 * One finding's whole story for the dashboard's detail page, and the little "check my
 * connection" may tell about an address, in PostgreSQL. Every query is a primary-key or
 * indexed look-up; the deliveries of all the finding's reports come back in one query.
 */
import type { AddressFinding } from '../roles/address-check.ts';
import type { FindingHistory } from '../roles/dashboard-findings.ts';
import type { FeedbackRow } from '../roles/feedback.ts';
import type { DarknetSourceRow, FindingRow, ServiceRow } from '../row-types.ts';
import type { Queryable } from './database.ts';
import { type PgRow, toRecord } from './rows.ts';

type Value = string | number | number[];

const one = async <T>(db: Queryable, sql: string, jsonColumns: string[], ...values: Value[]): Promise<T | undefined> => {
  const row = (await db.query(sql, values)).rows[0];
  return row ? toRecord<T>(row as PgRow, jsonColumns) : undefined;
};
const all = async <T>(db: Queryable, sql: string, jsonColumns: string[], ...values: Value[]): Promise<T[]> =>
  (await db.query(sql, values)).rows.map((row) => toRecord<T>(row as PgRow, jsonColumns));

type Delivery = FindingHistory['reports'][number]['deliveries'][number];

/**
 * @example (await readFindingHistory(pool, 42))?.events // [{ event: 'opened', … }, { event: 'closed', … }]
 */
export async function readFindingHistory(db: Queryable, findingId: number): Promise<FindingHistory | undefined> {
  const finding = await one<FindingRow & { misses: number }>(
    db,
    `SELECT id, kind, ip, port, protocol, dictionary_entry_id AS "dictionaryEntryId",
      evidence, status, first_seen AS "firstSeen", last_seen AS "lastSeen", first_run_id AS "firstRunId", last_run_id AS "lastRunId",
      closed_at AS "closedAt", closed_run_id AS "closedRunId", misses FROM findings WHERE id = $1`,
    ['evidence'],
    findingId,
  );
  if (!finding) return undefined;
  const { misses, ...row } = finding;
  const device = await one<NonNullable<FindingHistory['device']>>(
    db,
    `SELECT vendor, model, device_type AS "deviceType", firmware_version AS "firmwareVersion", hardware_version AS "hardwareVersion",
      release_year AS "releaseYear", cpe, confidence, evidence, sector, owner_contact AS "ownerContact", first_seen AS "firstSeen",
      last_seen AS "lastSeen" FROM devices WHERE ip = $1`,
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
  const attribution = await one<NonNullable<FindingHistory['attribution']>>(
    db,
    `SELECT a.prefix, a.asn, a.as_name AS "asName", a.isp_id AS "ispId", i.name AS "ispName", a.source,
      a.unattributed_reason AS "unattributedReason", a.attributed_at AS "attributedAt"
    FROM finding_attributions a LEFT JOIN isps i ON i.id = a.isp_id WHERE a.finding_id = $1`,
    [],
    findingId,
  );
  const events = await all<FindingHistory['events'][number]>(
    db,
    `SELECT e.event, e.at, e.run_id AS "runId", r.started_at AS "runStartedAt", r.checks AS "runChecks"
    FROM finding_events e LEFT JOIN runs r ON r.id = e.run_id WHERE e.finding_id = $1 ORDER BY e.id`,
    ['runChecks'],
    findingId,
  );
  const reports = await all<{ reportId: number; ispId?: string; integratorId?: string; audience: string; createdAt: string }>(
    db,
    `SELECT r.id AS "reportId", r.isp_id AS "ispId", r.integrator_id AS "integratorId", r.audience, r.created_at AS "createdAt"
    FROM report_findings rf JOIN reports r ON r.id = rf.report_id WHERE rf.finding_id = $1 ORDER BY r.id`,
    [],
    findingId,
  );
  // outbox_by_report, for all the reports at once.
  const deliveries = await all<Delivery & { reportId: number }>(
    db,
    `SELECT report_id AS "reportId", channel, destination, status, attempts, delivered_at AS "deliveredAt", last_attempt_at AS "lastAttemptAt"
    FROM outbox WHERE report_id = ANY($1::bigint[]) ORDER BY id`,
    [],
    reports.map((report) => report.reportId),
  );
  const feedback = await all<FeedbackRow>(
    db,
    `SELECT id, finding_id AS "findingId", isp_id AS "ispId", action, note, author, at FROM isp_feedback WHERE finding_id = $1 ORDER BY id`,
    [],
    findingId,
  );
  const service = await one<ServiceRow>(
    db,
    `SELECT ip, port, protocol, status, result, error, duration_ms AS "durationMs", first_seen AS "firstSeen",
      last_seen AS "lastSeen", first_run_id AS "firstRunId", last_run_id AS "lastRunId" FROM services WHERE ip = $1 AND port = $2 AND protocol = $3`,
    ['result'],
    row.ip,
    row.port,
    row.protocol,
  );
  // darknet_sources_by_ip, then each window by its key.
  const darknet = await all<DarknetSourceRow>(
    db,
    `SELECT s.ip, s.verdict, s.family, s.tool, s.packets, s.distinct_destinations AS "distinctDestinations",
      s.top_ports AS "topPorts", s.hits, s.first_seen AS "firstSeen", s.last_seen AS "lastSeen", s.reason, w.darknet, w.start AS "windowStart",
      w.period_seconds AS "periodSeconds"
    FROM darknet_sources s JOIN darknet_windows w ON w.id = s.window_id WHERE s.ip = $1
    ORDER BY w.start DESC, w.period_seconds DESC LIMIT 20`,
    ['topPorts', 'hits'],
    row.ip,
  );
  return {
    finding: row,
    ...(device ? { device } : {}),
    ...(attribution ? { attribution } : {}),
    events,
    resurvey: { firstRunId: row.firstRunId, lastRunId: row.lastRunId, misses, ...(row.closedRunId !== undefined ? { closedRunId: row.closedRunId } : {}) },
    reports: reports.map((report) => ({
      ...report,
      deliveries: deliveries.filter((delivery) => delivery.reportId === report.reportId).map(({ reportId: _report, ...delivery }) => delivery),
    })),
    feedback,
    ...(service ? { service } : {}),
    darknet,
  };
}

/**
 * Open findings at one address with the device's identity — and nothing else (no port, no
 * evidence, no credential reference). Index: findings_by_ip.
 * @example await readOpenFindingsAt(pool, '192.0.2.7') // [{ kind: 'weak-credential', lastSeen: '…', vendor: 'Korvan' }]
 */
export function readOpenFindingsAt(db: Queryable, ip: string): Promise<AddressFinding[]> {
  return all<AddressFinding>(
    db,
    `SELECT f.kind, max(f.last_seen) AS "lastSeen", d.device_type AS "deviceType", d.vendor, d.model
    FROM findings f LEFT JOIN devices d ON d.ip = f.ip
    WHERE f.ip = $1 AND f.status = 'open' GROUP BY f.kind, d.device_type, d.vendor, d.model ORDER BY f.kind LIMIT 20`,
    [],
    ip,
  );
}
