/**
 * Headers on every response. The Content Security Policy allows scripts, styles and
 * images only from this site (images also as data: URLs), no plugins, no <base>, no
 * framing, and form posts only back to this site; so an injected string that escaped
 * escaping still could not run or send data elsewhere.
 */

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * @example securityHeaders({ https: true, private: true })['cache-control'] // 'no-store'
 */
export function securityHeaders(options: { https: boolean; private: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    // Not no-referrer: under that policy browsers send `Origin: null` on same-origin form
    // posts, and the CSRF check (rightly) refuses an opaque origin. same-origin still sends
    // no URL to any other site.
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  };
  // Only over https: a browser that saw HSTS on plain http would be told nothing true.
  if (options.https) headers['strict-transport-security'] = 'max-age=31536000';
  if (options.private) headers['cache-control'] = 'no-store';
  return headers;
}
