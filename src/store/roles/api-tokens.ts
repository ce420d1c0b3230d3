/**
 * API tokens of web users (the ISP portal's API). The store keeps the SHA-256 of a token,
 * never the token itself; a revoked token is kept (listed with its revocation time) but no
 * longer found.
 */
import type { WebUserRow } from './web-users.ts';

export interface ApiTokenInput {
  userId: number;
  /** SHA-256 (hex) of the token. */
  tokenHash: string;
  label: string;
  createdAt: string;
}

export interface ApiTokenRow {
  id: number;
  userId: number;
  userName: string;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/**
 * Issuing, resolving, listing and revoking API tokens.
 * @example const found = await store.findApiToken(sha256Hex(bearer)) // { token, user } while not revoked
 */
export interface ApiTokenStore {
  /** Returns the new token's id. */
  createApiToken(token: ApiTokenInput): Promise<number>;
  /** A token that is not revoked, with its user. */
  findApiToken(tokenHash: string): Promise<{ token: ApiTokenRow; user: WebUserRow } | undefined>;
  /** Tokens (revoked ones too), oldest first; `userId` filters. */
  listApiTokens(filter?: { userId?: number }): Promise<ApiTokenRow[]>;
  /** Note a use: the token's lastUsedAt becomes `lastUsedAt`. */
  touchApiToken(id: number, lastUsedAt: string): Promise<void>;
  /** Revoke a live token (only one of `userId`, when given); false when there is no such live token. */
  revokeApiToken(id: number, at: string, filter?: { userId?: number }): Promise<boolean>;
}
