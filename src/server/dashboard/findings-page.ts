/**
 * GET /dashboard/findings: the findings behind a figure — the figure's filters from the
 * query, newest first, keyset pages ("next" carries the last id seen, never an offset).
 */
import { html, sitePath, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import type { DashboardFindingFilter, DashboardFindingPage, DashboardFindingQuery } from '../../store/roles/dashboard-findings.ts';
import { knownKinds } from './figures.ts';
import { formatTime, keyLabel, kindLabel } from './labels.ts';

const filterNames = ['kind', 'status', 'isp', 'vendor', 'deviceType', 'releaseYear', 'month', 'closedMonth'] as const;
const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

const texts = {
  en: {
    title: 'Findings',
    filters: 'Filters',
    all: 'any',
    apply: 'Show',
    clear: 'Clear filters',
    none: 'No finding matches these filters.',
    next: 'Next page',
    first: 'First page',
    partial: 'The search stopped before filling this page (it looks at a limited number of findings per page).',
    continue: 'Continue searching',
    id: '#',
    kind: 'Kind',
    address: 'Address',
    service: 'Service',
    device: 'Device',
    type: 'Type',
    year: 'Year',
    isp: 'ISP',
    status: 'Status',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    closedAt: 'Closed',
    invalid: 'Invalid filter',
    month: 'First seen in (YYYY-MM)',
    closedMonth: 'Closed in (YYYY-MM)',
    vendor: 'Vendor',
    deviceType: 'Device type',
    releaseYear: 'Release year',
    back: 'Dashboard',
  },
  ja: {
    title: '検出一覧',
    filters: '絞り込み',
    all: 'すべて',
    apply: '表示',
    clear: '絞り込みを解除',
    none: '条件に合う検出はありません。',
    next: '次のページ',
    first: '最初のページ',
    partial: '1ページあたりに調べる件数の上限に達したため、途中で検索を止めました。',
    continue: '続きを検索',
    id: '#',
    kind: '種類',
    address: 'アドレス',
    service: 'サービス',
    device: '機器',
    type: '種別',
    year: '発売年',
    isp: 'ISP',
    status: '状態',
    firstSeen: '初回検出',
    lastSeen: '最終検出',
    closedAt: '対処確認',
    invalid: '不正な絞り込み条件',
    month: '初回検出の月 (YYYY-MM)',
    closedMonth: '対処確認の月 (YYYY-MM)',
    vendor: 'メーカー',
    deviceType: '機器の種類',
    releaseYear: '発売年',
    back: 'ダッシュボード',
  },
} satisfies Record<Locale, Record<string, string>>;

export type ParsedQuery = { ok: true; query: DashboardFindingQuery } | { ok: false; problem: string };

/**
 * Read and check the drill-down filters of a query string (unknown parameters are ignored).
 * @example parseFindingQuery(new URLSearchParams('kind=infected&month=2026-01')) // { ok: true, query: { kind: 'infected', month: '2026-01', limit: 50 } }
 */
export function parseFindingQuery(parameters: URLSearchParams): ParsedQuery {
  const query: DashboardFindingQuery = { limit: 50 };
  for (const name of filterNames) {
    const value = parameters.get(name);
    if (value === null || value === '') continue;
    if (value.length > 200) return { ok: false, problem: `${name} is too long` };
    if (name === 'status' && value !== 'open' && value !== 'closed') return { ok: false, problem: 'status is open or closed' };
    if (name === 'kind' && !/^[a-z][a-z-]{0,39}$/.test(value)) return { ok: false, problem: 'kind is a finding kind such as weak-credential' };
    if ((name === 'month' || name === 'closedMonth') && !monthPattern.test(value)) return { ok: false, problem: `${name} is a month like 2026-01` };
    if (name === 'releaseYear' && value !== 'unknown' && !/^\d{4}$/.test(value)) return { ok: false, problem: 'releaseYear is a year like 2014, or unknown' };
    (query as unknown as Record<string, string>)[name] = value;
  }
  const before = parameters.get('before');
  if (before !== null) {
    if (!/^\d{1,15}$/.test(before)) return { ok: false, problem: 'before is a finding id' };
    query.before = Number(before);
  }
  const limit = parameters.get('limit');
  if (limit !== null) {
    if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 200) return { ok: false, problem: 'limit is from 1 to 200' };
    query.limit = Number(limit);
  }
  return { ok: true, query };
}

/** The filters of a query without its paging. */
export function filterOf(query: DashboardFindingQuery): DashboardFindingFilter {
  const { before: _before, limit: _limit, ...filter } = query;
  return filter;
}

function filterForm(locale: Locale, filter: DashboardFindingFilter): SafeHtml {
  const words = texts[locale];
  const option = (value: string, label: string, current?: string) =>
    html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  const text = (name: keyof DashboardFindingFilter, label: string) =>
    html`<label>${label} <input name="${name}" value="${filter[name] ?? ''}" maxlength="200"></label>`;
  return html`<form method="get" action="/dashboard/findings" class="filters"><fieldset><legend>${words.filters}</legend>
<label>${words.kind} <select name="kind">${option('', words.all, filter.kind ?? '')}${knownKinds.map((kind) => option(kind, kindLabel(locale, kind), filter.kind))}</select></label>
<label>${words.status} <select name="status">${option('', words.all, filter.status ?? '')}${option('open', keyLabel(locale, 'open'), filter.status)}${option('closed', keyLabel(locale, 'closed'), filter.status)}</select></label>
${text('isp', words.isp)}${text('vendor', words.vendor)}${text('deviceType', words.deviceType)}${text('releaseYear', words.releaseYear)}${text('month', words.month)}${text('closedMonth', words.closedMonth)}
<button type="submit">${words.apply}</button> <a href="/dashboard/findings">${words.clear}</a></fieldset></form>`;
}

/**
 * The list page (or a 400 page naming the bad filter).
 * @example return renderFindingList(request, parsed, await store.listDashboardFindings(parsed.query))
 */
export function renderFindingList(request: WebRequest, query: DashboardFindingQuery, page: DashboardFindingPage): WebResponse {
  const locale = request.locale;
  const words = texts[locale];
  const filter = filterOf(query);
  const limit = query.limit === 50 ? undefined : query.limit;
  const rows = page.findings.map(
    (finding) => html`<tr>
<td class="num"><a href="${`/dashboard/findings/${finding.id}`}">${finding.id}</a></td><td>${kindLabel(locale, finding.kind)}</td><td class="address">${finding.ip}</td>
<td>${finding.protocol}/${finding.port}</td><td>${[finding.vendor, finding.model].filter(Boolean).join(' ') || keyLabel(locale, 'unidentified')}</td>
<td>${finding.deviceType ?? ''}</td><td class="num">${finding.releaseYear ?? ''}</td><td>${finding.ispName ?? finding.ispId ?? keyLabel(locale, 'unattributed')}</td>
<td>${keyLabel(locale, finding.status)}</td><td>${formatTime(finding.firstSeen)}</td><td>${formatTime(finding.lastSeen)}</td><td>${finding.closedAt ? formatTime(finding.closedAt) : ''}</td></tr>`,
  );
  const nextLink = page.next !== undefined ? sitePath('/dashboard/findings', { ...filter, limit, before: page.next }) : undefined;
  const paging = html`<nav class="paging">${query.before !== undefined ? html`<a href="${sitePath('/dashboard/findings', { ...filter, limit })}">${words.first}</a>` : ''}
${nextLink ? html` <a rel="next" href="${nextLink}">${page.partial ? words.continue : words.next}</a>` : ''}</nav>`;
  const body = html`<p><a href="/dashboard">← ${words.back}</a></p>
${filterForm(locale, filter)}
${page.partial ? html`<p class="note">${words.partial}</p>` : ''}
${
  rows.length === 0
    ? html`<p class="empty">${words.none}</p>`
    : html`<table class="data wide findings"><thead><tr><th scope="col" class="num">${words.id}</th><th scope="col">${words.kind}</th><th scope="col">${words.address}</th><th scope="col">${words.service}</th><th scope="col">${words.device}</th><th scope="col">${words.type}</th><th scope="col" class="num">${words.year}</th><th scope="col">${words.isp}</th><th scope="col">${words.status}</th><th scope="col">${words.firstSeen}</th><th scope="col">${words.lastSeen}</th><th scope="col">${words.closedAt}</th></tr></thead>
<tbody>${rows}</tbody></table>`
}
${paging}`;
  return renderPage(request, { title: words.title, body });
}

/**
 * @example return renderBadFilter(request, 'status is open or closed')
 */
export function renderBadFilter(request: WebRequest, problem: string): WebResponse {
  const words = texts[request.locale];
  return renderPage(request, {
    title: words.invalid,
    status: 400,
    body: html`<p class="error">${problem}</p><p><a href="/dashboard/findings">${words.clear}</a></p>`,
  });
}
