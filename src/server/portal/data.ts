/**
 * What the portal pages and the API both read and write, always for one ISP: the caller's.
 * Anything that belongs to another ISP is "not there" (undefined → 404), never "forbidden",
 * so ids cannot be probed for existence.
 */
import type { NotificationReport } from '../../notify/render/report.ts';
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { renderJsonReport } from '../../notify/render/json-report.ts';
import { renderShadowserverCsv } from '../../notify/render/shadowserver-csv.ts';
import { renderStixBundle } from '../../notify/render/stix.ts';
import { fileToken } from '../../notify/render/text.ts';
import type { FindingKind } from '../../core/records.ts';
import type { FeedbackAction, FeedbackRow, FeedbackStore } from '../../store/roles/feedback.ts';
import type { FindingEventRow, FindingStore } from '../../store/roles/findings.ts';
import type { IspAttributionStore } from '../../store/roles/isp-attribution.ts';
import type { IspPortalStore, PortalFindingRow } from '../../store/roles/isp-portal.ts';
import type { ReportRow, ReportStore } from '../../store/roles/reports.ts';
import { HttpError } from '../responses.ts';
import type { ServerDeps, WebRequest, WebResponse } from '../route-types.ts';

/**
 * The store roles the portal's pages read and write: the ISP's findings and reports (always
 * scoped to one ISP), a finding's events, ISP feedback, and the registry (for the ISP's name).
 */
export type PortalStore = IspPortalStore & FindingStore & ReportStore & FeedbackStore & IspAttributionStore;

export const feedbackActions: readonly FeedbackAction[] = ['handled', 'subscriber-contacted', 'device-replaced', 'false-positive'];
export const maxFeedbackNoteLength = 2000;

/**
 * The caller's ISP. The core lets only ISP principals reach portal routes; this is the
 * second lock on the same door.
 * @example const ispId = ispIdOf(request)
 */
export function ispIdOf(request: WebRequest): string {
  if (request.principal?.kind !== 'isp') throw new HttpError(404, 'not an ISP user');
  return request.principal.ispId;
}

/**
 * A route's id parameter as a positive integer, or undefined.
 * @example positiveId('42') // 42; positiveId('4e2') // undefined
 */
export function positiveId(text: string | null | undefined): number | undefined {
  if (!text || !/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export interface FindingFilters {
  kind?: FindingKind;
  status?: 'open' | 'closed';
  /** Keyset cursor: findings with smaller ids (older) than this. */
  beforeId?: number;
}

/**
 * Filters from a query string; the first parameter with an unknown value is named in `invalid` (the API and the portal's list answer 400).
 * @example parseFindingFilters(new URLSearchParams('kind=infected&cursor=120'))
 */
export function parseFindingFilters(query: URLSearchParams): { filters: FindingFilters; invalid?: string } {
  const filters: FindingFilters = {};
  const kind = query.get('kind');
  const status = query.get('status');
  const cursor = query.get('cursor');
  if (kind) {
    if (!(findingKindsByUrgency as readonly string[]).includes(kind)) return { filters, invalid: 'kind' };
    filters.kind = kind as FindingKind;
  }
  if (status) {
    if (status !== 'open' && status !== 'closed') return { filters, invalid: 'status' };
    filters.status = status;
  }
  if (cursor) {
    const beforeId = positiveId(cursor);
    if (beforeId === undefined) return { filters, invalid: 'cursor' };
    filters.beforeId = beforeId;
  }
  return { filters };
}

/**
 * One page of the ISP's findings, newest first, and the cursor of the next page.
 * @example const { findings, nextCursor } = await findingPage(deps, 'sakura', { status: 'open' }, 50)
 */
export async function findingPage(
  deps: ServerDeps<PortalStore>,
  ispId: string,
  filters: FindingFilters,
  limit: number,
): Promise<{ findings: PortalFindingRow[]; nextCursor?: string }> {
  const rows = await deps.store.listIspFindings({ ispId, ...filters, limit: limit + 1 });
  const findings = rows.slice(0, limit);
  return rows.length > limit ? { findings, nextCursor: String(findings.at(-1)!.id) } : { findings };
}

export interface FindingDetail {
  finding: PortalFindingRow;
  events: FindingEventRow[];
  reports: ReportRow[];
  feedback: FeedbackRow[];
}

/**
 * A finding of the ISP with its history, or undefined (no such finding, or another ISP's).
 * @example const detail = await findingDetail(deps, 'sakura', 42)
 */
export async function findingDetail(deps: ServerDeps<PortalStore>, ispId: string, findingId: number): Promise<FindingDetail | undefined> {
  const finding = await deps.store.getIspFinding(ispId, findingId);
  if (!finding) return undefined;
  const [events, reports, feedback] = await Promise.all([
    deps.store.listFindingEvents({ findingId }),
    deps.store.reportsCarryingFinding(ispId, findingId),
    deps.store.listFeedback({ findingId, ispId }),
  ]);
  return { finding, events, reports, feedback };
}

/**
 * Record feedback on one of the ISP's findings; undefined when the finding is not theirs,
 * HttpError 400 when the action or note is not acceptable.
 * @example await recordFeedback(deps, request, 42, { action: 'handled', note: 'router replaced' })
 */
export async function recordFeedback(
  deps: ServerDeps<PortalStore>,
  request: WebRequest,
  findingId: number,
  input: { action: unknown; note: unknown },
): Promise<number | undefined> {
  const ispId = ispIdOf(request);
  // Ownership first: for another ISP's finding every request is "not found", valid or not.
  if (!(await deps.store.getIspFinding(ispId, findingId))) return undefined;
  if (typeof input.action !== 'string' || !(feedbackActions as readonly string[]).includes(input.action)) throw new HttpError(400, 'unknown feedback action');
  if (input.note !== undefined && input.note !== null && typeof input.note !== 'string') throw new HttpError(400, 'note must be text');
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (note.length > maxFeedbackNoteLength) throw new HttpError(400, 'note too long');
  return deps.store.recordFeedback({
    findingId,
    ispId,
    action: input.action as FeedbackAction,
    author: request.principal?.name,
    at: deps.now().toISOString(),
    ...(note ? { note } : {}),
  });
}

export type ReportFormat = 'csv' | 'json' | 'stix';

/**
 * The ISP's reports, newest first.
 * @example const reports = await ispReports(deps, 'sakura')
 */
export async function ispReports(deps: ServerDeps<PortalStore>, ispId: string): Promise<ReportRow[]> {
  return (await deps.store.listReports({ ispId })).filter((report) => report.audience === 'isp').reverse();
}

/**
 * A report of the ISP as a file, rendered now by the same renderers that made the e-mail
 * attachments; undefined when the report is not the ISP's. Findings carry their current
 * state, and a finding that has since been attributed to another network is left out.
 * @example return (await reportFile(deps, ispId, 7, 'csv')) ?? notFound
 */
export async function reportFile(deps: ServerDeps<PortalStore>, ispId: string, reportId: number, format: ReportFormat): Promise<WebResponse | undefined> {
  const report = await deps.store.getReport(reportId);
  if (report?.audience !== 'isp' || report.ispId !== ispId) return undefined;
  const isp = (await deps.store.listIsps()).find((candidate) => candidate.id === ispId);
  const findings = (await deps.store.listReportFindings(reportId)).filter((finding) => finding.attribution.ispId === ispId);
  const notification: NotificationReport = {
    reportId: report.idempotencyKey,
    isp: { id: ispId, name: isp?.name ?? ispId, language: isp?.preferences.language ?? 'en' },
    generatedAt: report.createdAt,
    periodEnd: report.periodEnd,
    findings,
    program: deps.program,
  };
  const base = `opennotice-${fileToken(ispId)}-report-${reportId}`;
  const file =
    format === 'csv'
      ? { name: `${base}.csv`, type: 'text/csv; charset=utf-8', body: renderShadowserverCsv(notification) }
      : format === 'json'
        ? { name: `${base}.json`, type: 'application/json; charset=utf-8', body: renderJsonReport(notification) }
        : { name: `${base}.stix.json`, type: 'application/stix+json;version=2.1', body: `${JSON.stringify(renderStixBundle(notification), null, 2)}\n` };
  return { status: 200, headers: { 'content-type': file.type, 'content-disposition': `attachment; filename="${file.name}"` }, body: file.body };
}

/**
 * A finding as the API returns it.
 * @example jsonOfFinding(finding).device.vendor
 */
export function jsonOfFinding(finding: PortalFindingRow) {
  return {
    id: finding.id,
    kind: finding.kind,
    status: finding.status,
    ip: finding.ip,
    port: finding.port,
    protocol: finding.protocol,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    closedAt: finding.closedAt,
    device: {
      vendor: finding.vendor,
      model: finding.model,
      deviceType: finding.deviceType,
      firmwareVersion: finding.firmwareVersion,
      releaseYear: finding.releaseYear,
    },
    network: { prefix: finding.attribution.prefix, asn: finding.attribution.asn },
    evidence: finding.evidence,
  };
}

/** A report as the API returns it, with its download links. */
export function jsonOfReport(report: ReportRow) {
  const files = `/api/v1/reports/${report.id}/report`;
  return {
    id: report.id,
    createdAt: report.createdAt,
    periodEnd: report.periodEnd,
    findingCount: report.findingCount,
    summary: report.summary,
    files: { csv: `${files}.csv`, json: `${files}.json`, stix: `${files}.stix.json` },
  };
}
