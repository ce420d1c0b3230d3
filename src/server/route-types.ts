/**
 * The contract between the server core (routing, sessions, access control, headers) and
 * the page modules (dashboard, ISP portal, public pages). A page module exports a function
 * `(deps) => Route[]`; the core checks `access` before a handler runs, so a handler never
 * sees a request it may not answer, and it scopes ISP data by `request.principal.ispId`.
 */
import type { ProgramInfo as ReportProgramInfo } from '../notify/render/report.ts';
import type { AddressActivityStore } from '../store/roles/address-activity.ts';
import type { AddressCheckStore } from '../store/roles/address-check.ts';
import type { ApiTokenStore } from '../store/roles/api-tokens.ts';
import type { CncCandidateStore } from '../store/roles/cnc-candidates.ts';
import type { DashboardFigureStore } from '../store/roles/dashboard-figures.ts';
import type { DashboardFindingStore } from '../store/roles/dashboard-findings.ts';
import type { FeedbackStore } from '../store/roles/feedback.ts';
import type { FindingStore } from '../store/roles/findings.ts';
import type { GatewayReportStore } from '../store/roles/gateway-reports.ts';
import type { HelpDeskStore } from '../store/roles/help-desk.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { IspPortalStore } from '../store/roles/isp-portal.ts';
import type { LoginFailureStore } from '../store/roles/login-failures.ts';
import type { OptOutStore } from '../store/roles/opt-outs.ts';
import type { ReportStore } from '../store/roles/reports.ts';
import type { WebSessionStore } from '../store/roles/web-sessions.ts';
import type { WebUserStore } from '../store/roles/web-users.ts';

export type Locale = 'ja' | 'en';
export const locales: readonly Locale[] = ['ja', 'en'];

/** Who may call a route: anyone, a logged-in operator, or a logged-in ISP user (session or API token). */
export type Access = 'public' | 'operator' | 'isp';

/** The authenticated caller. ISP principals only ever see their own ISP's data. */
export type Principal =
  | { kind: 'operator'; userId: number; name: string; via: 'session' | 'token' }
  | { kind: 'isp'; userId: number; name: string; ispId: string; via: 'session' | 'token' };

export interface WebRequest {
  method: string;
  /** Decoded path without the query, e.g. "/portal/findings/42". */
  path: string;
  /** Values of the route's ":name" segments. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The peer address of the connection (IPv4-mapped IPv6 unwrapped): the only address "check my connection" may talk about. */
  remoteAddress: string;
  locale: Locale;
  principal?: Principal;
  /** The session's CSRF token, to put in every form this page renders (hidden field `csrf`). */
  csrfToken?: string;
  /** The urlencoded body of a POST (size-bounded; the core has checked the CSRF token already). */
  form(): Promise<URLSearchParams>;
  /** A JSON body (size-bounded), for API calls. */
  json(): Promise<unknown>;
}

export interface WebResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Path pattern; ":name" matches one segment, e.g. "/portal/findings/:id". */
  path: string;
  access: Access;
  /** Form posts from a logged-in browser session must carry the CSRF token (default true for POST; API-token calls are exempt). */
  csrf?: boolean;
  handle(request: WebRequest): WebResponse | Promise<WebResponse>;
}

/**
 * Every store role the server uses, its modules together: accounts and log-in (auth), the ISP
 * portal (its findings, reports, feedback, API tokens), the dashboard (figures, drill-down,
 * opt-out queue, help-desk lookup log), the help desk (its lookups and their log) and the public
 * pages (statistics, address check and recent scanning, opt-out form), and the secure gateways
 * (approved C&C indicators to block, their reports). Runs, the
 * inventory, the credential audit log, vulnerability data, darknet windows and the outbox are
 * not the server's business, so it is not handed those roles.
 */
export type ServerStore = WebUserStore &
  WebSessionStore &
  ApiTokenStore &
  LoginFailureStore &
  IspPortalStore &
  IspAttributionStore &
  ReportStore &
  FindingStore &
  FeedbackStore &
  DashboardFigureStore &
  DashboardFindingStore &
  AddressCheckStore &
  AddressActivityStore &
  HelpDeskStore &
  OptOutStore &
  CncCandidateStore &
  GatewayReportStore;

/**
 * What every page module gets. A module names the store roles it uses (`ServerDeps<PortalStore>`):
 * the app hands every module the same deps, holding all of ServerStore.
 */
export interface ServerDeps<Roles = ServerStore> {
  store: Roles;
  /** The program's public identity, shown on the public pages. */
  program: ProgramInfo;
  /** Clock, so tests and the demo can pin "now". */
  now(): Date;
}

/** The program as reports name it, plus what the public pages must say about it. */
export interface ProgramInfo extends ReportProgramInfo {
  /** Who runs it (organisation). */
  operator: string;
  contact: string;
  /** Addresses the scanners connect from (published, so network owners can recognise them). */
  scannerAddresses: string[];
}
