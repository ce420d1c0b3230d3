/**
 * GET /: the transparency page — what the survey is and why, who runs it, the addresses it
 * comes from and its User-Agent, and where to opt out, check a connection or read the figures.
 */
import { html } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { ProgramInfo, WebRequest, WebResponse } from '../route-types.ts';
import { publicWords } from './words.ts';

/**
 * The User-Agent our HTTP checks send (the survey's default names the transparency page).
 * @example scannerUserAgent({ name: 'x', url: 'https://notice.example/' } as ProgramInfo) // 'opennotice-survey (+https://notice.example/)'
 */
export function scannerUserAgent(program: ProgramInfo): string {
  return `opennotice-survey (+${program.url ?? 'https://github.com/opennotice/opennotice'})`;
}

const looksLikeEmail = (text: string) => /^[^\s@<>"]+@[^\s@<>"]+$/.test(text);

/**
 * @example return renderAbout(request, deps.program)
 */
export function renderAbout(request: WebRequest, program: ProgramInfo): WebResponse {
  const words = publicWords(request.locale);
  const contact = looksLikeEmail(program.contact) ? html`<a href="${`mailto:${program.contact}`}">${program.contact}</a>` : program.contact;
  const body = html`<p class="lead">${program.name}</p>
<section><h2>${words.aboutWhat}</h2><p>${words.aboutWhatText}</p></section>
<section><h2>${words.aboutWhy}</h2><p>${words.aboutWhyText}</p></section>
<section><h2>${words.aboutHow}</h2><ul>${words.aboutHowItems.map((item) => html`<li>${item}</li>`)}</ul></section>
<section><h2>${words.aboutWho}</h2><dl class="facts"><dt>${words.operator}</dt><dd>${program.operator}</dd><dt>${words.contact}</dt><dd>${contact}</dd></dl></section>
<section><h2>${words.addresses}</h2>${
    program.scannerAddresses.length
      ? html`<ul class="addresses">${program.scannerAddresses.map((address) => html`<li><code>${address}</code></li>`)}</ul>`
      : html`<p>${words.noAddresses}</p>`
  }</section>
<section><h2>${words.recognise}</h2><p>${words.recogniseText}</p><p><code class="user-agent">${scannerUserAgent(program)}</code></p></section>
<ul class="next-steps"><li><a href="/opt-out">${words.optOutLink}</a></li><li><a href="/check">${words.checkLink}</a></li><li><a href="/statistics">${words.statisticsLink}</a></li></ul>`;
  return renderPage(request, { title: words.aboutTitle, body });
}
