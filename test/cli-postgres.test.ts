// The CLI on a PostgreSQL store, as a user runs it: `--db postgres://…` reaches the same data
// the store API wrote, and an unreachable server is a storage error (exit 7) that never prints
// the URL's password.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open-store.ts';
import { runAt } from './store-conformance/fixtures.ts';
import { type PostgresServer, startPostgres } from './support/postgres-server.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the CLI with a PostgreSQL --db', { timeout: 180_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());

  test('runs and findings read what the store wrote', async () => {
    if (!server) throw new Error('the PostgreSQL server did not start');
    const url = await server.createDatabase();
    const store = await openStore(url);
    try {
      const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
      await store.reconcileFindings(runId, {
        found: [{ kind: 'weak-credential', ip: '192.0.2.7', port: 23, protocol: 'telnet', evidence: {}, observedAt: '2025-01-01T00:00:01.000Z' }],
        covered: [],
      });
    } finally {
      await store.close();
    }
    const runs = await cli(['runs', '--db', url, '--json']);
    assert.equal(runs.code, 0, runs.stderr);
    assert.deepEqual(
      (JSON.parse(runs.stdout) as Array<{ scope: string[] }>).map((run) => run.scope),
      [['192.0.2.0/24']],
    );
    const findings = await cli(['findings', '--db', url, '--json']);
    assert.equal(findings.code, 0, findings.stderr);
    assert.deepEqual(
      (JSON.parse(findings.stdout) as Array<{ ip: string }>).map((finding) => finding.ip),
      ['192.0.2.7'],
    );
  });

  test('an unreachable server is a storage error naming the URL without its password', async () => {
    const result = await cli(['runs', '--db', 'postgres://survey:hunter2@127.0.0.1:1/opennotice']);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stderr, /postgres:\/\/survey@127\.0\.0\.1:1\/opennotice/);
    assert.doesNotMatch(result.stderr, /hunter2/);
  });
});
