/**
 * GET /dashboard/opt-outs: requests from the public opt-out form, pending first, each with
 * approve and reject buttons (POST, CSRF token in the form). Everything shown was typed by a
 * stranger, so it is all escaped text.
 */
import { html, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import type { OptOutRequestRow } from '../../store/roles/opt-outs.ts';
import { formatTime } from './labels.ts';

const texts = {
  en: {
    title: 'Opt-out requests',
    pending: 'Waiting for a decision',
    decided: 'Decided recently',
    none: 'None.',
    id: '#',
    requested: 'Requested',
    from: 'From address',
    contact: 'Contact',
    ranges: 'Ranges',
    reason: 'Reason',
    decision: 'Decision',
    approve: 'Approve',
    reject: 'Reject',
    approved: 'approved',
    rejected: 'rejected',
    by: 'by',
    explain:
      'Approved ranges are never surveyed: `opennotice survey` excludes them automatically, and `opennotice optouts export` writes them for other scanners.',
    back: 'Dashboard',
    conflict: 'This request was already decided.',
  },
  ja: {
    title: '調査除外の申請',
    pending: '判断待ち',
    decided: '最近の判断',
    none: 'ありません。',
    id: '#',
    requested: '申請日時',
    from: '送信元アドレス',
    contact: '連絡先',
    ranges: 'アドレス範囲',
    reason: '理由',
    decision: '判断',
    approve: '承認',
    reject: '却下',
    approved: '承認',
    rejected: '却下',
    by: '判断者',
    explain: '承認した範囲は調査しません。`opennotice survey` が自動的に除外し、`opennotice optouts export` で他のスキャナ向けに書き出せます。',
    back: 'ダッシュボード',
    conflict: 'この申請はすでに判断済みです。',
  },
} satisfies Record<Locale, Record<string, string>>;

function requestRow(request: WebRequest, row: OptOutRequestRow, words: (typeof texts)['en']): SafeHtml {
  const csrf = html`<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">`;
  const decision =
    row.status === 'pending'
      ? html`<form method="post" action="${`/dashboard/opt-outs/${row.id}/approve`}" class="inline">${csrf}<button type="submit">${words.approve}</button></form>
<form method="post" action="${`/dashboard/opt-outs/${row.id}/reject`}" class="inline">${csrf}<button type="submit" class="secondary">${words.reject}</button></form>`
      : html`${words[row.status]} ${formatTime(row.decidedAt)} (${words.by} ${row.decidedBy ?? '–'})`;
  return html`<tr><td class="num">${row.id}</td><td>${formatTime(row.requestedAt)}</td><td class="address">${row.requesterAddress}</td><td>${row.contact}</td>
<td><ul class="cidrs">${row.cidrs.map((cidr) => html`<li><code>${cidr}</code></li>`)}</ul></td><td class="reason">${row.reason}</td><td>${decision}</td></tr>`;
}

function requestTable(request: WebRequest, rows: OptOutRequestRow[], words: (typeof texts)['en']): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${words.none}</p>`;
  return html`<table class="data wide"><thead><tr><th scope="col" class="num">${words.id}</th><th scope="col">${words.requested}</th><th scope="col">${words.from}</th><th scope="col">${words.contact}</th>
<th scope="col">${words.ranges}</th><th scope="col">${words.reason}</th><th scope="col">${words.decision}</th></tr></thead><tbody>${rows.map((row) => requestRow(request, row, words))}</tbody></table>`;
}

/**
 * @example return renderOptOutQueue(request, await store.listOptOutRequests({ status: 'pending' }), recent)
 */
export function renderOptOutQueue(request: WebRequest, pending: OptOutRequestRow[], decided: OptOutRequestRow[]): WebResponse {
  const words = texts[request.locale];
  const body = html`<p><a href="/dashboard">← ${words.back}</a></p><p class="note">${words.explain}</p>
<section><h2>${words.pending}</h2>${requestTable(request, pending, words)}</section>
<section><h2>${words.decided}</h2>${requestTable(request, decided, words)}</section>`;
  return renderPage(request, { title: words.title, body });
}

/** 409: the request was decided by someone else in the meantime. */
export function renderAlreadyDecided(request: WebRequest): WebResponse {
  const words = texts[request.locale];
  return renderPage(request, {
    title: words.title,
    status: 409,
    body: html`<p class="error">${words.conflict}</p><p><a href="/dashboard/opt-outs">${words.title}</a></p>`,
  });
}
