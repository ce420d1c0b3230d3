/**
 * A throw-away PostgreSQL server for the distributed-survey tests' job queue: initdb in a
 * temporary folder as the unprivileged `postgres` user (the tests run as root, which
 * PostgreSQL refuses), listening on 127.0.0.1 only, trust authentication, removed on stop.
 * Stand-in until the shared `test/support/postgres-server.ts` harness is merged.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const startTimeoutMs = 20_000;

export interface QueuePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** A new empty database on the server (a queue of its own for one test); its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

function binaries(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: apt-get install -y --no-install-recommends postgresql');
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** @example const pg = await startQueuePostgres(); try { … pg.url … } finally { await pg.stop() } */
export async function startQueuePostgres(): Promise<QueuePostgres> {
  const bin = binaries();
  const { uid, gid } = await postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-pg-'));
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  await run(`${bin}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { uid, gid, timeout: startTimeoutMs, cwd: dir });
  const port = await freePort();
  const server = spawn(
    `${bin}/postgres`,
    ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port), '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { uid, gid, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const ready = await run(`${bin}/pg_isready`, ['-h', '127.0.0.1', '-p', String(port)], { timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (server.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`PostgreSQL did not start: ${log.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const createDatabase = async (name: string) => {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    await run(
      `${bin}/psql`,
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`],
      {
        timeout: 10_000,
      },
    );
    return `postgres://postgres@127.0.0.1:${port}/${name}`;
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, createDatabase, stop };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['postgres']);
  const uid = /uid=(\d+)/.exec(stdout)?.[1];
  const gid = /gid=(\d+)/.exec(stdout)?.[1];
  if (uid === undefined || gid === undefined) throw new Error(`no postgres user: ${stdout}`);
  return { uid: Number(uid), gid: Number(gid) };
}
