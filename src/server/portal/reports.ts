/**
 * The ISP's reports and their downloads (Shadowserver-style CSV, JSON, STIX 2.1), rendered
 * by the notification renderers. Another ISP's report id is simply not found.
 */
import { html } from '../html.ts';
import { errorResponse } from '../responses.ts';
import type { Route, ServerDeps } from '../route-types.ts';
import { ispIdOf, ispReports, positiveId, reportFile, type PortalStore, type ReportFormat } from './data.ts';
import { portalTexts } from './texts.ts';
import { portalPage, shortTime } from './view.ts';

/** File name endings of the downloads, and the format each gives. */
export const reportFiles: ReadonlyArray<[suffix: string, format: ReportFormat, label: string]> = [
  ['report.csv', 'csv', 'CSV'],
  ['report.json', 'json', 'JSON'],
  ['report.stix.json', 'stix', 'STIX 2.1'],
];

/**
 * Download routes under a prefix ("/portal/reports" or "/api/v1/reports").
 * @example reportDownloadRoutes(deps, '/api/v1/reports')
 */
export function reportDownloadRoutes(deps: ServerDeps<PortalStore>, prefix: string): Route[] {
  return reportFiles.map(
    ([suffix, format]) =>
      ({
        method: 'GET',
        path: `${prefix}/:id/${suffix}`,
        access: 'isp',
        async handle(request) {
          const id = positiveId(request.params.id);
          const file = id === undefined ? undefined : await reportFile(deps, ispIdOf(request), id, format);
          return file ?? errorResponse(request, 404);
        },
      }) satisfies Route,
  );
}

/** @example const routes = reportRoutes(deps) */
export function reportRoutes(deps: ServerDeps<PortalStore>): Route[] {
  return [
    {
      method: 'GET',
      path: '/portal/reports',
      access: 'isp',
      async handle(request) {
        const texts = portalTexts[request.locale];
        const reports = await ispReports(deps, ispIdOf(request));
        const body =
          reports.length === 0
            ? html`<p>${texts.noReports}</p>`
            : html`<table class="reports"><thead><tr><th>${texts.report}</th><th>${texts.created}</th><th>${texts.periodEnd}</th><th>${texts.findingCount}</th><th>${texts.downloads}</th></tr></thead>
<tbody>${reports.map((report) => html`<tr><td>#${report.id}</td><td>${shortTime(report.createdAt)}</td><td>${shortTime(report.periodEnd)}</td><td class="number">${report.findingCount}</td><td>${reportFiles.map(([suffix, , label]) => html`<a href="/portal/reports/${report.id}/${suffix}" download>${label}</a> `)}</td></tr>`)}</tbody></table>`;
        return portalPage(request, { title: texts.reports, current: '/portal/reports', body });
      },
    },
    ...reportDownloadRoutes(deps, '/portal/reports'),
  ];
}
