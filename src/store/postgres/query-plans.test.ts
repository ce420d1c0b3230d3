// The PostgreSQL roles of pg-a at volume: with 60 000 findings (and as many services, events,
// attributions and credential attempts) analysed, what a survey worker, the notifier and the
// tracker do for a few hosts reads index ranges, never a whole large table. The plans are the
// ones PostgreSQL really ran for the roles' own statements (auto_explain, nested statements
// and triggers included), read from the server's log.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { runAt, telnet } from '../../../test/store-conformance/fixtures.ts';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import type { Finding } from '../../core/records.ts';
import { openPostgresStore } from './postgres-store.ts';

const volume = 60_000;
const ispCount = 200;
const largeTables = ['findings', 'services', 'finding_events', 'finding_attributions', 'credential_attempts'];

/** The address of the n-th generated host (10.0.0.1 …), as the SQL below spells it. */
const hostAddress = (n: number) => `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`;

const weakTelnet = (ip: string, observedAt: string): Finding => ({
  kind: 'weak-credential',
  ip,
  port: 23,
  protocol: 'telnet',
  dictionaryEntryId: 'admin-admin',
  evidence: {},
  observedAt,
});

async function fillVolume(url: string, runId: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const host = `'10.' || (n >> 16) || '.' || ((n >> 8) & 255) || '.' || (n & 255)`;
    await client.query(
      `INSERT INTO findings (kind, ip, port, protocol, evidence, status, first_seen, last_seen, first_run_id, last_run_id, closed_at, closed_run_id)
        SELECT 'weak-credential', ${host}, 23, 'telnet', '{}', CASE WHEN n % 5 = 0 THEN 'closed' ELSE 'open' END,
          '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', $1, $1,
          CASE WHEN n % 5 = 0 THEN '2025-01-02T00:00:00.000Z' END, CASE WHEN n % 5 = 0 THEN $1::bigint END
        FROM generate_series(1, $2::int) AS n`,
      [runId, volume],
    );
    await client.query(
      `INSERT INTO services (ip, port, protocol, status, result, duration_ms, first_seen, last_seen, first_run_id, last_run_id)
        SELECT ${host}, 23, 'telnet', 'success', '{}', 5, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', $1, $1
        FROM generate_series(1, $2::int) AS n`,
      [runId, volume],
    );
    await client.query(`INSERT INTO finding_events (finding_id, run_id, event, at) SELECT id, $1, 'opened', first_seen FROM findings`, [runId]);
    await client.query(
      `INSERT INTO isps (id, name, asns, prefixes, contacts, preferences, updated_at)
        SELECT 'isp-' || i, 'ISP ' || i, '[]', '[]', '{"portalUsers":[]}', '{"format":"csv","cadence":"weekly","language":"en"}', '2025-01-01T00:00:00.000Z'
        FROM generate_series(0, $1::int - 1) AS i`,
      [ispCount],
    );
    await client.query(
      `INSERT INTO finding_attributions (finding_id, isp_id, source, attributed_at)
        SELECT id, 'isp-' || (id % $1), 'registry', '2025-01-01T00:00:00.000Z' FROM findings`,
      [ispCount],
    );
    await client.query(
      `INSERT INTO credential_attempts (run_id, ip, port, protocol, dictionary_entry_id, username, outcome, attempted_at)
        SELECT $1, ${host}, 23, 'telnet', 'admin-admin', 'admin', 'rejected', '2025-01-01T00:00:00.000Z' FROM generate_series(1, $2::int) AS n`,
      [runId, volume],
    );
    await client.query('ANALYZE');
    // Every later connection to this database logs the plan of every statement it runs.
    const database = client.escapeIdentifier(new URL(url).pathname.slice(1));
    await client.query(`ALTER DATABASE ${database} SET session_preload_libraries = 'auto_explain'`);
    await client.query(`ALTER DATABASE ${database} SET auto_explain.log_min_duration = 0`);
    await client.query(`ALTER DATABASE ${database} SET auto_explain.log_nested_statements = on`);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL query plans at volume (pg-a roles)', { timeout: 300_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());

  test('a worker, the notifier and the tracker touching a few hosts read no large table whole', async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    const url = await server.createDatabase();
    const setUp = await openPostgresStore(url);
    const first = await setUp.startRun(runAt('2025-01-01T00:00:00.000Z'));
    await setUp.close();
    await fillVolume(url, first);

    const logStart = statSync(server.logFile).size;
    const store = await openPostgresStore(url);
    try {
      const second = await store.startRun(runAt('2025-02-01T00:00:00.000Z'));
      const seen = [1, 2, 3, 4, 5, 6, 7, 8].map(hostAddress);
      const gone = [11, 12, 13, 14].map(hostAddress);
      const fresh = ['10.200.0.1', '10.200.0.2'];
      await store.recordServices(
        second,
        [...seen, ...fresh].map((ip) => telnet(ip, '2025-02-01T00:00:01.000Z', 'again')),
      );
      await store.recordAttempts(
        second,
        fresh.map((ip) => ({
          ip,
          port: 23,
          protocol: 'telnet',
          dictionaryEntryId: 'admin-admin',
          username: 'admin',
          outcome: 'accepted' as const,
          attemptedAt: '2025-02-01T00:00:02.000Z',
        })),
      );
      const counts = await store.reconcileFindings(second, {
        found: [...seen, ...fresh].map((ip) => weakTelnet(ip, '2025-02-01T00:00:03.000Z')),
        covered: gone.map((ip) => ({ ip, port: 23, protocol: 'telnet', kind: 'weak-credential' as const })),
        closeAfterMisses: 2,
      });
      assert.equal(counts.opened, fresh.length, 'the set-up is what the test thinks it is');
      const touched = await store.listFindings({ runId: second });
      assert.equal(touched.length, seen.length + fresh.length);
      const newIds = touched.filter((finding) => fresh.includes(finding.ip)).map((finding) => finding.id);
      await store.recordAttributions(newIds.map((findingId) => ({ findingId, attribution: { source: 'registry', ispId: 'isp-7' } })));
      assert.ok((await store.listNotifiableFindings({ ispId: 'isp-7', status: 'open' })).length > 0);
      assert.equal((await store.listFindingEvents({ findingId: newIds[0]! })).length, 1);
      assert.ok((await store.listFindingEvents({ runId: second })).length > 0);
      assert.equal((await store.listServices({ ip: seen[0]! })).length, 1);
      assert.equal((await store.listAttempts(second)).length, fresh.length);
      await store.createReport({
        audience: 'isp',
        ispId: 'isp-7',
        createdAt: '2025-02-02T00:00:00.000Z',
        periodEnd: '2025-02-02T00:00:00.000Z',
        idempotencyKey: 'isp-7/2025-02-02',
        findingIds: newIds,
        summary: {},
        outbox: [],
      });
    } finally {
      await store.close();
    }

    const log = readFileSync(server.logFile, 'utf8').slice(logStart);
    assert.match(log, /Query Text: .*INSERT INTO findings/, 'auto_explain logged the roles’ statements');
    for (const table of largeTables) {
      const scans = log.split(/\n(?=\S)/).filter((entry) => new RegExp(`Seq Scan on ${table}\\b`).test(entry));
      assert.deepEqual(scans, [], `no statement reads all of ${table}`);
    }
  });
});
