// Device text with NULs on a real PostgreSQL server: a banner, an error quoting the peer and a
// firmware version a rule captured, each holding U+0000 (raw, and escaped inside the result's
// JSON), are stored — not refused with the whole batch — with U+FFFD in the NUL's place, and
// the JSON still casts to jsonb; a JSON text that only mentions "\u0000" (an escaped backslash)
// keeps it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import { postgresContext } from './database.ts';
import { textWithoutNul } from './nul-safe-client.ts';
import { openPostgresStore } from './postgres-store.ts';

let server: PostgresServer | undefined;
before(async () => {
  server = await startPostgres();
});
after(() => server?.stop());

test('NULs become U+FFFD: raw, and escaped in JSON text; an escaped backslash before "u0000" is left alone', () => {
  assert.equal(textWithoutNul('Ac\u0000me\u0000'), 'Ac\uFFFDme\uFFFD');
  assert.equal(textWithoutNul(JSON.stringify({ banner: 'a\u0000b' })), '{"banner":"a\\ufffdb"}');
  assert.equal(JSON.parse(textWithoutNul(JSON.stringify({ banner: 'a\u0000b' }))).banner, 'a\uFFFDb');
  const mentioned = JSON.stringify({ text: 'literally \\u0000' });
  assert.equal(textWithoutNul(mentioned), mentioned, 'the text holds a backslash and "u0000", not a NUL');
  assert.equal(textWithoutNul('plain'), 'plain');
});

test('a device with NULs in its banner, error and firmware version is stored on PostgreSQL', { timeout: 120_000 }, async () => {
  if (!server) throw new Error('the PostgreSQL server did not start');
  const url = await server.createDatabase();
  const store = await openPostgresStore(url);
  try {
    const at = '2026-12-07T00:00:00.000Z';
    const run = await store.startRun({ startedAt: at, scope: ['192.0.2.0/24'], exclude: [], ports: [21], checks: [] });
    await store.recordServices(run, [
      {
        ip: '192.0.2.7',
        port: 21,
        protocol: 'ftp',
        status: 'protocol-error',
        result: { banner: '220 Acme\u0000FTP ready' },
        error: 'unexpected reply "\u0000\u0001"',
        durationMs: 5,
        observedAt: at,
      },
    ]);
    await store.recordDevices(run, [
      { ip: '192.0.2.7', identity: { vendor: 'Acme', model: 'NAS\u0000-1', firmwareVersion: '1.0\u0000', deviceType: 'nas', confidence: 0.9, evidence: [] } },
    ]);
    const [service] = await store.listServices({ ip: '192.0.2.7' });
    assert.equal((service!.result as { banner: string }).banner, '220 Acme\uFFFDFTP ready');
    assert.equal(service!.error, 'unexpected reply "\uFFFD\u0001"');
    const [device] = await store.listDevices();
    assert.equal(device!.model, 'NAS\uFFFD-1');
    assert.equal(device!.firmwareVersion, '1.0\uFFFD');
  } finally {
    await store.close();
  }
  const context = postgresContext(url);
  try {
    const cast = await context.use('cast', async (db) => (await db.query("SELECT result::jsonb ->> 'banner' AS banner FROM services")).rows[0]);
    assert.deepEqual(cast, { banner: '220 Acme\uFFFDFTP ready' }, 'the stored JSON casts to jsonb');
  } finally {
    await context.close();
  }
});
