// The lab's SSH server against the real OpenSSH client (/usr/bin/ssh, installed by
// npm test): logins with the right password succeed and are counted as commands after
// login (the client opens a session and runs `true`), wrong ones are refused, and every
// algorithm the lab offers interoperates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supportedAlgorithms } from '../protocols/ssh/transport/algorithms.ts';
import { hostKeyFingerprint, hostKeySigner, type HostKeySigner } from '../protocols/ssh/transport/host-key.ts';
import { labHostKey, serveSsh } from './services/ssh-server.ts';
import { createLabStats, type LabStatsRecorder } from './stats.ts';
import type { LabCredential } from './types.ts';
import type { SshPersona } from './vendors/profile.ts';
import { dropbearPersona, openSshPersona } from './vendors/ssh-kit.ts';

const hasSsh = (() => {
  try {
    execFileSync('/usr/bin/ssh', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const credential: LabCredential = { username: 'admin', password: 'p4ss \'word"$', dictionaryEntryId: 'on-999' };
let directory = '';
const servers: Server[] = [];
const sockets = new Set<Socket>();

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-ssh-interop-'));
  // OpenSSH asks this program for the password (SSH_ASKPASS_REQUIRE=force); it prints the variable, no quoting games.
  writeFileSync(join(directory, 'askpass'), '#!/bin/sh\nprintf \'%s\\n\' "$OPENNOTICE_TEST_PASSWORD"\n');
  chmodSync(join(directory, 'askpass'), 0o700);
});

after(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** A lab SSH service on 127.0.0.1 (ephemeral port) counting into `stats`. */
async function labService(persona: SshPersona, stats: LabStatsRecorder, hostKey: HostKeySigner = labHostKey(1, '127.0.0.1', 22)): Promise<number> {
  const service = { port: 22, protocol: 'ssh' as const, auth: 'login' as const, credential, software: 'dropbear_2019.78' };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveSsh(socket, service, { persona, hostKey, stats });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Run `ssh -v … admin@127.0.0.1 true` with a password; resolve with its exit code and log. */
function runSsh(port: number, secret: string, extra: string[] = []): Promise<{ code: number; log: string }> {
  const args = [
    '-v',
    '-F',
    '/dev/null',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'PubkeyAuthentication=no',
  ];
  args.push(
    '-o',
    'PreferredAuthentications=password,keyboard-interactive',
    '-o',
    'NumberOfPasswordPrompts=1',
    '-o',
    'ConnectTimeout=5',
    ...extra,
    '-p',
    String(port),
    `${credential.username}@127.0.0.1`,
    'true',
  );
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: directory,
    SSH_ASKPASS: join(directory, 'askpass'),
    SSH_ASKPASS_REQUIRE: 'force',
    DISPLAY: ':0',
    OPENNOTICE_TEST_PASSWORD: secret,
  };
  return new Promise((resolve) => {
    execFile('/usr/bin/ssh', args, { env, timeout: 15_000 }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, log: stderr });
    });
  });
}

test('OpenSSH client is installed (npm test installs openssh-client)', () => {
  assert.ok(hasSsh, '/usr/bin/ssh is missing: npm test installs it as root (apt-get install openssh-client)');
});

test('OpenSSH logs in with the right password and runs a command: counted as commands after login', async () => {
  assert.ok(hasSsh, '/usr/bin/ssh is missing: npm test installs it as root (apt-get install openssh-client)');
  const stats = createLabStats();
  const port = await labService(dropbearPersona(), stats);
  const { code, log } = await runSsh(port, credential.password);
  assert.equal(code, 0, log.slice(-800));
  assert.match(log, /Authenticated to 127\.0\.0\.1 .* using "password"/);
  assert.ok(log.includes(`Server host key: ssh-ed25519 ${hostKeyFingerprint(labHostKey(1, '127.0.0.1', 22).blob)}`), 'OpenSSH sees the fingerprint we compute');
  const counted = stats.snapshot();
  assert.equal(counted.successfulLogins, 1);
  assert.ok(counted.commandsAfterLogin >= 2, `the session open and the exec request are counted (${counted.commandsAfterLogin})`);
  assert.ok(counted.bytesAfterLogin > 0);
});

test('OpenSSH with a wrong password: refused, nothing counted after login', async () => {
  assert.ok(hasSsh, '/usr/bin/ssh is missing: npm test installs it as root (apt-get install openssh-client)');
  const stats = createLabStats();
  const port = await labService(dropbearPersona(), stats);
  const { code, log } = await runSsh(port, 'not the password');
  assert.equal(code, 255);
  assert.match(log, /Permission denied \(publickey,password\)/);
  const counted = stats.snapshot();
  assert.equal(counted.successfulLogins, 0);
  assert.ok(counted.failedLogins >= 1);
  assert.equal(counted.commandsAfterLogin, 0);
});

test('OpenSSH against a keyboard-interactive-only persona answers the "Password: " prompt', async () => {
  assert.ok(hasSsh, '/usr/bin/ssh is missing: npm test installs it as root (apt-get install openssh-client)');
  const stats = createLabStats();
  const port = await labService(openSshPersona({ keyboardInteractiveOnly: true }), stats);
  const good = await runSsh(port, credential.password);
  assert.equal(good.code, 0, good.log.slice(-800));
  assert.match(good.log, /using "keyboard-interactive"/);
  const bad = await runSsh(port, 'wrong');
  assert.match(bad.log, /Permission denied \(publickey,keyboard-interactive\)/);
  assert.equal(stats.snapshot().successfulLogins, 1);
});

test('OpenSSH negotiates every key exchange, cipher, MAC and host key type the server side implements', async () => {
  assert.ok(hasSsh, '/usr/bin/ssh is missing: npm test installs it as root (apt-get install openssh-client)');
  const everything: SshPersona = { ...dropbearPersona(), algorithms: supportedAlgorithms };
  const stats = createLabStats();
  const ed25519 = await labService(everything, stats);
  const ecdsa = await labService(everything, stats, hostKeySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
  const rsa = await labService(everything, stats, hostKeySigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
  const runs: Array<[number, string, string, string, string]> = [];
  const kexes = supportedAlgorithms.kex;
  const ciphers = supportedAlgorithms.cipher;
  for (let index = 0; index < Math.max(kexes.length, ciphers.length); index++) {
    runs.push([ed25519, 'ssh-ed25519', kexes[index % kexes.length]!, ciphers[index % ciphers.length]!, supportedAlgorithms.mac[index % 2]!]);
  }
  runs.push(
    [ecdsa, 'ecdsa-sha2-nistp256', 'curve25519-sha256', 'aes128-ctr', 'hmac-sha2-256'],
    [rsa, 'rsa-sha2-256', 'ecdh-sha2-nistp256', 'aes256-gcm@openssh.com', 'hmac-sha1'],
  );
  for (const [port, hostKey, kex, cipher, mac] of runs) {
    const { code, log } = await runSsh(port, credential.password, [
      '-o',
      `KexAlgorithms=${kex}`,
      '-o',
      `HostKeyAlgorithms=${hostKey}`,
      '-o',
      `Ciphers=${cipher}`,
      '-o',
      `MACs=${mac}`,
    ]);
    const what = `${kex} ${hostKey} ${cipher} ${mac}`;
    assert.equal(code, 0, `${what}: ${log.slice(-600)}`);
    assert.ok(log.includes(`kex: algorithm: ${kex}`), what);
    assert.ok(log.includes(`kex: host key algorithm: ${hostKey}`), what);
    assert.ok(log.includes(`server->client cipher: ${cipher}`), what);
  }
  assert.equal(stats.snapshot().successfulLogins, runs.length);
});
