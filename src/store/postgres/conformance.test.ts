// Every role's conformance suite on the PostgreSQL store: one real server (Debian's package,
// started in a temporary folder) for this file, a fresh database for every store — a copy of
// one migrated once, since migrating hundreds of databases would dominate the run (migrations
// have their own tests in migrate.test.ts).
import { after, before, describe } from 'node:test';
import { storeConformance } from '../../../test/store-conformance/index.ts';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { openPostgresStore } from './postgres-store.ts';

describe('PostgreSQL store', { timeout: 600_000 }, () => {
  let server: PostgresServer | undefined;
  let migrated: string | undefined;
  before(async () => {
    server = await startPostgres();
    migrated = await server.createDatabase();
    await (await openPostgresStore(migrated)).close();
  });
  after(() => server?.stop());
  storeConformance(async () => {
    if (!server || !migrated) throw new Error('the PostgreSQL server did not start (see the before hook)');
    return openPostgresStore(await server.createDatabase({ template: migrated }));
  });
});
