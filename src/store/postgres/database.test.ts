// The PostgreSQL context on a real server: failures become STORE_FAILED naming the operation and
// the URL without its password, a closed context refuses work, and a transaction PostgreSQL
// aborts to break a deadlock is run again instead of failing the worker.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { postgresContext, redactedLocation } from './database.ts';

describe('PostgreSQL context', { timeout: 120_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());
  const freshDatabase = async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    return server.createDatabase();
  };

  test('a URL loses its password, and only its password', () => {
    assert.equal(redactedLocation('postgres://survey:s3cret@db.example:5433/opennotice'), 'postgres://survey@db.example:5433/opennotice');
    assert.equal(redactedLocation('postgres://db.example/opennotice'), 'postgres://db.example/opennotice');
    assert.doesNotMatch(redactedLocation('postgres://survey:s3cret@[bad'), /s3cret/);
  });

  test('BIGINT and sums come back as numbers; a failing statement is STORE_FAILED naming the operation', async () => {
    const context = postgresContext(await freshDatabase());
    try {
      const row = await context.use(
        'numbers',
        async (db) => (await db.query('SELECT 9007199254740991::bigint AS big, sum(x) AS total FROM (VALUES (1::bigint), (2)) AS t(x)')).rows[0],
      );
      assert.deepEqual(row, { big: 9007199254740991, total: 3 });
      await assert.rejects(
        context.use('brokenRead', (db) => db.query('SELECT * FROM no_such_table')),
        (error: unknown) =>
          error instanceof OpenNoticeError &&
          error.code === 'STORE_FAILED' &&
          /^brokenRead failed: .*no_such_table/.test(error.message) &&
          error.context.file === context.location,
      );
    } finally {
      await context.close();
    }
    await assert.rejects(
      context.use('afterClose', async () => 1),
      /afterClose: the store is closed/,
    );
    await assert.rejects(
      context.transaction('afterClose', async () => 1),
      /afterClose: the store is closed/,
    );
  });

  test('a transaction that throws stores nothing', async () => {
    const context = postgresContext(await freshDatabase());
    try {
      await context.use('setUp', (db) => db.query('CREATE TABLE notes (id INTEGER PRIMARY KEY)'));
      await assert.rejects(
        context.transaction('halfWrite', async (client) => {
          await client.query('INSERT INTO notes VALUES (1)');
          throw new Error('changed my mind');
        }),
        /halfWrite failed: changed my mind/,
      );
      assert.equal((await context.use('count', (db) => db.query('SELECT count(*) AS n FROM notes'))).rows[0]?.n, 0);
    } finally {
      await context.close();
    }
  });

  test('two transactions that deadlock both complete: the one PostgreSQL aborts runs again', async () => {
    const context = postgresContext(await freshDatabase());
    try {
      await context.use('setUp', (db) =>
        db.query('CREATE TABLE cells (id INTEGER PRIMARY KEY, value INTEGER NOT NULL); INSERT INTO cells VALUES (1, 0), (2, 0)'),
      );
      // Each first attempt locks its first row, waits until the other has locked its own, then
      // asks for the other's row: a certain deadlock. Later attempts do not wait.
      let signalFirst: () => void = () => undefined;
      let signalSecond: () => void = () => undefined;
      const firstLocked = new Promise<void>((resolve) => {
        signalFirst = resolve;
      });
      const secondLocked = new Promise<void>((resolve) => {
        signalSecond = resolve;
      });
      let attempts = 0;
      const crosswise = (mine: number, theirs: number, signal: () => void, other: Promise<void>) =>
        context.transaction('crosswise', async (client) => {
          attempts++;
          await client.query('UPDATE cells SET value = value + 1 WHERE id = $1', [mine]);
          signal();
          await other;
          await client.query('UPDATE cells SET value = value + 1 WHERE id = $1', [theirs]);
        });
      await Promise.all([crosswise(1, 2, signalFirst, secondLocked), crosswise(2, 1, signalSecond, firstLocked)]);
      assert.ok(attempts >= 3, 'the aborted side ran again');
      const cells = await context.use('read', (db) => db.query<{ value: number }>('SELECT value FROM cells ORDER BY id'));
      assert.deepEqual(
        cells.rows.map((row) => row.value),
        [2, 2],
        'both transactions committed once',
      );
    } finally {
      await context.close();
    }
  });
});
