/**
 * The whole store: every role (roles/*.ts) over one database, plus where it lives and how to
 * close it. Only the wiring sees this type — opening the store (open-store.ts), the CLI
 * command bodies, the server's start-up and the demo; everything else takes the roles it
 * uses. Methods are async so that a PostgreSQL implementation (network round trips) satisfies
 * the same roles as the embedded SQLite one; the conformance suites (conformance/) run on both.
 */
import type { AddressActivityStore } from './roles/address-activity.ts';
import type { AddressCheckStore } from './roles/address-check.ts';
import type { AuditTrailStore } from './roles/audit-trail.ts';
import type { CncCandidateStore } from './roles/cnc-candidates.ts';
import type { CncContactStore } from './roles/cnc-contacts.ts';
import type { ApiTokenStore } from './roles/api-tokens.ts';
import type { CredentialAuditStore } from './roles/credential-audit.ts';
import type { DarknetStore } from './roles/darknet.ts';
import type { DashboardFigureStore } from './roles/dashboard-figures.ts';
import type { DashboardFindingStore } from './roles/dashboard-findings.ts';
import type { FeedImportStore } from './roles/feed-imports.ts';
import type { FeedbackStore } from './roles/feedback.ts';
import type { FindingStore } from './roles/findings.ts';
import type { IntegratorStore } from './roles/integrators.ts';
import type { FlowAggregateStore } from './roles/flow-aggregates.ts';
import type { GatewayReportStore } from './roles/gateway-reports.ts';
import type { HelpDeskStore } from './roles/help-desk.ts';
import type { InventoryStore } from './roles/inventory.ts';
import type { IspAttributionStore } from './roles/isp-attribution.ts';
import type { IspPortalStore } from './roles/isp-portal.ts';
import type { KnownBotStore } from './roles/known-bots.ts';
import type { LoginFailureStore } from './roles/login-failures.ts';
import type { MonitoringStore } from './roles/monitoring.ts';
import type { OptOutStore } from './roles/opt-outs.ts';
import type { OutboxStore } from './roles/outbox.ts';
import type { ReportStore } from './roles/reports.ts';
import type { RunStore } from './roles/runs.ts';
import type { VulnerabilityStore } from './roles/vulnerabilities.ts';
import type { WebSessionStore } from './roles/web-sessions.ts';
import type { WebUserStore } from './roles/web-users.ts';

/** What every open store has besides its roles. */
export interface StoreHandle {
  /** Where the data lives (a file path, ':memory:' or a connection name). */
  readonly location: string;
  /** Release the database; afterwards every method fails with STORE_FAILED ("the store is closed"). Closing twice is harmless. */
  close(): Promise<void>;
}

/**
 * Survey results and everything the programme does with them. Re-running a survey updates
 * what exists (last seen, closed findings) instead of duplicating it.
 * @example
 * const store = await openStore('opennotice.db')
 * try { console.log(await store.summary()) } finally { await store.close() }
 */
export interface Store
  extends StoreHandle,
    RunStore,
    InventoryStore,
    FindingStore,
    CredentialAuditStore,
    VulnerabilityStore,
    FeedImportStore,
    IspAttributionStore,
    IntegratorStore,
    ReportStore,
    OutboxStore,
    FeedbackStore,
    DarknetStore,
    WebUserStore,
    WebSessionStore,
    ApiTokenStore,
    LoginFailureStore,
    IspPortalStore,
    DashboardFigureStore,
    DashboardFindingStore,
    AddressCheckStore,
    OptOutStore,
    HelpDeskStore,
    FlowAggregateStore,
    AddressActivityStore,
    MonitoringStore,
    KnownBotStore,
    CncCandidateStore,
    GatewayReportStore,
    CncContactStore,
    AuditTrailStore {}
