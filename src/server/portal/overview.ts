/**
 * GET /portal: the ISP's network at a glance — open findings by kind (each a link to the
 * list), what was fixed lately, and the latest reports.
 */
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { html, sitePath } from '../html.ts';
import type { Route, ServerDeps } from '../route-types.ts';
import { ispIdOf, ispReports, type PortalStore } from './data.ts';
import { portalTexts } from './texts.ts';
import { deviceLine, portalPage, serviceLine, shortTime } from './view.ts';

/** @example const routes = overviewRoutes(deps) */
export function overviewRoutes(deps: ServerDeps<PortalStore>): Route[] {
  return [
    {
      method: 'GET',
      path: '/portal',
      access: 'isp',
      async handle(request) {
        const ispId = ispIdOf(request);
        const texts = portalTexts[request.locale];
        const [counts, closed, reports, isps] = await Promise.all([
          deps.store.countIspFindings(ispId),
          deps.store.recentlyClosedIspFindings(ispId, 10),
          ispReports(deps, ispId),
          deps.store.listIsps(),
        ]);
        const count = (kind: string, status: string) => counts.find((row) => row.kind === kind && row.status === status)?.count ?? 0;
        const ispName = isps.find((isp) => isp.id === ispId)?.name ?? ispId;
        const body = html`<section class="open-by-kind">
<h2>${texts.openByKind}</h2>
<table><thead><tr><th>${texts.kind}</th><th>${texts.statuses.open}</th><th>${texts.statuses.closed}</th></tr></thead>
<tbody>${findingKindsByUrgency.map((kind) => html`<tr><td><a href="${sitePath('/portal/findings', { kind, status: 'open' })}">${texts.kinds[kind]}</a></td><td class="number">${count(kind, 'open')}</td><td class="number">${count(kind, 'closed')}</td></tr>`)}</tbody>
<tfoot><tr><th>${texts.total}</th><td class="number">${findingKindsByUrgency.reduce((sum, kind) => sum + count(kind, 'open'), 0)}</td><td class="number">${findingKindsByUrgency.reduce((sum, kind) => sum + count(kind, 'closed'), 0)}</td></tr></tfoot></table>
</section>
<section class="recently-closed">
<h2>${texts.recentlyClosed}</h2>
${
  closed.length === 0
    ? html`<p>${texts.noFindings}</p>`
    : html`<table><thead><tr><th>${texts.address}</th><th>${texts.kind}</th><th>${texts.device}</th><th>${texts.closedAt}</th></tr></thead>
<tbody>${closed.map((finding) => html`<tr><td><a href="/portal/findings/${finding.id}">${serviceLine(finding)}</a></td><td>${texts.kinds[finding.kind]}</td><td>${deviceLine(finding)}</td><td>${shortTime(finding.closedAt)}</td></tr>`)}</tbody></table>`
}
</section>
<section class="latest-reports">
<h2>${texts.latestReports}</h2>
${
  reports.length === 0
    ? html`<p>${texts.noReports}</p>`
    : html`<ul>${reports.slice(0, 5).map((report) => html`<li>${texts.report} #${report.id} — ${shortTime(report.createdAt)} — ${report.findingCount} ${texts.findingCount}</li>`)}</ul>
<p><a href="/portal/reports">${texts.reports} →</a></p>`
}
</section>`;
        return portalPage(request, { title: `${texts.overview}: ${ispName}`, current: '/portal', body });
      },
    },
  ];
}
