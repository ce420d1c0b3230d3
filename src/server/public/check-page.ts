/**
 * GET /check, "check my connection": what we know about the address the visitor connects
 * from — whether open findings exist, their kinds, the device if identified, when last seen,
 * and whether the address was seen scanning the darknet or attacking the honeypots lately —
 * with advice in plain words (the device's own steps when its type is known). The address is
 * the connection's peer and nothing else: the page reads no parameter, so no other address can
 * be asked about. Never credentials, ports, evidence, or anything else of the darknet data.
 */
import { html, type SafeHtml } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { WebRequest, WebResponse } from '../route-types.ts';
import type { AddressActivity } from '../../store/roles/address-activity.ts';
import type { AddressFinding } from '../../store/roles/address-check.ts';
import { adviceSummary, type DeviceAdviceSet } from '../../notify/messages/device-advice.ts';
import { formatTime, kindLabel } from '../dashboard/labels.ts';
import { fill, publicWords } from './words.ts';

/** What the page says about the caller's address. */
export interface CheckFacts {
  findings: AddressFinding[];
  activity: AddressActivity;
  /** The window of `activity`, in days. */
  activityDays: number;
  advice: DeviceAdviceSet;
}

function adviceItem(request: WebRequest, finding: AddressFinding, advice: DeviceAdviceSet): SafeHtml {
  const words = publicWords(request.locale);
  const summary = adviceSummary(advice, request.locale, finding.deviceType, finding.kind);
  const steps = summary.device
    ? html`<p>${fill(words.deviceSteps, { device: summary.device.deviceName })}</p><ol class="device-steps">${summary.device.steps.map((step) => html`<li>${step}</li>`)}</ol>`
    : '';
  return html`<li data-kind="${finding.kind}"><strong>${kindLabel(request.locale, finding.kind)}</strong>: ${summary.general || words.adviceOther}${steps}</li>`;
}

function activitySection(request: WebRequest, activity: AddressActivity, days: number): SafeHtml {
  const words = publicWords(request.locale);
  const seen = [
    activity.darknetScanningLastSeen &&
      html`<li class="darknet-scanning">${fill(words.activityScanning, { days, time: formatTime(activity.darknetScanningLastSeen) })}</li>`,
    activity.honeypotAttackLastSeen &&
      html`<li class="honeypot-attack">${fill(words.activityHoneypot, { days, time: formatTime(activity.honeypotAttackLastSeen) })}</li>`,
  ].filter((item) => item !== undefined);
  if (seen.length === 0)
    return html`<section class="activity" data-seen="no"><h2>${words.activityTitle}</h2><p class="success">${fill(words.activityNone, { days })}</p></section>`;
  return html`<section class="activity" data-seen="yes"><h2>${words.activityTitle}</h2><div class="warning"><ul>${seen}</ul><p>${words.activityMeaning}</p></div>
<h3>${words.whatToDo}</h3><ol class="activity-advice">${words.activityAdvice.map((step) => html`<li>${step}</li>`)}</ol>
<p class="note">${words.sharedAddress}</p></section>`;
}

/**
 * @example return renderCheck(request, { findings: await store.openFindingsAt(ip), activity: await store.addressActivitySince(ip, since), activityDays: 7, advice })
 */
export function renderCheck(request: WebRequest, facts: CheckFacts): WebResponse {
  const words = publicWords(request.locale);
  const { findings } = facts;
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
<ul class="advice">${findings.map((finding) => adviceItem(request, finding, facts.advice))}</ul>
<p class="note">${words.sharedAddress}</p>`;
  const body = html`<p>${words.checkIntro}</p>
<p>${words.yourAddress}: <code class="address" id="your-address">${request.remoteAddress}</code></p>
${result}
${activitySection(request, facts.activity, facts.activityDays)}`;
  const page = renderPage(request, { title: words.checkTitle, body });
  return { ...page, headers: { ...page.headers, 'cache-control': 'no-store' } };
}
