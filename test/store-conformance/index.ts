/**
 * Every role's conformance suite, for a whole store implementation. A new implementation
 * (PostgreSQL …) passes when one test file runs `storeConformance` on it, as
 * sqlite/conformance.test.ts does for SQLite. Each suite is written against its role's
 * interface only; a suite may also use the roles it needs to set up its data.
 */
import type { Store } from '../../src/store/store.ts';
import { addressActivityStoreConformance } from './address-activity.ts';
import { addressCheckStoreConformance } from './address-check.ts';
import { auditTrailStoreConformance } from './audit-trail.ts';
import { bulkFixProgressConformance } from './bulk-fix-progress.ts';
import { cncStoreConformance } from './cnc.ts';
import { cncContactStoreConformance } from './cnc-contacts.ts';
import { credentialAuditStoreConformance } from './credential-audit.ts';
import { criticalDeviceStoreConformance } from './critical-devices.ts';
import { darknetStoreConformance } from './darknet.ts';
import { dashboardFigureStoreConformance } from './dashboard-figures.ts';
import { dashboardFindingStoreConformance } from './dashboard-findings.ts';
import { deviceHistoryStoreConformance } from './device-history.ts';
import { feedImportStoreConformance } from './feed-imports.ts';
import { feedbackStoreConformance } from './feedback.ts';
import { findingStoreConformance } from './findings.ts';
import { gatewayReportStoreConformance } from './gateway-reports.ts';
import type { OpenStore } from './harness.ts';
import { integratorStoreConformance } from './integrators.ts';
import { flowAggregateStoreConformance } from './flow-aggregates.ts';
import { helpDeskStoreConformance } from './help-desk.ts';
import { inventoryStoreConformance } from './inventory.ts';
import { ispAttributionStoreConformance } from './isp-attribution.ts';
import { ispPortalStoreConformance } from './isp-portal.ts';
import { monitoringStoreConformance } from './monitoring.ts';
import { optOutStoreConformance } from './opt-outs.ts';
import { outboxStoreConformance } from './outbox.ts';
import { reportStoreConformance } from './reports.ts';
import { runStoreConformance } from './runs.ts';
import { vulnerabilityStoreConformance } from './vulnerabilities.ts';
import { apiTokenStoreConformance, loginFailureStoreConformance, webSessionStoreConformance, webUserStoreConformance } from './web-accounts.ts';

export type { Closable, OpenStore } from './harness.ts';

/**
 * Registers every role's suite (node:test) on stores from `open`, each test on a fresh store.
 * @example describe('PostgreSQL', () => storeConformance(() => openPostgresStore(freshDatabaseUrl())))
 */
export function storeConformance(open: OpenStore<Store>): void {
  runStoreConformance(open);
  cncStoreConformance(open);
  cncContactStoreConformance(open);
  auditTrailStoreConformance(open);
  inventoryStoreConformance(open);
  deviceHistoryStoreConformance(open);
  findingStoreConformance(open);
  credentialAuditStoreConformance(open);
  vulnerabilityStoreConformance(open);
  feedImportStoreConformance(open);
  ispAttributionStoreConformance(open);
  integratorStoreConformance(open);
  bulkFixProgressConformance(open);
  reportStoreConformance(open);
  outboxStoreConformance(open);
  feedbackStoreConformance(open);
  darknetStoreConformance(open);
  webUserStoreConformance(open);
  webSessionStoreConformance(open);
  apiTokenStoreConformance(open);
  loginFailureStoreConformance(open);
  ispPortalStoreConformance(open);
  dashboardFigureStoreConformance(open);
  dashboardFindingStoreConformance(open);
  addressCheckStoreConformance(open);
  optOutStoreConformance(open);
  helpDeskStoreConformance(open);
  flowAggregateStoreConformance(open);
  addressActivityStoreConformance(open);
  monitoringStoreConformance(open);
  criticalDeviceStoreConformance(open);
  gatewayReportStoreConformance(open);
}
