/**
 * GET /check, "check my connection": what we know about the address the visitor connects
 * from — whether open findings exist, their kinds, the device if identified, when last seen —
 * with advice in plain words. The address is the connection's peer and nothing else: the page
 * reads no parameter, so no other address can be asked about. Never credentials, ports or
 * evidence.
 */
import { html } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { WebRequest, WebResponse } from '../route-types.ts';
import type { AddressFinding } from '../../store/roles/address-check.ts';
import { findingKind } from '../../core/finding-kinds.ts';
import { formatTime, kindLabel } from '../dashboard/labels.ts';
import { publicWords } from './words.ts';

/**
 * @example return renderCheck(request, await store.openFindingsAt(request.remoteAddress))
 */
export function renderCheck(request: WebRequest, findings: AddressFinding[]): WebResponse {
  const words = publicWords(request.locale);
  const devices = [
    ...new Set(
      findings
        .map((finding) =>
          // A critical device is named by its type only: a public page never shows its maker or model.
          finding.deviceType === 'critical'
            ? `(${finding.deviceType})`
            : [finding.vendor, finding.model, finding.deviceType && `(${finding.deviceType})`].filter(Boolean).join(' '),
        )
        .filter(Boolean),
    ),
  ];
  const result =
    findings.length === 0
      ? html`<p class="success">${words.nothingFound}</p><p>${words.nothingFoundNote}</p>`
      : html`<div class="warning"><p>${words.found}</p>
<ul class="check-findings">${findings.map((finding) => html`<li data-kind="${finding.kind}"><strong>${kindLabel(request.locale, finding.kind)}</strong> — ${words.lastSeen} ${formatTime(finding.lastSeen)}</li>`)}</ul>
${devices.length ? html`<p>${words.device}: ${devices.join(', ')}</p>` : ''}</div>
<h2>${words.whatToDo}</h2>
<ul class="advice">${[...new Set(findings.map((finding) => finding.kind))].map((kind) => html`<li><strong>${kindLabel(request.locale, kind)}</strong>: ${findingKind(kind)?.advice[request.locale] ?? words.adviceOther}</li>`)}</ul>
<p class="note">${words.sharedAddress}</p>`;
  const body = html`<p>${words.checkIntro}</p>
<p>${words.yourAddress}: <code class="address" id="your-address">${request.remoteAddress}</code></p>
${result}`;
  const page = renderPage(request, { title: words.checkTitle, body });
  return { ...page, headers: { ...page.headers, 'cache-control': 'no-store' } };
}
