/**
 * The embedded store: one SQLite file through node:sqlite, each role implemented in its own
 * file over one shared connection. SQLite calls are synchronous; the roles still return
 * Promises so callers are written for the interfaces a PostgreSQL implementation also satisfies.
 */
import { migrations } from '../migrations/index.ts';
import type { Store } from '../store.ts';
import { sqliteAuditTrailStore } from './audit-trail.ts';
import { sqliteCredentialAuditStore } from './credential-audit.ts';
import { sqliteDarknetStore } from './darknet.ts';
import { sqliteAddressCheckStore, sqliteDashboardFigureStore, sqliteDashboardFindingStore } from './dashboard-methods.ts';
import { openDatabase, sqliteContext, storeError } from './database.ts';
import { sqliteFeedImportStore } from './feed-imports.ts';
import { sqliteFeedbackStore } from './feedback.ts';
import { sqliteFindingStore } from './findings.ts';
import { sqliteInventoryStore } from './inventory.ts';
import { sqliteIntegratorStore } from './integrators.ts';
import { sqliteIspAttributionStore } from './isp-attribution.ts';
import { sqliteIspPortalStore } from './isp-portal.ts';
import { applyMigrations } from './migrate.ts';
import { sqliteMonitoringStore } from './monitoring.ts';
import { sqliteOptOutStore } from './opt-outs.ts';
import { sqliteCncStore } from './cnc.ts';
import { sqliteCncContactStore } from './cnc-contacts.ts';
import { sqliteHelpDeskStore } from './help-desk.ts';
import { sqliteGatewayReportStore } from './gateway-reports.ts';
import { sqliteFlowAggregateStore } from './flow-aggregates.ts';
import { sqliteAddressActivityStore } from './address-activity.ts';
import { sqliteOutboxStore } from './outbox.ts';
import { sqliteReportStore } from './reports.ts';
import { sqliteRunStore } from './runs.ts';
import { sqliteVulnerabilityStore } from './vulnerabilities.ts';
import { sqliteApiTokenStore, sqliteLoginFailureStore, sqliteWebSessionStore, sqliteWebUserStore } from './web-auth.ts';

/**
 * Opens (creating if needed) an SQLite store and migrates it to the current schema. Fails
 * with STORE_FAILED naming the file when it is not a usable SQLite database or was written by
 * a newer opennotice.
 * @example const store = openSqliteStore(':memory:')
 */
export function openSqliteStore(file: string): Store {
  const db = openDatabase(file);
  try {
    applyMigrations(db, migrations, file);
  } catch (error) {
    db.close();
    throw storeError(file, 'cannot prepare the database schema', error);
  }
  const context = sqliteContext(db, file);
  return {
    ...sqliteRunStore(context),
    ...sqliteInventoryStore(context),
    ...sqliteFindingStore(context),
    ...sqliteCredentialAuditStore(context),
    ...sqliteVulnerabilityStore(context),
    ...sqliteFeedImportStore(context),
    ...sqliteIspAttributionStore(context),
    ...sqliteIntegratorStore(context),
    ...sqliteReportStore(context),
    ...sqliteOutboxStore(context),
    ...sqliteFeedbackStore(context),
    ...sqliteDarknetStore(context),
    ...sqliteWebUserStore(context),
    ...sqliteWebSessionStore(context),
    ...sqliteApiTokenStore(context),
    ...sqliteLoginFailureStore(context),
    ...sqliteIspPortalStore(context),
    ...sqliteDashboardFigureStore(context),
    ...sqliteDashboardFindingStore(context),
    ...sqliteAddressCheckStore(context),
    ...sqliteOptOutStore(context),
    ...sqliteHelpDeskStore(context),
    ...sqliteFlowAggregateStore(context),
    ...sqliteAddressActivityStore(context),
    ...sqliteMonitoringStore(context),
    ...sqliteCncStore(context),
    ...sqliteGatewayReportStore(context),
    ...sqliteCncContactStore(context),
    ...sqliteAuditTrailStore(context),
    location: file,
    close: async () => {
      if (db.isOpen) db.close();
    },
  };
}
