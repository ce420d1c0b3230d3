// `opennotice users` and `opennotice serve` as a user runs them: child processes on a
// temporary store; the password only ever travels through the environment or stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../../core/errors.ts';
import { openStore } from '../../store/open-store.ts';
import { verifyPassword } from '../../server/auth/password.ts';
import { parseCommandArgs, type CommandIo } from '../command.ts';
import users from './users.ts';

const entry = fileURLToPath(new URL('../main.ts', import.meta.url));

function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', entry, ...args],
      { env: { ...process.env, OPENNOTICE_PASSWORD: undefined, ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** The users command in process (fast); the password through OPENNOTICE_PASSWORD, restored after. */
async function usersCommand(args: string[], password?: string): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const sink = {
    write: (text: string) => {
      stdout += text;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const io: CommandIo = { stdout: sink, stderr: { write: () => true } as unknown as NodeJS.WriteStream, signal: new AbortController().signal };
  const saved = process.env.OPENNOTICE_PASSWORD;
  if (password === undefined) delete process.env.OPENNOTICE_PASSWORD;
  else process.env.OPENNOTICE_PASSWORD = password;
  try {
    const { values, positionals } = parseCommandArgs(users, args);
    return { code: await users.run(values, positionals, io), stdout };
  } catch (error) {
    if (error instanceof OpenNoticeError) return { code: error.exitCode, stdout };
    throw error;
  } finally {
    if (saved === undefined) delete process.env.OPENNOTICE_PASSWORD;
    else process.env.OPENNOTICE_PASSWORD = saved;
  }
}

async function withStore(work: (db: string) => Promise<void>): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-users-'));
  const db = join(directory, 'store.sqlite');
  const store = await openStore(db);
  await store.upsertIsps([
    {
      id: 'sakura',
      name: 'Sakura Net',
      asns: [64496],
      prefixes: [],
      contacts: { portalUsers: [] },
      preferences: { format: 'csv', cadence: 'daily', language: 'ja' },
      managesCustomerDevices: false,
    },
  ]);
  await store.close();
  try {
    await work(db);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('users add takes the password from the environment or piped stdin, checks role and ISP, and hashes it', () =>
  withStore(async (db) => {
    const added = await usersCommand(['add', 'noc@sakura', '--role', 'isp', '--isp', 'sakura', '--db', db], 'a long enough password');
    assert.equal(added.code, 0);
    assert.match(added.stdout, /added isp user noc@sakura of ISP sakura/);
    const piped = await cli(['users', 'add', 'ops', '--role', 'operator', '--db', db], { input: 'operator password 1\nignored\n' });
    assert.equal(piped.code, 0, piped.stderr);

    assert.equal((await usersCommand(['add', 'x', '--role', 'isp', '--isp', 'nowhere', '--db', db], 'a long enough password')).code, 2);
    assert.equal((await usersCommand(['add', 'y', '--role', 'operator', '--db', db], 'short')).code, 2);
    assert.equal((await usersCommand(['add', 'ops', '--role', 'operator', '--db', db], 'a long enough password')).code, 2, 'name taken');
    assert.equal((await usersCommand(['add', 'z', '--role', 'admin', '--db', db], 'a long enough password')).code, 2);
    assert.equal((await usersCommand(['add', 'w', '--role', 'isp', '--db', db], 'a long enough password')).code, 2, 'isp without --isp');

    const store = await openStore(db);
    try {
      const noc = await store.findWebUser('noc@sakura');
      assert.equal(noc?.ispId, 'sakura');
      assert.match(noc!.passwordHash, /^\$scrypt\$ln=15,r=8,p=1\$/);
      assert.equal(await verifyPassword('a long enough password', noc!.passwordHash), true);
      assert.equal(await verifyPassword('operator password 1', (await store.findWebUser('ops'))!.passwordHash), true);
      assert.deepEqual(
        (await store.listWebUsers()).map((user) => user.name),
        ['noc@sakura', 'ops'],
      );
    } finally {
      await store.close();
    }
  }));

test('users token prints a token once; list shows it without the secret; revoke-token ends it; unlock clears a lock', () =>
  withStore(async (db) => {
    await usersCommand(['add', 'noc@sakura', '--role', 'isp', '--isp', 'sakura', '--db', db], 'a long enough password');
    const issued = await usersCommand(['token', 'noc@sakura', '--label', 'ticketing', '--db', db]);
    assert.equal(issued.code, 0);
    const token = issued.stdout.trim();
    assert.match(token, /^on_[A-Za-z0-9_-]{43}$/);
    const list = await usersCommand(['list', '--db', db]);
    assert.match(list.stdout, /noc@sakura\s+isp\s+sakura\s+since \d{4}-\d{2}-\d{2}\s+tokens: #1 ticketing/);
    assert.ok(!list.stdout.includes(token));
    const json = JSON.parse((await usersCommand(['list', '--json', '--db', db])).stdout) as Array<{ tokens: Array<{ id: number }> }>;
    assert.equal(json[0]!.tokens[0]!.id, 1);
    assert.equal((await usersCommand(['revoke-token', '1', '--db', db])).code, 0);
    assert.equal((await usersCommand(['revoke-token', '1', '--db', db])).code, 2, 'already revoked');

    const store = await openStore(db);
    try {
      assert.equal((await store.listApiTokens())[0]?.label, 'ticketing');
      assert.ok((await store.listApiTokens())[0]?.revokedAt);
      await store.lockLogin('name:noc@sakura', '2999-01-01T00:00:00.000Z');
      assert.equal((await usersCommand(['unlock', 'noc@sakura', '--db', db])).code, 0);
      assert.equal(await store.loginLockedUntil(['name:noc@sakura'], new Date().toISOString()), undefined);
    } finally {
      await store.close();
    }
  }));

test('serve prints its loopback URL, answers, and stops cleanly on SIGTERM', () =>
  withStore(async (db) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', entry, 'serve', '--db', db, '--port', '0', '--scanner-address', '192.0.2.10'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const page = await fetch(`${url}/login`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      await page.text();
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.match(stdout, /web server stopped/);
    assert.equal((await cli(['serve', '--db', db, '--host', '0.0.0.0', '--port', '0'])).code, 11, 'non-loopback refused without --allow-remote');
  }));
