/**
 * What the secure gateways reported, newest first, paged by keyset — per report the ISP and
 * gateway, the window, the packets to C&C endpoints dropped (the indicators that counted
 * most), the quarantined devices and the notice pages served. GET /dashboard/gateways is the
 * operator's view of every ISP's gateways (`opennotice gateway-reports` prints the same);
 * GET /portal/gateways is an ISP's view of its own.
 */
import type { GatewayReportRow } from '../../store/roles/gateway-reports.ts';
import { formatTime } from '../dashboard/labels.ts';
import { html, type SafeHtml, sitePath } from '../html.ts';
import { renderPage } from '../layout.ts';
import { portalPage } from '../portal/view.ts';
import type { Locale, WebRequest, WebResponse } from '../route-types.ts';

export const gatewayReportPageSize = 100;

const texts = {
  en: {
    title: 'Secure-gateway reports',
    intro:
      'What the secure gateways (opennotice gateway) on edge routers reported each round: packets to approved C&C endpoints they dropped, devices they held in quarantine, and notice pages those devices were shown.',
    empty: 'No gateway has reported yet.',
    received: 'Received',
    gateway: 'ISP / gateway',
    gatewayOnly: 'Gateway',
    window: 'Window',
    dropped: 'Packets to C&C dropped',
    top: 'Most dropped',
    quarantined: 'Quarantined devices',
    pages: 'Notice pages',
    older: 'Older →',
    newest: '← Newest',
    back: 'Dashboard',
    ispIntro:
      'What your secure gateways (opennotice gateway, run with an API token of your users) reported each round: packets to approved C&C endpoints they dropped, devices of your network they held in quarantine, and notice pages those devices were shown.',
  },
  ja: {
    title: 'セキュアゲートウェイの報告',
    intro:
      '宅内・事業所のルーターで動くセキュアゲートウェイ（opennotice gateway）が各回報告した内容です。承認済みのC&Cサーバーへの通信を遮断したパケット数、隔離した機器、その機器に表示した通知ページの数。',
    empty: 'まだ報告はありません。',
    received: '受信日時',
    gateway: 'ISP / ゲートウェイ',
    gatewayOnly: 'ゲートウェイ',
    window: '集計期間',
    dropped: 'C&Cへの遮断パケット数',
    top: '遮断の多い宛先',
    quarantined: '隔離した機器',
    pages: '通知ページ',
    older: '古い報告 →',
    newest: '← 最新',
    back: 'ダッシュボード',
    ispIntro:
      '貴社のセキュアゲートウェイ（貴社ユーザーのAPIトークンで動くopennotice gateway）が各回報告した内容です。承認済みのC&Cサーバーへの通信を遮断したパケット数、隔離した貴社ネットワークの機器、その機器に表示した通知ページの数。',
  },
} satisfies Record<Locale, Record<string, string>>;

/** Where a page of reports lives: the operator's dashboard or an ISP's portal. */
interface ReportsView {
  path: '/dashboard/gateways' | '/portal/gateways';
  /** The operator sees every ISP's gateways; an ISP only its own, so its id is not repeated. */
  showIsp: boolean;
}

function reportsBody(request: WebRequest, rows: readonly GatewayReportRow[], before: number | undefined, view: ReportsView): SafeHtml {
  const words = texts[request.locale];
  const shown = rows.slice(0, gatewayReportPageSize);
  const next = rows.length > gatewayReportPageSize ? shown.at(-1)?.id : undefined;
  const line = (row: GatewayReportRow) => {
    const packets = row.blocked.reduce((sum, entry) => sum + entry.packets, 0);
    const top = [...row.blocked].sort((a, b) => b.packets - a.packets).slice(0, 3);
    const pages = row.quarantined.reduce((sum, device) => sum + device.pagesServed, 0);
    return html`<tr data-id="${row.id}"><td>${formatTime(row.receivedAt)}</td><td>${view.showIsp ? html`${row.ispId} / ` : ''}${row.gateway}</td><td>${formatTime(row.windowStart)} – ${formatTime(row.windowEnd)}</td><td class="num">${packets}</td><td>${top.map((entry) => html`<span class="address">${entry.indicator}</span> ${entry.packets}<br>`)}</td><td>${row.quarantined.map((device) => html`<span class="address">${device.ip}</span><br>`)}</td><td class="num">${pages}</td></tr>`;
  };
  const table =
    shown.length === 0
      ? html`<p class="empty">${words.empty}</p>`
      : html`<table class="data wide gateway-reports"><thead><tr><th scope="col">${words.received}</th><th scope="col">${view.showIsp ? words.gateway : words.gatewayOnly}</th><th scope="col">${words.window}</th><th scope="col" class="num">${words.dropped}</th><th scope="col">${words.top}</th><th scope="col">${words.quarantined}</th><th scope="col" class="num">${words.pages}</th></tr></thead>
<tbody>${shown.map(line)}</tbody></table>`;
  const pages = html`<p class="pages">${before !== undefined ? html`<a href="${view.path}">${words.newest}</a> ` : ''}${next !== undefined ? html`<a rel="next" href="${sitePath(view.path, { before: next })}">${words.older}</a>` : ''}</p>`;
  return html`${table}${pages}`;
}

const noStore = (page: WebResponse): WebResponse => ({ ...page, headers: { ...page.headers, 'cache-control': 'no-store' } });

/**
 * The operator's page of every ISP's reports.
 * @example return renderGatewayReports(request, await store.listGatewayReports({ limit: gatewayReportPageSize + 1 }), undefined)
 */
export function renderGatewayReports(request: WebRequest, rows: readonly GatewayReportRow[], before: number | undefined): WebResponse {
  const words = texts[request.locale];
  return noStore(
    renderPage(request, {
      title: words.title,
      body: html`<p><a href="/dashboard">← ${words.back}</a></p><p class="note">${words.intro}</p>${reportsBody(request, rows, before, { path: '/dashboard/gateways', showIsp: true })}`,
    }),
  );
}

/**
 * An ISP's page of its own gateways' reports, in the portal (the rows already limited to the ISP).
 * @example return renderIspGatewayReports(request, await store.listGatewayReports({ ispId, limit: gatewayReportPageSize + 1 }), undefined)
 */
export function renderIspGatewayReports(request: WebRequest, rows: readonly GatewayReportRow[], before: number | undefined): WebResponse {
  const words = texts[request.locale];
  return noStore(
    portalPage(request, {
      title: words.title,
      current: '/portal/gateways',
      body: html`<p class="note">${words.ispIntro}</p>${reportsBody(request, rows, before, { path: '/portal/gateways', showIsp: false })}`,
    }),
  );
}
