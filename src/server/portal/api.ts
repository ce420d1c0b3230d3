/**
 * The ISP API (/api/v1/): the portal's data as JSON, with the same rights. Callers send
 * `Authorization: Bearer on_…`; a browser session works too (posts then need the
 * X-CSRF-Token header). Lists are paged by an opaque cursor.
 */
import { errorResponse, HttpError, jsonResponse } from '../responses.ts';
import type { Route, ServerDeps } from '../route-types.ts';
import {
  findingDetail,
  findingPage,
  ispIdOf,
  ispReports,
  jsonOfFinding,
  jsonOfReport,
  parseFindingFilters,
  positiveId,
  recordFeedback,
  type PortalStore,
} from './data.ts';
import { reportDownloadRoutes } from './reports.ts';

export const apiDefaultLimit = 100;
export const apiMaxLimit = 1000;

function limitOf(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null) return apiDefaultLimit;
  const limit = positiveId(text);
  if (limit === undefined || limit > apiMaxLimit) throw new HttpError(400, `limit must be 1 to ${apiMaxLimit}`);
  return limit;
}

/** @example const routes = apiRoutes(deps) */
export function apiRoutes(deps: ServerDeps<PortalStore>): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/findings',
      access: 'isp',
      async handle(request) {
        const { filters, invalid } = parseFindingFilters(request.query);
        if (invalid) return jsonResponse(400, { error: `invalid ${invalid}`, status: 400 });
        const page = await findingPage(deps, ispIdOf(request), filters, limitOf(request.query));
        return jsonResponse(200, { findings: page.findings.map(jsonOfFinding), nextCursor: page.nextCursor ?? null });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/findings/:id',
      access: 'isp',
      async handle(request) {
        const id = positiveId(request.params.id);
        const detail = id === undefined ? undefined : await findingDetail(deps, ispIdOf(request), id);
        if (!detail) return errorResponse(request, 404);
        return jsonResponse(200, {
          finding: jsonOfFinding(detail.finding),
          events: detail.events.map(({ runId, event, at }) => ({ runId, event, at })),
          reports: detail.reports.map(jsonOfReport),
          feedback: detail.feedback.map(({ id: feedbackId, action, note, author, at }) => ({ id: feedbackId, action, note, author, at })),
        });
      },
    },
    {
      method: 'POST',
      path: '/api/v1/findings/:id/feedback',
      access: 'isp',
      async handle(request) {
        const id = positiveId(request.params.id);
        if (id === undefined) return errorResponse(request, 404);
        const body = await request.json();
        const input = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
        const saved = await recordFeedback(deps, request, id, { action: input.action, note: input.note });
        return saved === undefined ? errorResponse(request, 404) : jsonResponse(201, { id: saved });
      },
    },
    {
      method: 'GET',
      path: '/api/v1/reports',
      access: 'isp',
      async handle(request) {
        return jsonResponse(200, { reports: (await ispReports(deps, ispIdOf(request))).map(jsonOfReport) });
      },
    },
    ...reportDownloadRoutes(deps, '/api/v1/reports'),
  ];
}
