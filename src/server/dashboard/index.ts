/**
 * The operator dashboard module: the overview with its figures (HTML and JSON), the
 * drill-down list and finding pages, the opt-out queue and the help desks' lookup log. Operators only; the core checks
 * `access` before any handler here runs.
 */
import type { DashboardFigureStore } from '../../store/roles/dashboard-figures.ts';
import type { DashboardFindingStore } from '../../store/roles/dashboard-findings.ts';
import type { HelpDeskStore } from '../../store/roles/help-desk.ts';
import type { OptOutStore } from '../../store/roles/opt-outs.ts';
import { errorResponse, jsonResponse, redirect } from '../responses.ts';
import type { ModuleContext } from '../module-context.ts';
import type { Route, ServerDeps, WebRequest, WebResponse } from '../route-types.ts';
import { dashboardBody, renderDashboard } from './dashboard-page.ts';
import { renderFindingPage } from './finding-page.ts';
import { filterOf, parseFindingQuery, renderBadFilter, renderFindingList } from './findings-page.ts';
import { createBodyCache, createFigureCache } from './figures.ts';
import { helpDeskLogPageSize, lookupCursor, renderHelpDeskLog } from './help-desk-log.ts';
import { createOptOutRangeCheck } from '../opt-out-ranges.ts';
import { renderAlreadyDecided, renderOptOutQueue } from './opt-out-queue.ts';

/** The store roles the operator dashboard uses: the figures' sources, the drill-down and finding history, the opt-out queue, the help-desk lookup log. */
export type DashboardStore = DashboardFigureStore & DashboardFindingStore & OptOutStore & HelpDeskStore;

const idOf = (request: WebRequest): number | undefined => {
  const text = request.params.id ?? '';
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
};

/**
 * @example buildApp({ deps, modules: [dashboardModule, …] })
 */
export function dashboardModule(deps: ServerDeps<DashboardStore>, context?: Pick<ModuleContext, 'warmUp'>): Route[] {
  const figures = createFigureCache(deps);
  // On a million findings the first count takes seconds: start it before anyone asks.
  if (context?.warmUp) figures.current().catch(() => {});
  const bodies = createBodyCache(dashboardBody);
  const optOutRanges = createOptOutRangeCheck();

  const decide =
    (status: 'approved' | 'rejected') =>
    async (request: WebRequest): Promise<WebResponse> => {
      const id = idOf(request);
      const existing = id === undefined ? undefined : await deps.store.getOptOutRequest(id);
      if (id === undefined || !existing) return errorResponse(request, 404);
      if (existing.status !== 'pending') return renderAlreadyDecided(request);
      const decided = await deps.store.decideOptOutRequest(id, { status, at: deps.now().toISOString(), by: request.principal?.name ?? 'operator' });
      if (decided?.status !== status) return renderAlreadyDecided(request);
      return redirect('/dashboard/opt-outs');
    };

  return [
    {
      method: 'GET',
      path: '/dashboard',
      access: 'operator',
      handle: async (request) => renderDashboard(request, bodies.get(request.locale, await figures.current())),
    },
    { method: 'GET', path: '/api/v1/dashboard/summary', access: 'operator', handle: async () => jsonResponse(200, await figures.current()) },
    {
      method: 'GET',
      path: '/dashboard/findings',
      access: 'operator',
      handle: async (request) => {
        const parsed = parseFindingQuery(request.query);
        if (!parsed.ok) return renderBadFilter(request, parsed.problem);
        return renderFindingList(request, parsed.query, await deps.store.listDashboardFindings(parsed.query));
      },
    },
    {
      method: 'GET',
      path: '/api/v1/dashboard/findings',
      access: 'operator',
      handle: async (request) => {
        const parsed = parseFindingQuery(request.query);
        if (!parsed.ok) return jsonResponse(400, { error: parsed.problem, status: 400 });
        return jsonResponse(200, { filter: filterOf(parsed.query), ...(await deps.store.listDashboardFindings(parsed.query)) });
      },
    },
    {
      method: 'GET',
      path: '/dashboard/findings/:id',
      access: 'operator',
      handle: async (request) => {
        const id = idOf(request);
        const history = id === undefined ? undefined : await deps.store.findingHistory(id);
        return history ? renderFindingPage(request, history) : errorResponse(request, 404);
      },
    },
    {
      method: 'GET',
      path: '/dashboard/opt-outs',
      access: 'operator',
      handle: async (request) => {
        const recent = await deps.store.listOptOutRequests({ limit: 100 });
        const pending = await deps.store.listOptOutRequests({ status: 'pending' });
        return renderOptOutQueue(request, { pending: pending.reverse(), decided: recent.filter((row) => row.status !== 'pending') }, optOutRanges);
      },
    },
    {
      method: 'GET',
      path: '/dashboard/help-desk-log',
      access: 'operator',
      handle: async (request) => {
        const before = lookupCursor(request.query);
        return renderHelpDeskLog(request, await deps.store.listHelpDeskLookups({ beforeId: before, limit: helpDeskLogPageSize + 1 }), before);
      },
    },
    { method: 'POST', path: '/dashboard/opt-outs/:id/approve', access: 'operator', handle: decide('approved') },
    { method: 'POST', path: '/dashboard/opt-outs/:id/reject', access: 'operator', handle: decide('rejected') },
  ];
}
