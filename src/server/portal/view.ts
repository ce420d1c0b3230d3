/**
 * Small pieces the portal pages share: the portal's own navigation, time and device
 * formatting, and the page frame call. Every value from the store goes through `html`.
 */
import { addressWithPort } from '../../scope/canonical-address.ts';
import type { PortalFindingRow } from '../../store/roles/isp-portal.ts';
import { html, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { WebRequest, WebResponse } from '../route-types.ts';
import { bulkFixTexts } from './bulk-fix-texts.ts';
import { helpDeskTexts } from './help-desk-texts.ts';
import { portalTexts } from './texts.ts';

/**
 * "2025-03-01 09:30 UTC" from an ISO time; the empty dash when absent.
 * @example shortTime('2025-03-01T09:30:12.000Z') // '2025-03-01 09:30 UTC'
 */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '—';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** Vendor, model and firmware in one line ("unidentified" when none is known). */
export function deviceLine(finding: Pick<PortalFindingRow, 'vendor' | 'model' | 'firmwareVersion'>): string {
  const parts = [finding.vendor, finding.model, finding.firmwareVersion].filter((part) => part !== undefined && part !== '');
  return parts.length > 0 ? parts.join(' ') : '—';
}

/** ip:port/protocol ([ip]:port/protocol for IPv6), or the address alone for observations without a port. */
export function serviceLine(finding: Pick<PortalFindingRow, 'ip' | 'port' | 'protocol'>): string {
  return finding.port > 0 ? `${addressWithPort(finding.ip, finding.port)}/${finding.protocol}` : `${finding.ip} (${finding.protocol})`;
}

/**
 * A portal page: the site frame with the portal's tabs above the body.
 * @example return portalPage(request, { title: texts.findings, current: '/portal/findings', body })
 */
export function portalPage(request: WebRequest, options: { title: string; current: string; body: SafeHtml; status?: number }): WebResponse {
  const texts = portalTexts[request.locale];
  const tabs: Array<[string, string]> = [
    ['/portal', texts.overview],
    ['/portal/findings', texts.findings],
    ['/portal/reports', texts.reports],
    ['/portal/bulk-fix', bulkFixTexts[request.locale].title],
    ['/portal/tokens', texts.tokens],
    ['/portal/gateways', texts.gateways],
    ['/portal/help-desk', helpDeskTexts[request.locale].title],
  ];
  const nav = html`<nav class="portal-tabs">${tabs.map(([href, label]) => html`<a href="${href}"${href === options.current ? html` aria-current="page"` : ''}>${label}</a>`)}</nav>`;
  return renderPage(request, { title: options.title, status: options.status, body: html`${nav}\n${options.body}` });
}
