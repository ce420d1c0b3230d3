/**
 * Accounts of the web server: operators, and ISP users who see their own ISP's data only.
 * Passwords are kept as self-describing scrypt strings (server/auth/password.ts).
 */

export type WebRole = 'operator' | 'isp';

export interface WebUserInput {
  name: string;
  role: WebRole;
  /** Required for ISP users (an ISP of the registry), absent for operators. */
  ispId?: string;
  /** The self-describing scrypt string (server/auth/password.ts). */
  passwordHash: string;
  createdAt: string;
}

export interface WebUserRow extends WebUserInput {
  id: number;
}

/**
 * Creating and finding web users.
 * @example const id = await store.createWebUser({ name: 'noc@example-isp', role: 'isp', ispId: 'example-isp', passwordHash, createdAt })
 */
export interface WebUserStore {
  /**
   * Returns the new user's id. Fails (STORE_FAILED) when the name is taken, when an ISP user
   * has no ISP or an operator has one, and when the ISP is not in the registry.
   */
  createWebUser(user: WebUserInput): Promise<number>;
  findWebUser(name: string): Promise<WebUserRow | undefined>;
  /** Every user, by name. */
  listWebUsers(): Promise<WebUserRow[]>;
}
