// The PostgreSQL migration runner on a real server: every step once, nothing twice, nothing
// left by a failed step, a newer database refused, and workers opening a new database at the
// same moment all succeed (the advisory lock) with the schema built once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import type { Migration } from '../migrations/index.ts';
import { migrations as sqliteMigrations } from '../migrations/index.ts';
import { applyPostgresMigrations } from './migrate.ts';
import { postgresMigrations } from './migrations/index.ts';
import { openPostgresStore } from './postgres-store.ts';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const tableNames = async (client: pg.Client) =>
  (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((row) => row.name);

describe('PostgreSQL migrations', { timeout: 120_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());
  const freshDatabase = async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    return server.createDatabase();
  };

  test('the PostgreSQL steps have the SQLite steps’ versions and names', () => {
    assert.deepEqual(
      postgresMigrations.map((m) => [m.version, m.name]),
      sqliteMigrations.map((m) => [m.version, m.name]),
    );
  });

  test('a new database gets every step once, and a second pass applies nothing', async () => {
    await withClient(await freshDatabase(), async (client) => {
      assert.deepEqual(
        await applyPostgresMigrations(client, postgresMigrations, 'test'),
        postgresMigrations.map((m) => m.version),
      );
      assert.deepEqual(await applyPostgresMigrations(client, postgresMigrations, 'test'), []);
      const tables = await tableNames(client);
      for (const table of [
        'runs',
        'services',
        'findings',
        'finding_events',
        'finding_attributions',
        'isp_finding_counts',
        'device_versions',
        'darknet_attacks',
      ]) {
        assert.ok(tables.includes(table), `missing table ${table}`);
      }
    });
  });

  test('a failing step leaves nothing behind', async () => {
    await withClient(await freshDatabase(), async (client) => {
      const broken: Migration = { version: 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); CREATE TABLE oops (' };
      await assert.rejects(applyPostgresMigrations(client, [broken], 'test'));
      assert.deepEqual(await tableNames(client), []);
    });
  });

  test('a database from a newer opennotice is refused with STORE_FAILED naming the URL without its password', async () => {
    const url = await freshDatabase();
    await withClient(url, async (client) => {
      const future: Migration = { version: postgresMigrations.length + 1, name: 'future', sql: 'CREATE TABLE future (id INTEGER)' };
      await applyPostgresMigrations(client, [...postgresMigrations, future], 'test');
    });
    const withPassword = url.replace('opennotice@', 'opennotice:hunter2@');
    await assert.rejects(openPostgresStore(withPassword), (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'STORE_FAILED');
      assert.match(error.message, new RegExp(`schema version ${postgresMigrations.length + 1} is newer`));
      assert.equal(error.context.file, url);
      assert.doesNotMatch(JSON.stringify(error.context), /hunter2/);
      return true;
    });
  });

  test('workers opening one new database at the same moment all succeed, and the schema is built once', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(url)));
    await Promise.all(stores.map((store) => store.close()));
    await withClient(url, async (client) => {
      const recorded = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        recorded.rows.map((row) => row.version),
        postgresMigrations.map((m) => m.version),
      );
    });
  });

  test('a closed store fails every method with STORE_FAILED', async () => {
    const store = await openPostgresStore(await freshDatabase());
    await store.close();
    await store.close();
    await assert.rejects(
      store.listRuns(),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'STORE_FAILED' && /closed/.test(error.message),
    );
  });

  test('an unreachable server fails with STORE_FAILED', async () => {
    await assert.rejects(openPostgresStore('postgres://opennotice@127.0.0.1:1/none'), { code: 'STORE_FAILED' });
  });
});
