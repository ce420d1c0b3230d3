/**
 * API tokens for automation: `on_` followed by 32 random bytes (base64url), stored only as
 * SHA-256, shown once at creation. A token acts with the rights of its user; a revoked one
 * stops working at once.
 */
import type { ApiTokenStore } from '../../store/roles/api-tokens.ts';
import type { Principal, Route } from '../route-types.ts';
import { principalOf } from './principal.ts';
import { randomSecret, sha256Hex } from './secrets.ts';

const tokenPattern = /^on_[A-Za-z0-9_-]{43}$/;
const touchIntervalMs = 60_000;
export const maxTokenLabelLength = 100;

/**
 * Create a token for a user; the returned `token` is the only copy of the secret.
 * @example const { id, token } = await issueApiToken(store, user.id, 'ticketing system', new Date())
 */
export async function issueApiToken(store: ApiTokenStore, userId: number, label: string, at: Date): Promise<{ id: number; token: string }> {
  const token = `on_${randomSecret()}`;
  const cleanLabel =
    label
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .trim()
      .slice(0, maxTokenLabelLength) || 'API token';
  const id = await store.createApiToken({ userId, tokenHash: sha256Hex(token), label: cleanLabel, createdAt: at.toISOString() });
  return { id, token };
}

/**
 * The principal of a live token, or undefined (malformed, unknown or revoked).
 * @example await principalOfToken(store, request.headers.authorization?.slice(7), new Date())
 */
export async function principalOfToken(store: ApiTokenStore, token: string | undefined, at: Date): Promise<Principal | undefined> {
  if (token === undefined || !tokenPattern.test(token)) return undefined;
  const found = await store.findApiToken(sha256Hex(token));
  if (!found) return undefined;
  const lastUsed = found.token.lastUsedAt ? Date.parse(found.token.lastUsedAt) : 0;
  if (at.getTime() - lastUsed > touchIntervalMs) await store.touchApiToken(found.token.id, at.toISOString());
  return principalOf(found.user, 'token');
}

/**
 * Whether an API token may call a route: only the API (`/api/…`). Pages, and above all token
 * management, need a browser session, so a leaked token cannot mint a successor that outlives
 * its revocation.
 * @example tokenMayCall({ path: '/api/v1/findings' }) // true; tokenMayCall({ path: '/portal/tokens' }) // false
 */
export function tokenMayCall(route: Pick<Route, 'path'>): boolean {
  return route.path.startsWith('/api/');
}
