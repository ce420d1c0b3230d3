/**
 * Cookie header parsing and Set-Cookie building. Every cookie this server sets is
 * Path=/ and SameSite=Lax; `secure` adds the Secure flag (the public URL is https).
 */

/**
 * Cookies of a request as a map; malformed pairs are skipped, the first of a repeated name wins.
 * @example parseCookies('lang=ja; on_session=abc') // Map { 'lang' => 'ja', 'on_session' => 'abc' }
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    let value = pair.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  httpOnly?: boolean;
  secure?: boolean;
  /** Seconds; absent makes a session cookie, 0 deletes it. */
  maxAge?: number;
}

/**
 * One Set-Cookie value. Values are restricted to cookie-safe characters, so nothing a
 * caller passes can add attributes.
 * @example serializeCookie('lang', 'ja', { maxAge: 31536000 }) // 'lang=ja; Path=/; SameSite=Lax; Max-Age=31536000'
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !/^[A-Za-z0-9._~-]*$/.test(value)) throw new RangeError(`unsafe cookie ${name}`);
  let cookie = `${name}=${value}; Path=/; SameSite=Lax`;
  if (options.maxAge !== undefined) cookie += `; Max-Age=${Math.max(0, Math.floor(options.maxAge))}`;
  if (options.httpOnly) cookie += '; HttpOnly';
  if (options.secure) cookie += '; Secure';
  return cookie;
}

/**
 * The names this server uses for its cookies; with https the `__Host-` prefix makes browsers
 * refuse the cookie unless it is Secure, host-only and Path=/ (no subdomain can plant one).
 * @example cookieNames(true).session // '__Host-on_session'
 */
export function cookieNames(secure: boolean): { session: string; csrf: string; lang: string } {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}on_session`, csrf: `${prefix}on_csrf`, lang: 'lang' };
}
