// Several workers writing one PostgreSQL store at once, each through its own store (its own
// pool, as separate processes would): upserts and reconciliations must neither duplicate rows,
// nor lose an event, nor deadlock. Also: openStore picks PostgreSQL for a postgres:// URL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { camera, runAt, telnet } from '../../../test/store-conformance/fixtures.ts';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import type { Finding } from '../../core/records.ts';
import { openStore } from '../open-store.ts';
import type { Store } from '../store.ts';

const workers = 4;
const sharedHosts = Array.from({ length: 30 }, (_, index) => `192.0.2.${index + 1}`);

const weakTelnet = (ip: string, observedAt: string): Finding => ({
  kind: 'weak-credential',
  ip,
  port: 23,
  protocol: 'telnet',
  dictionaryEntryId: 'admin-admin',
  evidence: { prompt: 'login:' },
  observedAt,
});

describe('PostgreSQL store with concurrent workers', { timeout: 180_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());

  async function withWorkers(work: (stores: Store[]) => Promise<void>): Promise<void> {
    if (!server) throw new Error('the PostgreSQL server did not start');
    const url = await server.createDatabase();
    const stores: Store[] = [];
    try {
      for (let index = 0; index < workers; index++) stores.push(await openStore(url));
      await work(stores);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }

  test('openStore opens PostgreSQL for a postgres:// URL and names it without its password', async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    const url = await server.createDatabase();
    const store = await openStore(url.replace('opennotice@', 'opennotice:secret@'));
    try {
      assert.equal(store.location, url);
      assert.deepEqual(await store.listRuns(), []);
    } finally {
      await store.close();
    }
  });

  test('workers reconciling the same findings at once open each exactly once and log one event per change', () =>
    withWorkers(async (stores) => {
      const runId = await stores[0]!.startRun(runAt('2025-01-01T00:00:00.000Z'));
      // Every worker finds every shared host, in a different order, at the same time.
      const opened = await Promise.all(
        stores.map((store, worker) => {
          const hosts = worker % 2 === 0 ? sharedHosts : [...sharedHosts].reverse();
          return store.reconcileFindings(runId, { found: hosts.map((ip) => weakTelnet(ip, '2025-01-01T00:00:01.000Z')), covered: [] });
        }),
      );
      assert.equal(
        opened.reduce((sum, counts) => sum + counts.opened, 0),
        sharedHosts.length,
        'each finding opened by exactly one worker',
      );
      assert.equal(
        opened.reduce((sum, counts) => sum + counts.updated, 0),
        sharedHosts.length * (workers - 1),
      );
      const findings = await stores[0]!.listFindings();
      assert.deepEqual(
        findings.map((finding) => finding.ip),
        sharedHosts,
      );

      // Then all of them re-check every host at once and none is found: each finding closes once.
      const second = await stores[0]!.startRun(runAt('2025-02-01T00:00:00.000Z'));
      const covered = sharedHosts.map((ip) => ({ ip, port: 23, protocol: 'telnet', kind: 'weak-credential' as const }));
      const closed = await Promise.all(stores.map((store) => store.reconcileFindings(second, { found: [], covered })));
      assert.equal(
        closed.reduce((sum, counts) => sum + counts.closed, 0),
        sharedHosts.length,
      );
      const events = await stores[0]!.listFindingEvents();
      assert.equal(events.filter((event) => event.event === 'opened').length, sharedHosts.length);
      assert.equal(events.filter((event) => event.event === 'closed').length, sharedHosts.length);
    }));

  test('workers recording the same services and devices at once leave one row each and one device version', () =>
    withWorkers(async (stores) => {
      const runId = await stores[0]!.startRun(runAt('2025-01-01T00:00:00.000Z'));
      await Promise.all(
        stores.map(async (store, worker) => {
          const hosts = worker % 2 === 0 ? sharedHosts : [...sharedHosts].reverse();
          await store.recordServices(
            runId,
            hosts.map((ip) => telnet(ip, `2025-01-01T00:00:0${worker}.000Z`, `worker ${worker}`)),
          );
          await store.recordDevices(
            runId,
            hosts.map((ip) => camera(ip, '1.0')),
          );
        }),
      );
      assert.equal((await stores[0]!.listServices()).length, sharedHosts.length);
      assert.equal((await stores[0]!.listDevices()).length, sharedHosts.length);
      for (const ip of [sharedHosts[0]!, sharedHosts.at(-1)!]) {
        assert.deepEqual(
          (await stores[0]!.listDeviceVersions(ip)).map((version) => version.version),
          [1],
          `one version at ${ip}`,
        );
      }
    }));

  test('workers making the same report at once make it once', () =>
    withWorkers(async (stores) => {
      const runId = await stores[0]!.startRun(runAt('2025-01-01T00:00:00.000Z'));
      await stores[0]!.reconcileFindings(runId, { found: [weakTelnet('192.0.2.1', '2025-01-01T00:00:01.000Z')], covered: [] });
      const [finding] = await stores[0]!.listFindings();
      const made = await Promise.all(
        stores.map((store) =>
          store.createReport({
            audience: 'isp',
            ispId: 'example-isp',
            createdAt: '2025-01-02T00:00:00.000Z',
            periodEnd: '2025-01-02T00:00:00.000Z',
            idempotencyKey: 'example-isp/2025-01-02',
            findingIds: [finding!.id],
            summary: {},
            outbox: [{ channel: 'file', destination: 'out/', idempotencyKey: 'example-isp/2025-01-02/file', payload: '{}' }],
          }),
        ),
      );
      assert.equal(made.filter((result) => result.created).length, 1);
      assert.equal(new Set(made.map((result) => result.reportId)).size, 1);
      assert.equal((await stores[0]!.listOutbox()).length, 1);
    }));
});
