/**
 * Store-side types of the web server: accounts (users, sessions, API tokens, login
 * failures) and the ISP portal's queries, which read one ISP's findings a page at a time.
 * Secrets never reach the store: sessions and tokens are kept as SHA-256 hashes.
 */
import type { FindingKind, NotifiableFinding } from '../core/records.ts';
import type { ReportRow } from './notification-types.ts';

export type WebRole = 'operator' | 'isp';

export interface WebUserInput {
  name: string;
  role: WebRole;
  /** Required for ISP users, absent for operators. */
  ispId?: string;
  /** The self-describing scrypt string (server/auth/password.ts). */
  passwordHash: string;
  createdAt: string;
}

export interface WebUserRow extends WebUserInput {
  id: number;
}

export interface WebSessionInput {
  /** SHA-256 (hex) of the cookie value. */
  idHash: string;
  userId: number;
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
}

/** A session with its user, as the server resolves it on every request. */
export interface WebSessionRow extends WebSessionInput {
  user: WebUserRow;
}

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

export interface LoginFailure {
  /** The name as typed (unknown names count like known ones). */
  name: string;
  address: string;
  at: string;
}

/** One page of an ISP's findings, newest first (keyset: ids below `beforeId`). */
export interface IspFindingQuery {
  ispId: string;
  kind?: FindingKind;
  status?: 'open' | 'closed';
  beforeId?: number;
  limit: number;
}

/** A finding as the portal shows it: with its closing time. */
export interface PortalFindingRow extends NotifiableFinding {
  closedAt?: string;
  lastRunId: number;
}

export interface IspFindingCount {
  kind: FindingKind;
  status: 'open' | 'closed';
  count: number;
}

/** Accounts of the web server. Part of every SurveyRepository. */
export interface WebAuthRepository {
  /** Fails (STORE_FAILED) when the name is taken. */
  createWebUser(user: WebUserInput): Promise<number>;
  findWebUser(name: string): Promise<WebUserRow | undefined>;
  listWebUsers(): Promise<WebUserRow[]>;

  createWebSession(session: WebSessionInput): Promise<void>;
  findWebSession(idHash: string): Promise<WebSessionRow | undefined>;
  touchWebSession(idHash: string, lastSeenAt: string): Promise<void>;
  deleteWebSession(idHash: string): Promise<void>;
  /** Delete sessions idle since before `idleBefore` or created before `createdBefore`; returns how many. */
  deleteExpiredWebSessions(limits: { idleBefore: string; createdBefore: string }): Promise<number>;

  createApiToken(token: ApiTokenInput): Promise<number>;
  /** A token that is not revoked, with its user. */
  findApiToken(tokenHash: string): Promise<{ token: ApiTokenRow; user: WebUserRow } | undefined>;
  listApiTokens(filter?: { userId?: number }): Promise<ApiTokenRow[]>;
  touchApiToken(id: number, lastUsedAt: string): Promise<void>;
  /** Revoke a token (only one of `userId`, when given); false when there is no such live token. */
  revokeApiToken(id: number, at: string, filter?: { userId?: number }): Promise<boolean>;

  recordLoginFailure(failure: LoginFailure): Promise<void>;
  /** Failures for a name, or from an address, at or after `since`. */
  countLoginFailures(filter: { name: string } | { address: string }, since: string): Promise<number>;
  /** Lock a subject ('name:…' or 'address:…') until a time. */
  lockLogin(subject: string, until: string): Promise<void>;
  /** The latest lock end among the subjects that is after `now`, if any. */
  loginLockedUntil(subjects: readonly string[], now: string): Promise<string | undefined>;
  /** Forget a name's failures and lock (after a successful login, or `users unlock`). */
  clearLoginFailures(name: string): Promise<void>;
}

/** The ISP portal's reads: always one ISP, always through an index. Part of every SurveyRepository. */
export interface PortalRepository {
  listIspFindings(query: IspFindingQuery): Promise<PortalFindingRow[]>;
  /** The finding, only when it is attributed to this ISP. */
  getIspFinding(ispId: string, findingId: number): Promise<PortalFindingRow | undefined>;
  /** Closed findings of the ISP, most recently closed first. */
  recentlyClosedIspFindings(ispId: string, limit: number): Promise<PortalFindingRow[]>;
  countIspFindings(ispId: string): Promise<IspFindingCount[]>;
  getReport(reportId: number): Promise<ReportRow | undefined>;
  /** The findings a report carried, as they stand now. */
  listReportFindings(reportId: number): Promise<PortalFindingRow[]>;
  /** Reports (of this ISP) that carried the finding, oldest first. */
  reportsCarryingFinding(ispId: string, findingId: number): Promise<ReportRow[]>;
}
