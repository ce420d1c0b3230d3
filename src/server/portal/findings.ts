/**
 * The ISP's findings: a filtered table paged by keyset (newest first; the cursor is the last
 * id shown), one finding with its evidence and history, and the feedback form. Evidence
 * comes from devices and is hostile by default: it is shown only through `html`.
 */
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { adviceSummary, type DeviceAdviceSet } from '../../notify/messages/device-advice.ts';
import { html, sitePath } from '../html.ts';
import { errorResponse, redirect } from '../responses.ts';
import type { Route, ServerDeps, WebRequest } from '../route-types.ts';
import {
  feedbackActions,
  findingDetail,
  findingPage,
  ispIdOf,
  maxFeedbackNoteLength,
  parseFindingFilters,
  positiveId,
  recordFeedback,
  type FindingDetail,
  type PortalStore,
} from './data.ts';
import { portalTexts } from './texts.ts';
import { deviceLine, portalPage, serviceLine, shortTime } from './view.ts';

export const portalPageSize = 50;

function evidenceValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

function filterForm(request: WebRequest, kind: string | undefined, status: string | undefined) {
  const texts = portalTexts[request.locale];
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`<form method="get" action="/portal/findings" class="filters">
<label>${texts.kind} <select name="kind">${option('', texts.any, !kind)}${findingKindsByUrgency.map((value) => option(value, texts.kinds[value], value === kind))}</select></label>
<label>${texts.status} <select name="status">${option('', texts.any, !status)}${(['open', 'closed'] as const).map((value) => option(value, texts.statuses[value], value === status))}</select></label>
<button type="submit">${texts.filter}</button>
</form>`;
}

/** What to tell the subscriber about this finding: the kind's advice and the device's steps when its type is known. */
function subscriberAdvice(request: WebRequest, detail: FindingDetail, advice: DeviceAdviceSet) {
  const texts = portalTexts[request.locale];
  const summary = adviceSummary(advice, request.locale, detail.finding.deviceType, detail.finding.kind);
  const steps = summary.device
    ? html`<p>${texts.stepsFor.replace('{device}', summary.device.deviceName)}</p><ol>${summary.device.steps.map((step) => html`<li>${step}</li>`)}</ol>`
    : '';
  return html`<section class="subscriber-advice"><h2>${texts.subscriberAdvice}</h2><p>${summary.general}</p>${steps}</section>`;
}

function detailBody(request: WebRequest, detail: FindingDetail, advice: DeviceAdviceSet) {
  const texts = portalTexts[request.locale];
  const { finding } = detail;
  const row = (label: string, value: unknown) => html`<tr><th>${label}</th><td>${value ?? '—'}</td></tr>`;
  return html`<section class="device"><h2>${texts.device}</h2><table>
${row(texts.address, serviceLine(finding))}${row(texts.kind, texts.kinds[finding.kind])}${row(texts.status, texts.statuses[finding.status])}
${row(texts.vendor, finding.vendor)}${row(texts.model, finding.model)}${row(texts.deviceType, finding.deviceType)}${row(texts.firmware, finding.firmwareVersion)}${row(texts.releaseYear, finding.releaseYear)}
</table></section>
${subscriberAdvice(request, detail, advice)}
<section class="evidence"><h2>${texts.evidence}</h2><table>${Object.entries(finding.evidence).map(([name, value]) => html`<tr><th>${name}</th><td><code>${evidenceValue(value)}</code></td></tr>`)}</table></section>
<section class="history"><h2>${texts.history}</h2><table>
${row(texts.firstSeen, shortTime(finding.firstSeen))}${row(texts.lastSeen, shortTime(finding.lastSeen))}${row(texts.closedAt, finding.closedAt ? shortTime(finding.closedAt) : undefined)}
</table>
<h3>${texts.events}</h3><ol>${detail.events.map((event) => html`<li>${shortTime(event.at)} — ${texts.eventNames[event.event] ?? event.event} (${texts.run} #${event.runId})</li>`)}</ol>
<h3>${texts.reportsCarrying}</h3>${detail.reports.length === 0 ? html`<p>${texts.noReports}</p>` : html`<ul>${detail.reports.map((report) => html`<li>${texts.report} #${report.id} — ${shortTime(report.createdAt)} — <a href="/portal/reports/${report.id}/report.csv">CSV</a></li>`)}</ul>`}
<h3>${texts.feedbackGiven}</h3>${detail.feedback.length === 0 ? html`<p>${texts.none}</p>` : html`<ul class="feedback">${detail.feedback.map((item) => html`<li>${shortTime(item.at)} — ${texts.actions[item.action]}${item.author ? html` (${texts.by} ${item.author})` : ''}${item.note ? html`: <q>${item.note}</q>` : ''}</li>`)}</ul>`}
</section>
<section class="give-feedback"><h2>${texts.giveFeedback}</h2>
<form method="post" action="/portal/findings/${finding.id}/feedback">
<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">
<label>${texts.action} <select name="action">${feedbackActions.map((action) => html`<option value="${action}">${texts.actions[action]}</option>`)}</select></label>
<label>${texts.note} <textarea name="note" maxlength="${maxFeedbackNoteLength}" rows="3"></textarea></label>
<button type="submit">${texts.save}</button>
</form></section>`;
}

/** @example const routes = findingRoutes(deps, loadDeviceAdvice()) */
export function findingRoutes(deps: ServerDeps<PortalStore>, advice: DeviceAdviceSet): Route[] {
  return [
    {
      method: 'GET',
      path: '/portal/findings',
      access: 'isp',
      async handle(request) {
        const ispId = ispIdOf(request);
        const texts = portalTexts[request.locale];
        const { filters, invalid } = parseFindingFilters(request.query);
        if (invalid) {
          // As the API answers 400: a list that quietly dropped the filter would look filtered and be complete.
          const body = html`<p class="error" role="alert">${texts.invalidFilter.replace('{name}', invalid)}</p>
${filterForm(request, filters.kind, filters.status)}`;
          return portalPage(request, { title: texts.findings, current: '/portal/findings', body, status: 400 });
        }
        const { findings, nextCursor } = await findingPage(deps, ispId, filters, portalPageSize);
        const filterQuery = { kind: filters.kind, status: filters.status };
        const body = html`${filterForm(request, filters.kind, filters.status)}
${
  findings.length === 0
    ? html`<p>${texts.noFindings}</p>`
    : html`<table class="findings"><thead><tr><th>${texts.address}</th><th>${texts.kind}</th><th>${texts.status}</th><th>${texts.device}</th><th>${texts.firstSeen}</th><th>${texts.lastSeen}</th></tr></thead>
<tbody>${findings.map((finding) => html`<tr><td class="address"><a href="/portal/findings/${finding.id}">${serviceLine(finding)}</a></td><td>${texts.kinds[finding.kind]}</td><td>${texts.statuses[finding.status]}</td><td>${deviceLine(finding)}</td><td>${shortTime(finding.firstSeen)}</td><td>${shortTime(finding.lastSeen)}</td></tr>`)}</tbody></table>`
}
<p class="pages">${filters.beforeId !== undefined ? html`<a href="${sitePath('/portal/findings', filterQuery)}">${texts.firstPage}</a> ` : ''}${nextCursor ? html`<a rel="next" href="${sitePath('/portal/findings', { ...filterQuery, cursor: nextCursor })}">${texts.nextPage}</a>` : ''}</p>`;
        return portalPage(request, { title: texts.findings, current: '/portal/findings', body });
      },
    },
    {
      method: 'GET',
      path: '/portal/findings/:id',
      access: 'isp',
      async handle(request) {
        const id = positiveId(request.params.id);
        const detail = id === undefined ? undefined : await findingDetail(deps, ispIdOf(request), id);
        if (!detail) return errorResponse(request, 404);
        const texts = portalTexts[request.locale];
        return portalPage(request, {
          title: `${texts.kinds[detail.finding.kind]}: ${serviceLine(detail.finding)}`,
          current: '/portal/findings',
          body: detailBody(request, detail, advice),
        });
      },
    },
    {
      method: 'POST',
      path: '/portal/findings/:id/feedback',
      access: 'isp',
      async handle(request) {
        const id = positiveId(request.params.id);
        const form = await request.form();
        const saved =
          id === undefined ? undefined : await recordFeedback(deps, request, id, { action: form.get('action'), note: form.get('note') ?? undefined });
        if (saved === undefined) return errorResponse(request, 404);
        return redirect(`/portal/findings/${id}`);
      },
    },
  ];
}
