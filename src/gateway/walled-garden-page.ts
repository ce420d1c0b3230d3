/**
 * The walled-garden notice page a quarantined device's browser gets instead of the web: what
 * was found on this device, what to do (the same advice texts the notices use), what still
 * works, and that the device is released by itself once the problem is gone. Japanese or
 * English. One self-contained page: no script, no external resource, every value escaped —
 * vendor and model came from the device and are hostile by default.
 */
import { findingKind } from '../core/finding-kinds.ts';
import { adviceSummary, type DeviceAdviceSet } from '../notify/messages/device-advice.ts';
import { html, type SafeHtml } from '../server/html.ts';
import type { Locale } from '../server/route-types.ts';
import type { QuarantinedDevice } from './policy.ts';

interface PageWords {
  title: string;
  intro: string;
  found: string;
  device: string;
  unknownDevice: string;
  firstSeen: string;
  whatToDo: string;
  stillWorks: string;
  release: string;
  notQuarantinedTitle: string;
  notQuarantined: string;
  otherLanguage: { label: string; locale: Locale };
}

const words: Readonly<Record<Locale, PageWords>> = {
  ja: {
    title: 'この機器のインターネット接続は制限されています',
    intro:
      'ご契約のネットワーク事業者が、この機器に安全上の問題を見つけました。機器が攻撃者に乗っ取られるのを防ぐため、問題が解決するまで、この機器からインターネットへの接続を一時的に制限しています。',
    found: '見つかった問題',
    device: '機器',
    unknownDevice: '（種類不明の機器）',
    firstSeen: '最初の検出',
    whatToDo: '対処の方法',
    stillWorks: '名前の解決（DNS）とメーカーの更新サーバーへの接続は、制限中も使えます。ファームウェアの更新はそのまま行えます。',
    release: '問題が解決すると、次回の確認で自動的に制限が解除されます。ご不明な点は、ご契約のプロバイダーにお問い合わせください。',
    notQuarantinedTitle: 'この機器は制限されていません',
    notQuarantined: 'この機器について、解決されていない問題は見つかっていません。',
    otherLanguage: { label: 'English', locale: 'en' },
  },
  en: {
    title: 'Internet access of this device is restricted',
    intro:
      'Your network provider found a security problem on this device. To keep it from being taken over by attackers, its access to the internet is restricted until the problem is fixed.',
    found: 'What was found',
    device: 'Device',
    unknownDevice: '(device of unknown type)',
    firstSeen: 'First seen',
    whatToDo: 'How to fix it',
    stillWorks: "Name resolution (DNS) and the vendor's update servers still work while access is restricted: you can update the firmware as usual.",
    release: 'Once the problem is fixed, the next check releases the device by itself. If anything is unclear, ask your internet provider.',
    notQuarantinedTitle: 'This device is not restricted',
    notQuarantined: 'No unresolved problem is known for this device.',
    otherLanguage: { label: '日本語', locale: 'ja' },
  },
};

const styleElement = html`<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1a1a1a}
h1{font-size:1.4rem;color:#8a1c1c}h2{font-size:1.1rem;margin-top:1.6rem}section{border-top:1px solid #ddd;margin-top:1rem}
.note{background:#f4f4f4;padding:.6rem .9rem;border-radius:4px}</style>`;

function page(locale: Locale, title: string, body: SafeHtml): string {
  const other = words[locale].otherLanguage;
  return html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>${styleElement}</head>
<body><p><a href="${`/?lang=${other.locale}`}" lang="${other.locale}">${other.label}</a></p>
<h1>${title}</h1>${body}</body></html>
`.markup;
}

/**
 * The page for a device: its findings and their fixes, or "not restricted" for an address the
 * policy does not quarantine (a device on the LAN that opened the page's address directly).
 * The style is inline, so the page's CSP allows only inline styles and nothing else.
 * @example renderWalledGardenPage({ locale: 'ja', device, advice })
 */
export function renderWalledGardenPage(input: { locale: Locale; device: QuarantinedDevice | undefined; advice: DeviceAdviceSet }): string {
  const { locale, device, advice } = input;
  const text = words[locale];
  if (!device) return page(locale, text.notQuarantinedTitle, html`<p>${text.notQuarantined}</p>`);
  const sections = device.findings.map((finding) => {
    const definition = findingKind(finding.kind);
    const summary = adviceSummary(advice, locale, finding.deviceType, finding.kind);
    const identity = [finding.vendor, finding.model].filter((part) => part !== undefined).join(' ');
    return html`<section>
<h2>${text.found}: ${definition?.label[locale] ?? finding.kind}</h2>
<p>${text.device}: ${identity || text.unknownDevice} (${device.ip}) — ${text.firstSeen}: ${finding.firstSeen.slice(0, 10)}</p>
<h2>${text.whatToDo}</h2>
<p>${summary.general}</p>
${summary.device ? html`<ol>${summary.device.steps.map((step) => html`<li>${step}</li>`)}</ol>` : ''}
</section>`;
  });
  return page(locale, text.title, html`<p>${text.intro}</p>${sections}<p class="note">${text.stillWorks}</p><p>${text.release}</p>`);
}

/** The walled garden's headers: nothing but the page's own inline style may load, and nothing is cached (the page changes on release). */
export const walledGardenHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
