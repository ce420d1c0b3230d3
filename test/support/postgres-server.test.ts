import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { startPostgres } from './postgres-server.ts';

test('startPostgres gives a real server on loopback with fresh databases, and stop() ends it', { timeout: 120_000 }, async () => {
  const server = await startPostgres();
  let stopped = false;
  try {
    const other = await server.createDatabase();
    assert.notEqual(other, server.url);
    for (const url of [server.url, other]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const result = await client.query<{ database: string; address: string }>('SELECT current_database() AS database, inet_server_addr()::text AS address');
        assert.equal(result.rows[0]?.database, new URL(url).pathname.slice(1));
        assert.equal(result.rows[0]?.address, '127.0.0.1/32');
      } finally {
        await client.end();
      }
    }
    await server.stop();
    stopped = true;
    const after = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await assert.rejects(after.connect());
  } finally {
    if (!stopped) await server.stop();
  }
});
