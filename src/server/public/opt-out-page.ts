/**
 * GET/POST /opt-out: the form network owners use to ask that their ranges are never
 * surveyed. Input is checked here (IPv4 and IPv6 CIDRs through scope's parser, none touching
 * special-purpose space; an e-mail address; a bounded note); problems are shown on the form
 * with what was typed, escaped.
 */
import { parseAnyCidr } from '../../scope/address-space.ts';
import type { OptOutRangeCheck } from '../opt-out-ranges.ts';
import { html } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { WebRequest, WebResponse } from '../route-types.ts';
import { fill, publicWords } from './words.ts';

export const MAX_OPT_OUT_RANGES = 64;
export const MAX_OPT_OUT_NOTE = 2000;

export interface OptOutForm {
  cidrs: string;
  contact: string;
  reason: string;
}

export type OptOutValidation = { ok: true; cidrs: string[]; contact: string; reason: string } | { ok: false; problems: string[] };

/**
 * Check a submitted form; CIDRs come back normalised and without duplicates.
 * @example validateOptOut({ cidrs: '133.0.0.0/24\n', contact: 'noc@example.net', reason: '' }, 'en', createOptOutRangeCheck()) // { ok: true, cidrs: ['133.0.0.0/24'], … }
 */
export function validateOptOut(form: OptOutForm, locale: WebRequest['locale'], ranges: OptOutRangeCheck): OptOutValidation {
  const words = publicWords(locale);
  const problems: string[] = [];
  const lines = form.cidrs
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const cidrs = new Set<string>();
  if (lines.length === 0) problems.push(words.cidrRequired);
  if (lines.length > MAX_OPT_OUT_RANGES) problems.push(fill(words.cidrTooMany, { max: MAX_OPT_OUT_RANGES }));
  else {
    lines.forEach((line, index) => {
      let cidr: ReturnType<typeof parseAnyCidr>;
      try {
        cidr = parseAnyCidr(line);
      } catch {
        problems.push(fill(words.cidrInvalid, { line: index + 1, text: line.slice(0, 60) }));
        return;
      }
      const special = ranges.specialPurpose(cidr);
      if (special) problems.push(fill(words.cidrSpecialPurpose, { line: index + 1, cidr: cidr.text, range: special.overlaps, why: special.why }));
      else cidrs.add(cidr.text);
    });
  }
  const contact = form.contact.trim();
  if (contact.length > 254 || !/^[^\s@<>"',;]+@[^\s@<>"',;]+\.[^\s@<>"',;]+$/.test(contact)) problems.push(words.emailInvalid);
  const reason = form.reason.trim();
  if (reason.length > MAX_OPT_OUT_NOTE) problems.push(fill(words.reasonTooLong, { max: MAX_OPT_OUT_NOTE }));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, cidrs: [...cidrs], contact, reason };
}

/**
 * The form, empty or with the values and problems of a rejected submission.
 * @example return renderOptOutForm(request)
 */
export function renderOptOutForm(request: WebRequest, submitted?: { form: OptOutForm; problems: string[] }): WebResponse {
  const words = publicWords(request.locale);
  const form = submitted?.form ?? { cidrs: '', contact: '', reason: '' };
  const problems = submitted?.problems ?? [];
  const body = html`<p>${words.optOutIntro}</p>
${problems.length ? html`<div class="errors" role="alert"><p>${words.errors}</p><ul>${problems.map((problem) => html`<li>${problem}</li>`)}</ul></div>` : ''}
<form method="post" action="/opt-out" class="stacked">
<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">
<label for="cidrs">${words.cidrs}</label>
<textarea id="cidrs" name="cidrs" rows="5" required>${form.cidrs}</textarea>
<label for="contact">${words.email}</label>
<input id="contact" name="contact" type="email" maxlength="254" required value="${form.contact}">
<label for="reason">${words.reason}</label>
<textarea id="reason" name="reason" rows="3" maxlength="${MAX_OPT_OUT_NOTE}">${form.reason}</textarea>
<button type="submit">${words.send}</button>
</form>`;
  return renderPage(request, { title: words.optOutTitle, body, status: problems.length ? 400 : 200 });
}

/**
 * @example return renderOptOutReceived(request, 12)
 */
export function renderOptOutReceived(request: WebRequest, id: number): WebResponse {
  const words = publicWords(request.locale);
  return renderPage(request, { title: words.received, body: html`<p class="success">${fill(words.receivedText, { id })}</p>` });
}
