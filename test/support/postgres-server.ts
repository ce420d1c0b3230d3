/**
 * A real, throw-away PostgreSQL server for tests, from Debian's `postgresql` package: initdb
 * into a temporary folder, started listening on 127.0.0.1 only (its own free port, unix
 * sockets inside the folder), stopped and removed afterwards. Debian's own cluster
 * (pg_ctlcluster, port 5432) is never used or needed.
 *
 * initdb and postgres refuse to run as root, so when the tests run as root (as `npm test`
 * does to install packages and make namespaces) both run as `nobody` through setpriv, which
 * execs in place: the child we hold is the postmaster itself and our signals reach it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFileSync, chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
/** The superuser initdb creates; loopback connections are trusted, so no password. */
const superuser = 'opennotice';
const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;
const initdbTimeoutMs = 60_000;
/** The unprivileged account the server runs as when the tests run as root. */
const unprivilegedUser = 'nobody';

export interface PostgresServer {
  /** A database created for the caller: postgres://opennotice@127.0.0.1:PORT/opennotice_test */
  url: string;
  /**
   * Creates another database on the same server and returns its URL: suites that want a fresh
   * store each time share one server (starting one takes about a second) this way. Empty, or a
   * copy of `template` (the URL of a database of this server nobody is connected to), e.g. one already
   * migrated, which is much cheaper than migrating every new database.
   */
  createDatabase(options?: { template?: string }): Promise<string>;
  /** The server's log (stderr), e.g. for plans auto_explain writes there. Removed by stop(). */
  logFile: string;
  /** Stops the server (fast shutdown, then SIGKILL if it lingers) and removes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  port?: number;
  /**
   * Addresses to listen on besides 127.0.0.1, with the networks trusted from them: a test
   * network's bridge address, so that "machines" in its namespaces reach the server
   * (test/support/test-network.ts). Only addresses the test set-up made.
   */
  alsoListen?: { address: string; trustedNetwork: string };
}

/** The highest installed major version's server programs, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinaries(): string {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((entry) => existsSync(join(base, entry, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = majors[0];
  if (newest === undefined) {
    throw new Error("PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install --no-install-recommends postgresql");
  }
  return join(base, newest, 'bin');
}

/** The command line that runs `program` as the unprivileged user when we are root. */
function unprivileged(program: string, args: readonly string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, [...args]];
  return ['setpriv', [`--reuid=${unprivilegedUser}`, '--regid=nogroup', '--clear-groups', '--', program, ...args]];
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}

/** Waits for the child's exit, at most `timeoutMs`; whether it exited. */
function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Tries to connect until the server answers, the child dies, or the time is up. */
async function waitUntilAccepting(child: ChildProcess, port: number, logFile: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PostgreSQL exited while starting (${child.exitCode ?? child.signalCode}); its log:\n${readLog(logFile)}`);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, database: 'postgres', connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within ${startTimeoutMs} ms (${lastError}); its log:\n${readLog(logFile)}`);
}

/**
 * Starts a fresh server and creates one database on it.
 * @example
 * const server = await startPostgres()
 * after(() => server.stop())
 * const store = await openPostgresStore(await server.createDatabase())
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const binaries = postgresBinaries();
  const folder = mkdtempSync(join(tmpdir(), 'opennotice-postgres-'));
  const data = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  let child: ChildProcess | undefined;
  let databases = 0;
  let stopped = false;
  // A test process ended by --test-force-exit runs no after() hooks; this still stops the
  // server and removes its folder (synchronously: an exit handler cannot wait).
  const killOnExit = () => {
    child?.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    // SIGINT is PostgreSQL's "fast shutdown": clients disconnected, no waiting for them.
    if (child && !(await exited(child, 0))) {
      child.kill('SIGINT');
      if (!(await exited(child, stopTimeoutMs))) {
        child.kill('SIGKILL');
        await exited(child, stopTimeoutMs);
      }
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    if (process.getuid?.() === 0) {
      const nobody = await run('id', ['-u', unprivilegedUser]);
      const nogroup = await run('id', ['-g', unprivilegedUser]);
      chownSync(folder, Number(nobody.stdout.trim()), Number(nogroup.stdout.trim()));
    }
    const [initdb, initdbArgs] = unprivileged(join(binaries, 'initdb'), [
      '--pgdata',
      data,
      '--username',
      superuser,
      '--auth',
      'trust',
      '--encoding',
      'UTF8',
      '--no-locale',
      // Nothing here must survive a crash of the machine: skip the fsyncs.
      '--no-sync',
    ]);
    try {
      await run(initdb, initdbArgs, { timeout: initdbTimeoutMs });
    } catch (error) {
      const detail = error instanceof Error ? ((error as { stderr?: string }).stderr ?? error.message) : String(error);
      throw new Error(`initdb failed: ${detail.trim()}`);
    }
    if (options.alsoListen) {
      // initdb trusts loopback only; the test network's hosts are trusted too (nothing else can reach it).
      appendFileSync(join(data, 'pg_hba.conf'), `host all all ${options.alsoListen.trustedNetwork} trust\n`);
    }
    const port = options.port ?? (await freeLoopbackPort());
    const [postgres, postgresArgs] = unprivileged(join(binaries, 'postgres'), [
      '-D',
      data,
      '-c',
      `listen_addresses=${['127.0.0.1', ...(options.alsoListen ? [options.alsoListen.address] : [])].join(',')}`,
      '-c',
      `port=${port}`,
      '-c',
      `unix_socket_directories=${folder}`,
      // Durability is pointless for a test server and costs time on a shared machine.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    const log = openSync(logFile, 'a');
    try {
      child = spawn(postgres, postgresArgs, { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    process.on('exit', killOnExit);
    await waitUntilAccepting(child, port, logFile);
    const serverUrl = `postgres://${superuser}@127.0.0.1:${port}`;
    const createDatabase = async (create: { template?: string } = {}) => {
      const name = `opennotice_test_${++databases}`;
      const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
      await client.connect();
      try {
        const template = create.template === undefined ? '' : ` TEMPLATE ${client.escapeIdentifier(new URL(create.template).pathname.slice(1))}`;
        await client.query(`CREATE DATABASE ${name}${template} STRATEGY FILE_COPY`);
      } finally {
        await client.end();
      }
      return `${serverUrl}/${name}`;
    };
    return { url: await createDatabase(), createDatabase, logFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
