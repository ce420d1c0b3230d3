/**
 * CSRF tokens for visitors without a session (the login and opt-out forms): a signed
 * double-submit cookie. The cookie holds `nonce.signature`; a form must send the same value.
 * A cross-site page can neither read the cookie nor, lacking the server's secret, plant a
 * valid one of its own. Logged-in visitors use their session's token instead.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { randomSecret, sameSecret } from './secrets.ts';

export interface CsrfSigner {
  issue(): string;
  /** Whether a token was issued by this signer (same secret). */
  isGenuine(token: string | undefined): boolean;
}

/**
 * @example const signer = createCsrfSigner(secret); const token = signer.issue(); signer.isGenuine(token) // true
 */
export function createCsrfSigner(secret: string | Uint8Array = randomBytes(32)): CsrfSigner {
  const sign = (nonce: string) => createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');
  return {
    issue() {
      const nonce = randomSecret(18);
      return `${nonce}.${sign(nonce)}`;
    },
    isGenuine(token) {
      if (token === undefined) return false;
      const match = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
      return match !== null && sameSecret(sign(match[1]!), match[2]!);
    },
  };
}

/**
 * Whether a submitted token matches the expected one (constant time; missing never matches).
 * @example csrfMatches(form.get('csrf') ?? undefined, request.csrfToken)
 */
export function csrfMatches(submitted: string | undefined, expected: string | undefined): boolean {
  if (!submitted || !expected) return false;
  return sameSecret(submitted, expected);
}
