/**
 * Responses every part of the server needs: JSON, redirects, and error answers that say
 * what went wrong in plain words (HTML for browsers, JSON for API calls) and never carry a
 * stack trace or an internal message.
 */
import { html } from './html.ts';
import { renderPage } from './layout.ts';
import type { WebRequest, WebResponse } from './route-types.ts';

/** A failure with an HTTP status, thrown inside the server and answered by the core. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

/**
 * @example return jsonResponse(200, { findings })
 */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): WebResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: `${JSON.stringify(value)}\n` };
}

/**
 * A 303 See Other to a path of this site (after a form post, or to the login page).
 * @example return redirect('/portal/findings/42')
 */
export function redirect(location: string, headers: Record<string, string> = {}): WebResponse {
  // Printable ASCII only: Node refuses to send a header with other characters and drops the connection instead.
  if (!/^\/[\x21-\x7e]*$/.test(location) || location.startsWith('//') || location.includes('\\'))
    throw new RangeError(`redirects stay on this site and are percent-encoded, got "${location}"`);
  return { status: 303, headers: { location, ...headers } };
}

/**
 * Whether the caller is a program rather than a browser page: an /api/ path, a bearer
 * token, or an Accept header that asks for JSON and not HTML. Programs get JSON errors and
 * 401 instead of a redirect to the login page.
 * @example isApiRequest(request) // true for GET /api/v1/findings
 */
export function isApiRequest(request: Pick<WebRequest, 'path' | 'headers'>): boolean {
  if (request.path.startsWith('/api/') || request.headers.authorization !== undefined) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const errorTexts: Record<number, { en: string; ja: string; detailEn: string; detailJa: string }> = {
  400: { en: 'Bad request', ja: '不正なリクエスト', detailEn: 'The request could not be understood.', detailJa: 'リクエストを解釈できませんでした。' },
  401: {
    en: 'Log in required',
    ja: 'ログインが必要です',
    detailEn: 'Send a valid API token or log in.',
    detailJa: '有効なAPIトークンを送るか、ログインしてください。',
  },
  403: {
    en: 'Request refused',
    ja: 'リクエストを拒否しました',
    detailEn: 'The form was stale or came from another site. Reload the page and try again.',
    detailJa: 'フォームが古いか、別のサイトから送信されました。ページを再読み込みしてもう一度お試しください。',
  },
  404: { en: 'Not found', ja: '見つかりません', detailEn: 'There is nothing here.', detailJa: 'このページは存在しません。' },
  405: {
    en: 'Method not allowed',
    ja: '許可されていないメソッド',
    detailEn: 'This address does not accept this kind of request.',
    detailJa: 'このアドレスはこの種類のリクエストを受け付けません。',
  },
  413: {
    en: 'Request too large',
    ja: 'リクエストが大きすぎます',
    detailEn: 'The request body is larger than this server accepts.',
    detailJa: 'リクエストの本文が上限を超えています。',
  },
  415: { en: 'Unsupported content type', ja: '対応していない形式', detailEn: 'Send a form or JSON.', detailJa: 'フォームまたはJSONで送信してください。' },
  429: {
    en: 'Too many requests',
    ja: 'リクエストが多すぎます',
    detailEn: 'Wait a while and try again.',
    detailJa: 'しばらく待ってからもう一度お試しください。',
  },
  500: {
    en: 'Something went wrong',
    ja: 'エラーが発生しました',
    detailEn: 'The server could not answer this request. The operator has been told.',
    detailJa: 'サーバーがこのリクエストに応答できませんでした。運用者に記録されています。',
  },
};

/**
 * The answer for an error status, in the request's language: a page, or `{ "error": … }`.
 * @example return errorResponse(request, 404)
 */
export function errorResponse(request: WebRequest, status: number, headers: Record<string, string> = {}): WebResponse {
  const texts = errorTexts[status] ?? errorTexts[status >= 500 ? 500 : 400]!;
  if (isApiRequest(request)) return jsonResponse(status, { error: texts.en, status }, headers);
  const [title, detail] = request.locale === 'ja' ? [texts.ja, texts.detailJa] : [texts.en, texts.detailEn];
  const page = renderPage(request, { title, status, body: html`<p class="error">${detail}</p>` });
  return { ...page, headers: { ...page.headers, ...headers } };
}
