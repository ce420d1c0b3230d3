/**
 * The bulk-fix page of the ISP portal, for ISPs that manage their customers' devices: the open
 * findings by vendor, model and firmware with the fix (the same list the reports attach,
 * notify/bulk-fix.ts), its CSV and text downloads, and the progress per model since the first
 * notice (track/bulk-fix-progress.ts). Another ISP's data never appears: everything is read
 * for the caller's ISP. An ISP that does not manage devices gets a short explanation, and 404
 * for the downloads. The API gives the same as JSON (/api/v1/bulk-fix) and CSV.
 */
import { findingKind } from '../../core/finding-kinds.ts';
import { buildBulkFixList, type BulkFixList } from '../../notify/bulk-fix.ts';
import { renderBulkFixCsv, renderBulkFixText } from '../../notify/render/bulk-fix-list.ts';
import { fileToken } from '../../notify/render/text.ts';
import { bulkFixProgressOf } from '../../track/bulk-fix-progress.ts';
import { html } from '../html.ts';
import { errorResponse, jsonResponse } from '../responses.ts';
import type { Route, ServerDeps, WebRequest } from '../route-types.ts';
import { bulkFixTexts } from './bulk-fix-texts.ts';
import { ispIdOf, type PortalStore } from './data.ts';
import { portalPage, shortTime } from './view.ts';

/** The caller's bulk-fix list, or undefined when its ISP does not manage devices. */
async function listFor(deps: ServerDeps<PortalStore>, request: WebRequest): Promise<BulkFixList | undefined> {
  const ispId = ispIdOf(request);
  const isp = (await deps.store.listIsps()).find((candidate) => candidate.id === ispId);
  if (!isp?.managesCustomerDevices) return undefined;
  return buildBulkFixList({
    ispId,
    language: request.locale,
    generatedAt: deps.now().toISOString(),
    findings: await deps.store.listNotifiableFindings({ ispId, status: 'open' }),
  });
}

/** The caller's progress per model up to now (its ISP manages devices: `listFor` said so). */
async function progressFor(deps: ServerDeps<PortalStore>, list: BulkFixList) {
  return bulkFixProgressOf({
    ispId: list.ispId,
    findings: await deps.store.listNotifiableFindings({ ispId: list.ispId }),
    notified: await deps.store.notificationTimes({ ispId: list.ispId }),
    asOf: list.generatedAt,
  });
}

/** The list as a file under `prefix` ("/portal" or "/api/v1"). */
function downloadRoute(deps: ServerDeps<PortalStore>, prefix: string, suffix: 'csv' | 'txt'): Route {
  return {
    method: 'GET',
    path: `${prefix}/bulk-fix.${suffix}`,
    access: 'isp',
    async handle(request) {
      const list = await listFor(deps, request);
      if (!list) return errorResponse(request, 404);
      const name = `opennotice-${fileToken(list.ispId)}-bulk-fix-${list.generatedAt.slice(0, 10)}.${suffix}`;
      return {
        status: 200,
        headers: {
          'content-type': suffix === 'csv' ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8',
          'content-disposition': `attachment; filename="${name}"`,
        },
        body: suffix === 'csv' ? renderBulkFixCsv(list) : renderBulkFixText(list),
      };
    },
  };
}

/**
 * GET /api/v1/bulk-fix: `{ ispId, generatedAt, groups, unidentifiedDevices, progress }` (404 when
 * the caller's ISP does not manage devices), and the CSV at /api/v1/bulk-fix.csv.
 * @example const routes = bulkFixApiRoutes(deps)
 */
export function bulkFixApiRoutes(deps: ServerDeps<PortalStore>): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/bulk-fix',
      access: 'isp',
      async handle(request) {
        const list = await listFor(deps, request);
        if (!list) return errorResponse(request, 404);
        const { language: _language, ...rest } = list;
        return jsonResponse(200, { ...rest, progress: await progressFor(deps, list) });
      },
    },
    downloadRoute(deps, '/api/v1', 'csv'),
  ];
}

/** @example const routes = bulkFixRoutes(deps) */
export function bulkFixRoutes(deps: ServerDeps<PortalStore>): Route[] {
  return [
    {
      method: 'GET',
      path: '/portal/bulk-fix',
      access: 'isp',
      async handle(request) {
        const texts = bulkFixTexts[request.locale];
        const list = await listFor(deps, request);
        if (!list) return portalPage(request, { title: texts.title, current: '/portal/bulk-fix', body: html`<p>${texts.notManaging}</p>` });
        const progress = await progressFor(deps, list);
        const listTable =
          list.groups.length === 0
            ? html`<p>${texts.nothing}</p>`
            : html`<table class="bulk-fix"><thead><tr><th>${texts.vendor}</th><th>${texts.model}</th><th>${texts.firmware}</th><th>${texts.devices}</th><th>${texts.kinds}</th><th>${texts.fix}</th></tr></thead>
<tbody>${list.groups.map((group) => html`<tr><td>${group.vendor}</td><td>${group.model ?? '—'}</td><td>${group.firmwareVersion ?? '—'}</td><td class="number">${group.devices}</td><td>${group.kinds.map((entry) => `${findingKind(entry.kind)?.shortLabel[request.locale] ?? entry.kind} (${entry.devices})`).join(', ')}</td><td>${group.fix.map((step) => html`<p>${step}</p>`)}</td></tr>`)}</tbody></table>
<p>${texts.unidentified}: ${list.unidentifiedDevices}</p>`;
        const progressTable =
          progress.length === 0
            ? html`<p>${texts.noProgress}</p>`
            : html`<table class="bulk-fix-progress"><thead><tr><th>${texts.vendor}</th><th>${texts.model}</th><th>${texts.firstNotice}</th><th>${texts.devices}</th><th>${texts.fixed}</th><th>${texts.open}</th><th>${texts.percentFixed}</th><th>${texts.course}</th></tr></thead>
<tbody>${progress.map((row) => html`<tr><td>${row.vendor}</td><td>${row.model ?? '—'}</td><td>${shortTime(row.firstNotice)}</td><td class="number">${row.devices}</td><td class="number">${row.fixed}</td><td class="number">${row.open}</td><td class="number">${row.percentFixed.toFixed(1)}</td><td>${row.timeline.map((point) => `${point.at.slice(5, 10)} ${point.notified ? Math.round((point.fixed / point.notified) * 100) : 0}%`).join(' · ')}</td></tr>`)}</tbody></table>`;
        const body = html`<section class="bulk-fix-list">
<h2>${texts.list}</h2>
<p>${texts.download}: <a href="/portal/bulk-fix.csv" download>CSV</a> <a href="/portal/bulk-fix.txt" download>Text</a></p>
${listTable}
</section>
<section class="bulk-fix-progress">
<h2>${texts.progress}</h2>
${progressTable}
</section>`;
        return portalPage(request, { title: texts.title, current: '/portal/bulk-fix', body });
      },
    },
    downloadRoute(deps, '/portal', 'csv'),
    downloadRoute(deps, '/portal', 'txt'),
  ];
}
