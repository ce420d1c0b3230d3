/**
 * The PostgreSQL store: one connection pool, each role implemented in its own file over a
 * shared PostgresContext (database.ts), mirroring the SQLite folder. For deployments where
 * several survey workers and the web server share one database, and tables reach tens of
 * millions of rows (docs/deployment.md "PostgreSQL store").
 */
import type { Store } from '../store.ts';
import { postgresAuditTrailStore } from './audit-trail.ts';
import { postgresCredentialAuditStore } from './credential-audit.ts';
import { postgresContext, postgresStoreError } from './database.ts';
import { postgresFeedImportStore } from './feed-imports.ts';
import { postgresFeedbackStore } from './feedback.ts';
import { postgresFindingStore } from './findings.ts';
import { postgresInventoryStore } from './inventory.ts';
import { postgresIntegratorStore } from './integrators.ts';
import { postgresIspAttributionStore } from './isp-attribution.ts';
import { postgresMigrations } from './migrations/index.ts';
import { applyPostgresMigrations } from './migrate.ts';
import { postgresMonitoringStore } from './monitoring.ts';
import { postgresOutboxStore } from './outbox.ts';
import { postgresReportStore } from './reports.ts';
import { postgresRunStore } from './runs.ts';
import { postgresVulnerabilityStore } from './vulnerabilities.ts';
import { postgresDarknetStore } from './darknet.ts';
import { postgresAddressCheckStore, postgresDashboardFigureStore, postgresDashboardFindingStore } from './dashboard-methods.ts';
import { postgresIspPortalStore } from './isp-portal.ts';
import { postgresOptOutStore } from './opt-outs.ts';
import { postgresCncStore } from './cnc.ts';
import { postgresCncContactStore } from './cnc-contacts.ts';
import { postgresHelpDeskStore } from './help-desk.ts';
import { postgresGatewayReportStore } from './gateway-reports.ts';
import { postgresFlowAggregateStore } from './flow-aggregates.ts';
import { postgresAddressActivityStore } from './address-activity.ts';
import { postgresApiTokenStore, postgresLoginFailureStore, postgresWebSessionStore, postgresWebUserStore } from './web-auth.ts';

/**
 * Opens a PostgreSQL store and migrates its database to the current schema (creating the
 * tables on first use; the database itself must exist). Fails with STORE_FAILED naming the
 * URL (without its password) when the server cannot be reached or the schema is newer than
 * this opennotice.
 * @example
 * const store = await openPostgresStore('postgres://opennotice@127.0.0.1:5432/opennotice')
 * try { console.log(await store.listRuns()) } finally { await store.close() }
 */
export async function openPostgresStore(url: string): Promise<Store> {
  const context = postgresContext(url);
  try {
    const client = await context.pool.connect();
    try {
      await applyPostgresMigrations(client, postgresMigrations, context.location);
    } finally {
      client.release();
    }
  } catch (error) {
    await context.close();
    throw postgresStoreError(context.location, 'cannot prepare the database schema', error);
  }
  const store: Store = {
    ...postgresRunStore(context),
    ...postgresInventoryStore(context),
    ...postgresFindingStore(context),
    ...postgresCredentialAuditStore(context),
    ...postgresVulnerabilityStore(context),
    ...postgresFeedImportStore(context),
    ...postgresIspAttributionStore(context),
    ...postgresIntegratorStore(context),
    ...postgresReportStore(context),
    ...postgresOutboxStore(context),
    ...postgresFeedbackStore(context),
    ...postgresDarknetStore(context),
    ...postgresWebUserStore(context),
    ...postgresWebSessionStore(context),
    ...postgresApiTokenStore(context),
    ...postgresLoginFailureStore(context),
    ...postgresIspPortalStore(context),
    ...postgresDashboardFigureStore(context),
    ...postgresDashboardFindingStore(context),
    ...postgresAddressCheckStore(context),
    ...postgresOptOutStore(context),
    ...postgresHelpDeskStore(context),
    ...postgresFlowAggregateStore(context),
    ...postgresAddressActivityStore(context),
    ...postgresMonitoringStore(context),
    ...postgresCncStore(context),
    ...postgresGatewayReportStore(context),
    ...postgresCncContactStore(context),
    ...postgresAuditTrailStore(context),
    location: context.location,
    close: () => context.close(),
  };
  return store;
}
