/**
 * GET /dashboard/help-desk-log: every lookup the ISPs' help desks made in the portal — who,
 * when, which address and time, how many findings were shown and how many of them were present
 * then — newest first, paged
 * by keyset. The operator audits it: an address tied to a time points at one subscriber.
 */
import { html, sitePath } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import type { HelpDeskLookupRow } from '../../store/roles/help-desk.ts';
import { formatTime } from './labels.ts';

export const helpDeskLogPageSize = 100;

const texts = {
  en: {
    title: 'Help-desk lookups',
    intro:
      'Every lookup an ISP help desk made: who, when, which address and time, how many findings were shown, and how many of them were present at that time.',
    empty: 'No lookups yet.',
    when: 'When',
    who: 'Who',
    isp: 'ISP',
    address: 'Address',
    asked: 'Time asked',
    rows: 'Findings shown',
    present: 'present then',
    older: 'Older →',
    newest: '← Newest',
    back: 'Dashboard',
  },
  ja: {
    title: 'ヘルプデスクの照会記録',
    intro: 'ISPのヘルプデスクが行ったすべての照会です。誰が、いつ、どのアドレスと日時を調べ、検出結果を何件（うちその日時に存在したものを何件）表示したか。',
    empty: '照会はまだありません。',
    when: '日時',
    who: '照会者',
    isp: 'ISP',
    address: 'アドレス',
    asked: '照会した日時',
    rows: '表示した件数',
    present: 'うちその日時に存在',
    older: '古い記録 →',
    newest: '← 最新',
    back: 'ダッシュボード',
  },
} satisfies Record<Locale, Record<string, string>>;

/**
 * The keyset cursor of the query string (`before`), or undefined for the first page.
 * @example lookupCursor(new URLSearchParams('before=120')) // 120
 */
export function lookupCursor(query: URLSearchParams): number | undefined {
  const text = query.get('before') ?? '';
  return /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;
}

/**
 * @example return renderHelpDeskLog(request, await store.listHelpDeskLookups({ limit: helpDeskLogPageSize + 1 }), undefined)
 */
export function renderHelpDeskLog(request: WebRequest, rows: readonly HelpDeskLookupRow[], before: number | undefined): WebResponse {
  const words = texts[request.locale];
  const shown = rows.slice(0, helpDeskLogPageSize);
  const next = rows.length > helpDeskLogPageSize ? shown.at(-1)?.id : undefined;
  const table =
    shown.length === 0
      ? html`<p class="empty">${words.empty}</p>`
      : html`<table class="data wide help-desk-log"><thead><tr><th scope="col">${words.when}</th><th scope="col">${words.who}</th><th scope="col">${words.isp}</th><th scope="col">${words.address}</th><th scope="col">${words.asked}</th><th scope="col" class="num">${words.rows}</th><th scope="col" class="num">${words.present}</th></tr></thead>
<tbody>${shown.map((row) => html`<tr data-id="${row.id}"><td>${formatTime(row.at)}</td><td>${row.userName}</td><td>${row.ispId}</td><td class="address">${row.ip}</td><td>${formatTime(row.askedTime)}</td><td class="num">${row.rowsShown}</td><td class="num">${row.rowsPresent}</td></tr>`)}</tbody></table>`;
  const pages = html`<p class="pages">${before !== undefined ? html`<a href="/dashboard/help-desk-log">${words.newest}</a> ` : ''}${next !== undefined ? html`<a rel="next" href="${sitePath('/dashboard/help-desk-log', { before: next })}">${words.older}</a>` : ''}</p>`;
  const page = renderPage(request, {
    title: words.title,
    body: html`<p><a href="/dashboard">← ${words.back}</a></p><p class="note">${words.intro}</p>${table}${pages}`,
  });
  return { ...page, headers: { ...page.headers, 'cache-control': 'no-store' } };
}
