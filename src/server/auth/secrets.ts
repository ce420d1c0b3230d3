/**
 * Small pieces every credential shares: random secrets, the hash under which they are
 * stored, and comparison in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A random secret as base64url text (32 bytes give 43 characters).
 * @example randomSecret() // 'q3V…' (43 characters)
 */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 (hex) of a secret: what the store keeps instead of the secret. The secrets are
 * 256 random bits, so a fast hash is enough (no password-style stretching needed).
 * @example sha256Hex('abc').length // 64
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Whether two strings are equal, in time that does not depend on where they differ (both
 * are hashed first, so their lengths do not leak either).
 * @example sameSecret(submittedToken, sessionToken)
 */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
