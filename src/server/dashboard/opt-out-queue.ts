/**
 * GET /dashboard/opt-outs: requests from the public opt-out form, pending first, each with
 * approve and reject buttons (POST, CSRF token in the form). Everything shown was typed by a
 * stranger, so it is all escaped text. A range that is very broad, or touches special-purpose
 * space (requests stored before the form refused those), carries a warning beside it.
 */
import { html, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';
import type { OptOutRequestRow } from '../../store/roles/opt-outs.ts';
import type { OptOutRangeCheck, RangeConcern } from '../opt-out-ranges.ts';
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
    broad: 'Very broad: a /{length} ({addresses}); a network rarely holds more than a /{usual}. Check that the requester holds all of it before approving.',
    special: 'Overlaps {range} ({why}): special-purpose space that is never surveyed.',
    warnings: 'Check before approving',
    addresses: 'addresses',
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
    broad:
      '非常に広い範囲です：/{length}（{addresses}）。1つのネットワークが /{usual} より広い範囲を持つことはまれです。申請者が全体を保有しているか確認してから承認してください。',
    special: '{range}（{why}）と重なっています。調査しない特別用途のアドレスです。',
    warnings: '承認前に確認してください',
    addresses: 'アドレス',
  },
} satisfies Record<Locale, Record<string, string>>;

function addressCount(concern: Extract<RangeConcern, { kind: 'broad' }>, words: (typeof texts)['en']): string {
  const bits = (concern.cidr.includes(':') ? 128 : 32) - concern.prefixLength;
  return `${bits <= 40 ? (2 ** bits).toLocaleString('en') : `2^${bits}`} ${words.addresses}`;
}

function concernText(concern: RangeConcern, words: (typeof texts)['en']): string {
  if (concern.kind === 'special-purpose') return words.special.replace('{range}', concern.overlaps).replace('{why}', concern.why);
  return words.broad
    .replace('{length}', String(concern.prefixLength))
    .replace('{addresses}', addressCount(concern, words))
    .replace('{usual}', String(concern.shortestUsual));
}

function rangeList(row: OptOutRequestRow, ranges: OptOutRangeCheck, words: (typeof texts)['en']): SafeHtml {
  const concerns = ranges.concerns(row.cidrs);
  return html`<ul class="cidrs">${row.cidrs.map((cidr) => {
    const own = concerns.filter((concern) => concern.cidr === cidr);
    return html`<li><code>${cidr}</code>${own.length > 0 ? html`<ul class="warnings" role="note" aria-label="${words.warnings}">${own.map((concern) => html`<li class="warning">⚠ ${concernText(concern, words)}</li>`)}</ul>` : ''}</li>`;
  })}</ul>`;
}

function requestRow(request: WebRequest, row: OptOutRequestRow, ranges: OptOutRangeCheck, words: (typeof texts)['en']): SafeHtml {
  const csrf = html`<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">`;
  const decision =
    row.status === 'pending'
      ? html`<form method="post" action="${`/dashboard/opt-outs/${row.id}/approve`}" class="inline">${csrf}<button type="submit">${words.approve}</button></form>
<form method="post" action="${`/dashboard/opt-outs/${row.id}/reject`}" class="inline">${csrf}<button type="submit" class="secondary">${words.reject}</button></form>`
      : html`${words[row.status]} ${formatTime(row.decidedAt)} (${words.by} ${row.decidedBy ?? '–'})`;
  return html`<tr><td class="num">${row.id}</td><td>${formatTime(row.requestedAt)}</td><td class="address">${row.requesterAddress}</td><td>${row.contact}</td>
<td>${rangeList(row, ranges, words)}</td><td class="reason">${row.reason}</td><td>${decision}</td></tr>`;
}

function requestTable(request: WebRequest, rows: OptOutRequestRow[], ranges: OptOutRangeCheck, words: (typeof texts)['en']): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${words.none}</p>`;
  return html`<table class="data wide"><thead><tr><th scope="col" class="num">${words.id}</th><th scope="col">${words.requested}</th><th scope="col">${words.from}</th><th scope="col">${words.contact}</th>
<th scope="col">${words.ranges}</th><th scope="col">${words.reason}</th><th scope="col">${words.decision}</th></tr></thead><tbody>${rows.map((row) => requestRow(request, row, ranges, words))}</tbody></table>`;
}

/**
 * @example return renderOptOutQueue(request, { pending: await store.listOptOutRequests({ status: 'pending' }), decided: recent }, createOptOutRangeCheck())
 */
export function renderOptOutQueue(
  request: WebRequest,
  rows: { pending: OptOutRequestRow[]; decided: OptOutRequestRow[] },
  ranges: OptOutRangeCheck,
): WebResponse {
  const words = texts[request.locale];
  const body = html`<p><a href="/dashboard">← ${words.back}</a></p><p class="note">${words.explain}</p>
<section><h2>${words.pending}</h2>${requestTable(request, rows.pending, ranges, words)}</section>
<section><h2>${words.decided}</h2>${requestTable(request, rows.decided, ranges, words)}</section>`;
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
