// The audit trail on PostgreSQL: the role's conformance suite (appends at the same time on
// several connections included), and tampering through a separate connection, with the trail
// and with the tables it mirrors.
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { auditTrailStoreConformance } from '../../../test/store-conformance/audit-trail.ts';
import { auditMirrorConformance } from '../../../test/store-conformance/audit-mirror.ts';
import { auditTrailTamperConformance } from '../../../test/store-conformance/audit-tamper.ts';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { openPostgresStore } from './postgres-store.ts';

describe('PostgreSQL audit trail', { timeout: 300_000 }, () => {
  let server: PostgresServer | undefined;
  let migrated: string | undefined;
  before(async () => {
    server = await startPostgres();
    migrated = await server.createDatabase();
    await (await openPostgresStore(migrated)).close();
  });
  after(() => server?.stop());
  const freshDatabase = async () => {
    if (!server || !migrated) throw new Error('the PostgreSQL server did not start (see the before hook)');
    return server.createDatabase({ template: migrated });
  };
  auditTrailStoreConformance(async () => openPostgresStore(await freshDatabase()));
  /** A store on a fresh database and a second connection to it: what someone with the database's password can run. */
  const storeWithRawSql = async () => {
    const url = await freshDatabase();
    const store = await openPostgresStore(url);
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    return {
      store: {
        ...store,
        close: async () => {
          await raw.end();
          await store.close();
        },
      },
      sql: async (statements: string) => {
        await raw.query(statements);
      },
    };
  };
  auditTrailTamperConformance(async () => ({
    ...(await storeWithRawSql()),
    dropGuards: `DROP TRIGGER audit_records_append_only ON audit_records; DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints;`,
  }));
  auditMirrorConformance(storeWithRawSql);
});
