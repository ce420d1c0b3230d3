/**
 * The frame every HTML page shares: language, navigation for the caller's role, a logout
 * form carrying the CSRF token, and only same-origin scripts and styles (the Content
 * Security Policy forbids inline ones, so chart data travels in JSON script elements).
 */
import { html, sameDocumentQuery, type SafeHtml } from './html.ts';
import type { Locale, WebRequest, WebResponse } from './route-types.ts';

const navigation = {
  en: {
    about: 'About',
    statistics: 'Statistics',
    check: 'Check my connection',
    optOut: 'Opt out',
    dashboard: 'Dashboard',
    portal: 'ISP portal',
    login: 'Log in',
    logout: 'Log out',
    language: '日本語',
  },
  ja: {
    about: 'このプログラムについて',
    statistics: '統計',
    check: '接続の確認',
    optOut: '調査の対象外にする',
    dashboard: 'ダッシュボード',
    portal: 'ISPポータル',
    login: 'ログイン',
    logout: 'ログアウト',
    language: 'English',
  },
} satisfies Record<Locale, Record<string, string>>;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Same-origin script paths, e.g. ['/assets/echarts.min.js', '/assets/dashboard.js']. */
  scripts?: string[];
  status?: number;
}

/**
 * A complete HTML response in the request's language.
 * @example return renderPage(request, { title: 'Findings', body: html`<table>…</table>` })
 */
export function renderPage(request: WebRequest, options: PageOptions): WebResponse {
  const words = navigation[request.locale];
  const principal = request.principal;
  const other: Locale = request.locale === 'ja' ? 'en' : 'ja';
  const switchQuery = Object.fromEntries([...request.query.entries()].filter(([name]) => name !== 'lang'));
  const links: Array<[string, string]> = [
    ['/', words.about],
    ['/statistics', words.statistics],
    ['/check', words.check],
    ['/opt-out', words.optOut],
  ];
  if (principal?.kind === 'operator') links.push(['/dashboard', words.dashboard]);
  if (principal?.kind === 'isp') links.push(['/portal', words.portal]);
  const account = principal
    ? html`<form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="${request.csrfToken ?? ''}"><span class="who">${principal.name}</span> <button type="submit">${words.logout}</button></form>`
    : html`<a href="/login">${words.login}</a>`;
  const page = html`<!doctype html>
<html lang="${request.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} — opennotice</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<header class="site">
<a class="brand" href="/">opennotice</a>
<nav>${links.map(([href, label]) => html`<a href="${href}"${request.path === href ? html` aria-current="page"` : ''}>${label}</a>`)}</nav>
<div class="account">${account} <a class="language" hreflang="${other}" href="${sameDocumentQuery({ ...switchQuery, lang: other })}">${words.language}</a></div>
</header>
<main>
<h1>${options.title}</h1>
${options.body}
</main>
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>
`;
  return { status: options.status ?? 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page.markup };
}
