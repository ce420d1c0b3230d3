// Every role's conformance suite on the PostgreSQL store: one real server (Debian's package,
// started in a temporary folder) for this file, a fresh database for every store.
import { after, before, describe } from 'node:test';
import { storeConformance } from '../../../test/store-conformance/index.ts';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { openPostgresStore } from './postgres-store.ts';

describe('PostgreSQL store', { timeout: 600_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());
  storeConformance(async () => {
    if (!server) throw new Error('the PostgreSQL server did not start (see the before hook)');
    return openPostgresStore(await server.createDatabase());
  });
});
