/**
 * The CSRF check of a state-changing request from a browser: the Origin, when the browser
 * sends one, must be this site; and the request must carry the visitor's token, in the
 * `X-CSRF-Token` header or the form field `csrf`, equal (in constant time) to the session's
 * token or, for visitors without a session, to their signed CSRF cookie.
 */
import { csrfMatches } from './auth/csrf.ts';
import type { WebRequest } from './route-types.ts';

/**
 * Whether an Origin header names this site: the public URL's origin when one is
 * configured, else the Host the request was sent to (over http or https).
 * @example sameOrigin('http://127.0.0.1:8080', { host: '127.0.0.1:8080' }) // true
 */
export function sameOrigin(origin: string, options: { host?: string; publicOrigin?: string }): boolean {
  if (options.publicOrigin !== undefined) return origin === options.publicOrigin;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes the opaque origin "null"
  }
  return (
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    options.host !== undefined &&
    parsed.host === options.host.toLowerCase() &&
    `${parsed.protocol}//${parsed.host}` === origin.toLowerCase()
  );
}

/**
 * Why the request fails the check, or undefined when it passes.
 * @example if (await csrfRejection(request, session.csrfToken)) return errorResponse(request, 403)
 */
export async function csrfRejection(request: WebRequest, expected: string | undefined, publicOrigin?: string): Promise<string | undefined> {
  const origin = request.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, { host: request.headers.host, publicOrigin })) return 'foreign origin';
  let submitted = request.headers['x-csrf-token'];
  if (submitted === undefined && (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    submitted = (await request.form()).get('csrf') ?? undefined;
  }
  return csrfMatches(submitted, expected) ? undefined : 'missing or wrong token';
}
