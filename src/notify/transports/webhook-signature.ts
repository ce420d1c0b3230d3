/**
 * The webhook signature, shared by the sender and any receiver (the lab's included):
 * `X-OpenNotice-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` with the
 * Unix time in `X-OpenNotice-Timestamp`. Signing the timestamp with the body lets a receiver
 * refuse an old request replayed later (the scheme Stripe and GitHub receivers already know).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'x-opennotice-signature';
export const timestampHeader = 'x-opennotice-timestamp';
/** How far a request's timestamp may be from the receiver's clock (seconds). */
export const defaultToleranceSeconds = 300;

/**
 * @example signWebhookBody('s3cret-s3cret-s3cret', 1700000000, '{"a":1}') // 'sha256=…64 hex digits'
 */
export function signWebhookBody(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body);
  return `sha256=${hmac.digest('hex')}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/**
 * Check a received request's signature and freshness, in constant time for the comparison.
 * @example verifyWebhookSignature({ secret, body, timestamp: headers['x-opennotice-timestamp'], signature: headers['x-opennotice-signature'], nowSeconds: Date.now() / 1000 })
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string | Uint8Array;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  if (input.timestamp === undefined || !/^\d{1,12}$/.test(input.timestamp)) return { valid: false, reason: 'missing or malformed timestamp' };
  if (input.signature === undefined || !/^sha256=[0-9a-f]{64}$/.test(input.signature)) return { valid: false, reason: 'missing or malformed signature' };
  const timestamp = Number(input.timestamp);
  if (Math.abs(input.nowSeconds - timestamp) > (input.toleranceSeconds ?? defaultToleranceSeconds))
    return { valid: false, reason: 'timestamp outside the tolerance window' };
  const expected = Buffer.from(signWebhookBody(input.secret, timestamp, input.body));
  const received = Buffer.from(input.signature);
  return expected.length === received.length && timingSafeEqual(expected, received) ? { valid: true } : { valid: false, reason: 'signature does not match' };
}
