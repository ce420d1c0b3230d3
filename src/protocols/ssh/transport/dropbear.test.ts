// Our SSH checker against a real server: Debian's dropbear on 127.0.0.1, with a
// throw-away local user (root only: it needs useradd). npm test installs dropbear when run as root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialAttempt, ServiceObservation } from '../../../core/records.ts';
import { createLoopbackContext } from '../../../../test/support/loopback-context.ts';
import type { DictionaryEntry } from '../../../assess/credentials/dictionary.ts';
import { createSshChecker } from '../credentials.ts';
import { supportedAlgorithms } from './algorithms.ts';

const isRoot = process.getuid?.() === 0;
const hasDropbear = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v dropbear && command -v dropbearkey'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const user = `opn-ssh-${process.pid}`;
const blankUser = `opn-ssh-b${process.pid}`;
const password = 'Dr0pbear-test-pw';
const banner = 'Authorized access only - opennotice test';
const ctx = createLoopbackContext({ ioTimeoutMs: 3000, deadlineMs: 15_000 });
const entry = (id: string, username: string, secret: string): DictionaryEntry => ({
  id,
  username,
  password: secret,
  reason: 'trivial',
  vendors: [],
  protocols: [],
  sources: [],
  rank: 9,
});

let directory = '';
let server: ChildProcess | undefined;
let port = 0;
const fingerprints: Record<string, string> = {};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: chosen } = probe.address() as { port: number };
      probe.close(() => resolve(chosen));
    });
  });
}

async function waitForListener(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dropbear did not listen on 127.0.0.1:${port}`);
}

const removeUsers = () => {
  for (const name of [user, blankUser]) execFileSync('sh', ['-c', `id ${name} >/dev/null 2>&1 && userdel ${name} || true`]);
};

before(async () => {
  // Failing here fails every test of the file with this one reason (nothing is skipped).
  assert.ok(hasDropbear, 'dropbear and dropbearkey are missing: npm test installs them as root (apt-get install dropbear-bin)');
  assert.ok(isRoot, 'the dropbear tests need root, to create and remove a throw-away login user');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-dropbear-'));
  removeUsers();
  execFileSync('useradd', ['-M', '-N', '-s', '/bin/sh', user]);
  execFileSync('chpasswd', { input: `${user}:${password}\n` });
  execFileSync('useradd', ['-M', '-N', '-s', '/bin/sh', blankUser]);
  execFileSync('passwd', ['-d', blankUser], { stdio: 'ignore' });
  for (const [type, size] of [
    ['ed25519', ''],
    ['ecdsa', '256'],
    ['rsa', '2048'],
  ] as const) {
    execFileSync('dropbearkey', ['-t', type, ...(size ? ['-s', size] : []), '-f', join(directory, type)], { stdio: 'ignore' });
    fingerprints[type] = /Fingerprint: (SHA256:\S+)/.exec(execFileSync('dropbearkey', ['-y', '-f', join(directory, type)], { encoding: 'utf8' }))![1]!;
  }
  writeFileSync(join(directory, 'banner'), `${banner}\n`);
  port = await freePort();
  // -T 2: hang up after two refusals (the checker must reconnect); -B: blank passwords allowed; -w: never root.
  const args = ['-F', '-E', '-w', '-B', '-T', '2', '-b', join(directory, 'banner'), '-P', join(directory, 'pid'), '-p', `127.0.0.1:${port}`];
  for (const type of ['ed25519', 'ecdsa', 'rsa']) args.push('-r', join(directory, type));
  server = spawn('dropbear', args, { stdio: 'ignore' });
  await waitForListener();
});

after(() => {
  server?.kill();
  if (isRoot && hasDropbear) removeUsers();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function check(entries: DictionaryEntry[], preferences = supportedAlgorithms) {
  const service: ServiceObservation = {
    ip: '127.0.0.1',
    port,
    protocol: 'ssh',
    status: 'success',
    result: { version: 'SSH-2.0-dropbear_2022.83', protocolVersion: '2.0' },
    durationMs: 1,
    observedAt: '',
  };
  const audit: CredentialAttempt[] = [];
  const outcome = await createSshChecker({ preferences }).check(ctx, service, entries, { maxAttempts: 20, audit: (attempt) => audit.push(attempt) });
  return { outcome, audit };
}

test('dropbear is installed (npm test installs dropbear-bin)', () => {
  assert.ok(hasDropbear, 'dropbear and dropbearkey are missing: npm test installs them as root (apt-get install dropbear-bin)');
});

test('dropbear: the right password is found after wrong ones and a user-name change; evidence as dropbear sees it', {}, async () => {
  const { outcome, audit } = await check([entry('b', 'opn-no-such-user', 'x'), entry('a', user, 'wrong'), entry('c', user, password)]);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted?.id, 'c');
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected', 'accepted'],
  );
  assert.match(String(outcome.evidence.serverVersion), /^SSH-2\.0-dropbear_/);
  assert.equal(outcome.evidence.hostKeyFingerprint, fingerprints.ed25519, 'the fingerprint dropbearkey prints');
  assert.equal(outcome.evidence.kex, 'curve25519-sha256');
  assert.equal(outcome.evidence.authBanner, `${banner}\n`);
  assert.equal(outcome.evidence.authMethods, 'publickey,password');
});

test('dropbear: every key exchange and host key algorithm we implement, with both ciphers and MACs', {}, async () => {
  const hostKeys: Array<[string, string]> = [
    ['ssh-ed25519', 'ed25519'],
    ['ecdsa-sha2-nistp256', 'ecdsa'],
    ['rsa-sha2-256', 'rsa'],
    ['ssh-rsa', 'rsa'],
  ];
  const kexes = supportedAlgorithms.kex;
  for (let index = 0; index < Math.max(kexes.length, hostKeys.length); index++) {
    const [hostKey, keyFile] = hostKeys[index % hostKeys.length]!;
    const preferences = {
      kex: [kexes[index % kexes.length]!],
      hostKey: [hostKey],
      cipher: [index % 2 ? 'aes256-ctr' : 'aes128-ctr'],
      mac: [index % 2 ? 'hmac-sha1' : 'hmac-sha2-256'],
    };
    const { outcome } = await check([entry('c', user, password)], preferences);
    assert.equal(outcome.accepted?.id, 'c', `${JSON.stringify(preferences)}: ${outcome.error}`);
    assert.equal(outcome.evidence.kex, preferences.kex[0]);
    assert.equal(outcome.evidence.hostKeyAlgorithm, hostKey);
    assert.equal(outcome.evidence.hostKeyFingerprint, fingerprints[keyFile]);
  }
});

test('dropbear: hanging up after MaxAuthTries (-T 2) costs a reconnection, not a missed password', {}, async () => {
  const { outcome, audit } = await check([entry('w1', user, 'w1'), entry('w2', user, 'w2'), entry('w3', user, 'w3'), entry('c', user, password)]);
  assert.equal(outcome.accepted?.id, 'c', outcome.error);
  assert.ok(Number(outcome.evidence.connections) >= 2);
  assert.equal(audit.filter((attempt) => attempt.outcome === 'rejected').length, 3);
});

test('dropbear -B: a blank password lets "none" in; the empty-password entry is the finding', {}, async () => {
  const { outcome } = await check([entry('x', blankUser, 'not-blank'), entry('on-blank', blankUser, '')]);
  assert.equal(outcome.accepted?.id, 'on-blank', outcome.error);
  assert.equal(outcome.evidence.method, 'userauth-none');
});
