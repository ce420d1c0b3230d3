/**
 * /portal/help-desk: a desk enters a subscriber's address and the time they had it, and sees
 * the ISP's findings present at that time, the address's history, and the text to read to the
 * subscriber (device steps from the notices' advice, in the desk's language). The lookup is a
 * POST (it writes the log) with the CSRF token; another ISP's address reads exactly like an
 * address with no finding. Device text is hostile: everything goes through `html`.
 */
import { findingKindsByUrgency } from '../../core/finding-kinds.ts';
import { adviceSummary, type DeviceAdviceSet } from '../../notify/messages/device-advice.ts';
import { html, type SafeHtml } from '../html.ts';
import { HttpError } from '../responses.ts';
import type { Principal, Route, ServerDeps, WebRequest, WebResponse } from '../route-types.ts';
import {
  adviceNeeds,
  lookUpAddress,
  maxAddressLength,
  parseHelpDeskForm,
  type HelpDeskFinding,
  type HelpDeskForm,
  type HelpDeskPageStore,
  type HelpDeskProblem,
  type HelpDeskResult,
} from './help-desk-lookup.ts';
import { helpDeskTexts } from './help-desk-texts.ts';
import { portalTexts } from './texts.ts';
import { deviceLine, portalPage, serviceLine, shortTime } from './view.ts';

function form(request: WebRequest, values: HelpDeskForm, problem?: HelpDeskProblem): SafeHtml {
  const words = helpDeskTexts[request.locale];
  const error = problem === undefined ? '' : html`<p class="error" role="alert">${problem === 'address' ? words.badAddress : words.badTime}</p>`;
  return html`${error}<form method="post" action="/portal/help-desk" class="help-desk">
<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">
<label>${words.address} <input name="address" required maxlength="${maxAddressLength}" value="${values.address}" placeholder="${words.addressHint}" autocomplete="off"></label>
<label>${words.time} (${words.zoneName}) <input type="datetime-local" name="time" value="${values.time}"> <small>${words.timeHint}</small></label>
<button type="submit">${words.lookUp}</button>
</form>`;
}

function findingRows(request: WebRequest, items: readonly HelpDeskFinding[]): SafeHtml {
  const texts = portalTexts[request.locale];
  const words = helpDeskTexts[request.locale];
  const span = (item: HelpDeskFinding) =>
    item.intervals.map((interval) => html`<li>${shortTime(interval.from)} – ${interval.until ? shortTime(interval.until) : words.stillOpen}</li>`);
  return html`<table class="findings"><thead><tr><th>${texts.address}</th><th>${texts.kind}</th><th>${texts.status}</th><th>${texts.device}</th><th>${texts.deviceType}</th><th>${words.present}</th></tr></thead>
<tbody>${items.map((item) => html`<tr><td class="address"><a href="/portal/findings/${item.finding.id}">${serviceLine(item.finding)}</a></td><td>${texts.kinds[item.finding.kind]}</td><td>${texts.statuses[item.finding.status]}</td><td>${deviceLine(item.finding)}</td><td>${item.finding.deviceType ?? '—'}</td><td><ul class="intervals">${span(item)}</ul></td></tr>`)}</tbody></table>`;
}

/** Every finding's events and the reports that carried it, in time order. */
function history(request: WebRequest, items: readonly HelpDeskFinding[]): SafeHtml {
  const texts = portalTexts[request.locale];
  const words = helpDeskTexts[request.locale];
  const lines = items.flatMap((item) => [
    ...item.events.map((event) => ({
      at: event.at,
      text: html`${texts.kinds[item.finding.kind]} (${serviceLine(item.finding)}): ${texts.eventNames[event.event] ?? event.event}`,
    })),
    ...item.reports.map((report) => ({
      at: report.createdAt,
      text: html`${texts.kinds[item.finding.kind]} (${serviceLine(item.finding)}): ${words.noticeSent} #${report.id}`,
    })),
  ]);
  lines.sort((a, b) => a.at.localeCompare(b.at));
  return html`<ol class="history">${lines.map((line) => html`<li>${shortTime(line.at)} — ${line.text}</li>`)}</ol>`;
}

function textToRead(request: WebRequest, result: HelpDeskResult, advice: DeviceAdviceSet): SafeHtml {
  const words = helpDeskTexts[request.locale];
  const texts = portalTexts[request.locale];
  const needs = adviceNeeds(result.current).sort((a, b) => findingKindsByUrgency.indexOf(a.kind) - findingKindsByUrgency.indexOf(b.kind));
  const sections = needs.map((need) => {
    const summary = adviceSummary(advice, request.locale, need.deviceType, need.kind);
    const steps = summary.device
      ? html`<p>${words.readSteps.replace('{device}', summary.device.deviceName)}</p><ol>${summary.device.steps.map((step) => html`<li>${step}</li>`)}</ol>`
      : '';
    return html`<section class="read-kind" data-kind="${need.kind}"><h3>${texts.kinds[need.kind]}</h3><p>${summary.general}</p>${steps}</section>`;
  });
  return html`<section class="read-aloud"><h2>${words.readTitle}</h2><p>${words.readIntro}</p>${sections}<p>${words.readClosing}</p></section>`;
}

function resultBody(request: WebRequest, result: HelpDeskResult, advice: DeviceAdviceSet): SafeHtml {
  const words = helpDeskTexts[request.locale];
  const heading = html`<h2>${words.askedAbout}: <code class="address">${result.query.ip}</code>, ${shortTime(result.query.at)}</h2>`;
  if (result.current.length === 0 && result.other.length === 0)
    return html`<section class="help-desk-result">${heading}<p class="not-in-network">${words.notInNetwork}</p><p class="note">${words.logged}</p></section>`;
  const current =
    result.current.length === 0
      ? html`<p class="none-current">${words.noneCurrent}</p>`
      : html`${findingRows(request, result.current)}${textToRead(request, result, advice)}`;
  const other =
    result.other.length === 0
      ? ''
      : html`<section class="other-times"><h2>${words.other}</h2><p class="note">${words.otherNote}</p>${findingRows(request, result.other)}</section>`;
  return html`<section class="help-desk-result">${heading}
<section class="current"><h2>${words.current}</h2>${current}</section>
${other}
<section class="address-history"><h2>${words.history}</h2>${history(request, [...result.current, ...result.other])}</section>
<p class="note">${words.logged}</p></section>`;
}

/** The caller as an ISP user: the core lets only those reach the routes, and this is the second lock (as `ispIdOf`). */
function ispPrincipalOf(request: WebRequest): Extract<Principal, { kind: 'isp' }> {
  if (request.principal?.kind !== 'isp') throw new HttpError(404, 'not an ISP user');
  return request.principal;
}

function page(request: WebRequest, body: SafeHtml, status?: number): WebResponse {
  const words = helpDeskTexts[request.locale];
  const response = portalPage(request, { title: words.title, current: '/portal/help-desk', body: html`<p>${words.intro}</p>${body}`, status });
  // Subscriber addresses tied to times: never kept by a browser or proxy cache.
  return { ...response, headers: { ...response.headers, 'cache-control': 'no-store' } };
}

/**
 * @example const routes = helpDeskRoutes(deps, loadDeviceAdvice())
 */
export function helpDeskRoutes(deps: ServerDeps<HelpDeskPageStore>, advice: DeviceAdviceSet): Route[] {
  return [
    {
      method: 'GET',
      path: '/portal/help-desk',
      access: 'isp',
      handle: (request) => {
        ispPrincipalOf(request);
        return page(request, form(request, { address: '', time: '' }));
      },
    },
    {
      method: 'POST',
      path: '/portal/help-desk',
      access: 'isp',
      async handle(request) {
        const principal = ispPrincipalOf(request);
        const body = await request.form();
        const values: HelpDeskForm = { address: (body.get('address') ?? '').slice(0, 200), time: (body.get('time') ?? '').slice(0, 100) };
        const parsed = parseHelpDeskForm(values, helpDeskTexts[request.locale].offsetMinutes, deps.now());
        if (!parsed.ok) return page(request, form(request, values, parsed.problem), 400);
        const result = await lookUpAddress(deps, principal, parsed.query);
        return page(request, html`${form(request, values)}${resultBody(request, result, advice)}`);
      },
    },
  ];
}
