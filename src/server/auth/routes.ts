/**
 * Logging in and out. A failed login always gets the same answer — wrong name, wrong
 * password and a locked account are indistinguishable — and a successful one always starts
 * a new session (an id planted before login is never promoted).
 */
import { parseCookies, serializeCookie } from '../cookies.ts';
import { csrfRejection } from '../csrf-check.ts';
import { html } from '../html.ts';
import { renderPage } from '../layout.ts';
import type { ModuleContext } from '../module-context.ts';
import { errorResponse, redirect } from '../responses.ts';
import type { Locale, Principal, Route, ServerDeps, WebRequest } from '../route-types.ts';
import { maxPasswordLength } from './password.ts';

const texts = {
  en: {
    title: 'Log in',
    name: 'User name',
    password: 'Password',
    submit: 'Log in',
    failed: 'The user name or password is wrong, or logins are paused for 15 minutes after repeated failures.',
    help: 'Accounts are given out by the program operator. ISP staff see only their own network’s findings.',
  },
  ja: {
    title: 'ログイン',
    name: 'ユーザー名',
    password: 'パスワード',
    submit: 'ログイン',
    failed: 'ユーザー名またはパスワードが違います。失敗が続いた場合、ログインは15分間停止されます。',
    help: 'アカウントはプログラムの運用者が発行します。ISPの担当者には自社ネットワークの検出結果だけが表示されます。',
  },
} satisfies Record<Locale, Record<string, string>>;

const maxNameLength = 200;

/** Where a role lands after login when no page was asked for. */
export function homeOf(principal: Pick<Principal, 'kind'>): string {
  return principal.kind === 'operator' ? '/dashboard' : '/portal';
}

/**
 * A `next` parameter that may be followed: a path of this site, not the login pages, in the
 * percent-encoded ASCII form a `Location` header carries.
 * @example safeNext('//evil.example/') // undefined
 * @example safeNext('/Ā/x?q=ü') // '/%C4%80/x?q=%C3%BC'
 */
export function safeNext(next: string | null | undefined): string | undefined {
  if (!next?.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next) || next.length > 2000) return undefined;
  // The URL parser percent-encodes what a Location header may not carry raw (non-ASCII text
  // such as "/Ā/x" would make Node refuse to send the answer at all) and resolves dot
  // segments, after which the result must still be a path of this site.
  const base = 'http://opennotice.invalid';
  const resolved = new URL(next, base);
  const target = `${resolved.pathname}${resolved.search}`;
  if (resolved.origin !== base || target.startsWith('//') || !/^\/[\x21-\x7e]*$/.test(target)) return undefined;
  if (resolved.pathname === '/login' || resolved.pathname === '/logout') return undefined;
  return target;
}

function loginPage(request: WebRequest, options: { failed?: boolean; name?: string; next?: string }) {
  const words = texts[request.locale];
  return renderPage(request, {
    title: words.title,
    status: options.failed ? 401 : 200,
    body: html`${options.failed ? html`<p class="error" role="alert">${words.failed}</p>` : ''}
<form method="post" action="/login" class="login">
<input type="hidden" name="csrf" value="${request.csrfToken ?? ''}">
${options.next ? html`<input type="hidden" name="next" value="${options.next}">` : ''}
<label>${words.name} <input name="name" autocomplete="username" required maxlength="${maxNameLength}" value="${options.name ?? ''}"></label>
<label>${words.password} <input name="password" type="password" autocomplete="current-password" required maxlength="${maxPasswordLength}"></label>
<button type="submit">${words.submit}</button>
</form>
<p class="help">${words.help}</p>`,
  });
}

/**
 * GET/POST /login and POST /logout.
 * @example const routes = authRoutes(deps, context)
 */
export function authRoutes(_deps: ServerDeps<unknown>, context: ModuleContext): Route[] {
  const { auth, https, publicOrigin, cookieNames: names } = context;
  const sessionCookie = (value: string, maxAge?: number) => serializeCookie(names.session, value, { httpOnly: true, secure: https, maxAge });
  return [
    {
      method: 'GET',
      path: '/login',
      access: 'public',
      handle(request) {
        if (request.principal) return redirect(safeNext(request.query.get('next')) ?? homeOf(request.principal));
        return loginPage(request, { next: safeNext(request.query.get('next')) });
      },
    },
    {
      method: 'POST',
      path: '/login',
      access: 'public',
      async handle(request) {
        const form = await request.form();
        const name = (form.get('name') ?? '').trim().slice(0, maxNameLength);
        const password = form.get('password') ?? '';
        const next = safeNext(form.get('next'));
        const outcome = name && password.length <= maxPasswordLength ? await auth.login(name, password, request.remoteAddress) : { ok: false as const };
        if (!outcome.ok) return loginPage(request, { failed: true, name, next });
        // The answer is built before the session exists, so an answer that cannot be sent leaves no session behind.
        const landing = redirect(next ?? homeOf({ kind: outcome.user.role }));
        await auth.sessions.end(parseCookies(request.headers.cookie).get(names.session));
        const { cookieValue } = await auth.sessions.start(outcome.user);
        return { ...landing, headers: { ...landing.headers, 'set-cookie': sessionCookie(cookieValue) } };
      },
    },
    {
      // The CSRF check is done here, not by the core: a visitor whose session already
      // expired is simply sent home instead of being shown a refusal.
      method: 'POST',
      path: '/logout',
      access: 'public',
      csrf: false,
      async handle(request) {
        if (request.principal?.via === 'session') {
          if (await csrfRejection(request, request.csrfToken, publicOrigin)) return errorResponse(request, 403);
          await auth.sessions.end(parseCookies(request.headers.cookie).get(names.session));
        }
        return redirect('/', { 'set-cookie': sessionCookie('', 0) });
      },
    },
  ];
}
