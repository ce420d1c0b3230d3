// The SSH checker against the lab's SSH server (the same transport, server side) and
// against scripted hostile peers. Real OpenSSH and dropbear: ssh/dropbear.test.ts and
// src/lab/ssh-interop.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { CredentialAttempt, ServiceObservation } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { fastLoginTiming } from '../../../test/support/login-timing.ts';
import { startPeer } from '../fake-peer.test.ts';
import { labHostKey, serveSsh } from '../../lab/services/ssh-server.ts';
import { createLabStats, type LabStats } from '../../lab/stats.ts';
import type { LabCredential } from '../../lab/types.ts';
import type { SshPersona } from '../../lab/vendors/profile.ts';
import { dropbearPersona, openSshPersona } from '../../lab/vendors/ssh-kit.ts';
import { hostKeyFingerprint } from './transport/host-key.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import { createSshChecker } from './credentials.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 1000, deadlineMs: 5000, maxBytes: 64 * 1024 });
const checker = createSshChecker();
/** The context's own limits as before: a key exchange on a busy machine can take more than the scripted peers' 400 ms. */
const sshTiming = { ...fastLoginTiming, answerWaitMs: 1000, connectionDeadlineMs: 5000 };
const entry = (id: string, username: string, password: string): DictionaryEntry => ({
  id,
  username,
  password,
  reason: 'trivial',
  sources: [],
  rank: 9,
  vendors: [],
  protocols: [],
});

interface LabSsh {
  port: number;
  stats(): LabStats;
  close(): Promise<void>;
}

/** One lab SSH service on 127.0.0.1 (ephemeral port) with the given persona and credential; the first `busy` connections are closed at once. */
async function labSsh(persona: SshPersona, credential: LabCredential, busy = 0): Promise<LabSsh> {
  const stats = createLabStats();
  const sockets = new Set<Socket>();
  const hostKey = labHostKey(7, '127.0.0.1', 22);
  const service = { port: 22, protocol: 'ssh' as const, auth: 'login' as const, credential, software: 'dropbear_2019.78' };
  let accepted = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (++accepted <= busy) return void socket.end(); // dropbear at its unauthenticated-connection limit
    serveSsh(socket, service, { persona, hostKey, stats });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    stats: () => stats.snapshot(),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const observation = (port: number): ServiceObservation => ({
  ip: '127.0.0.1',
  port,
  protocol: 'ssh',
  status: 'success',
  result: { version: 'SSH-2.0-dropbear_2019.78', protocolVersion: '2.0', software: 'dropbear_2019.78' },
  durationMs: 1,
  observedAt: '',
});

async function check(port: number, entries: DictionaryEntry[], maxAttempts = 20) {
  const audit: CredentialAttempt[] = [];
  const outcome = await checker.check(ctx, observation(port), entries, { timing: sshTiming, maxAttempts, audit: (attempt) => audit.push(attempt) });
  return { outcome, audit };
}

test('password: the right pair is found across user-name changes; the host key and algorithms are evidence; nothing after the login', async () => {
  const lab = await labSsh(dropbearPersona(), { username: 'root', password: 'xc3511', dictionaryEntryId: 'on-015' });
  try {
    const { outcome, audit } = await check(lab.port, [
      entry('a', 'admin', 'admin'),
      entry('b', 'root', 'root'),
      entry('c', 'root', 'vizxv'),
      entry('d', 'root', 'xc3511'),
      entry('e', 'root', 'never-tried'),
    ]);
    assert.equal(outcome.status, 'success');
    assert.equal(outcome.accepted?.id, 'd');
    assert.equal(outcome.attempts, 4);
    assert.deepEqual(
      audit.map((attempt) => `${attempt.dictionaryEntryId}:${attempt.outcome}`),
      ['a:rejected', 'b:rejected', 'c:rejected', 'd:accepted'],
    );
    assert.ok(
      audit.every((attempt) => attempt.protocol === 'ssh' && !JSON.stringify(attempt).includes('xc3511')),
      'no password in the audit log',
    );
    assert.equal(outcome.evidence.connections, 2, 'a new connection only when the user name changes');
    assert.equal(outcome.evidence.hostKeyFingerprint, hostKeyFingerprint(labHostKey(7, '127.0.0.1', 22).blob));
    assert.equal(outcome.evidence.kex, 'curve25519-sha256');
    assert.equal(outcome.evidence.cipher, 'aes128-ctr');
    assert.equal(outcome.evidence.authMethods, 'publickey,password');
    assert.equal(outcome.evidence.method, 'userauth-password');
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the server read what (nothing) followed
    const stats = lab.stats();
    assert.equal(stats.successfulLogins, 1);
    assert.equal(stats.failedLogins, 3);
    assert.equal(stats.commandsAfterLogin, 0);
    assert.equal(stats.bytesAfterLogin, 0, 'not one message after USERAUTH_SUCCESS');
  } finally {
    await lab.close();
  }
});

test('several tries per connection: the next entries with the same user name go first, close to the likeliness order', async () => {
  const lab = await labSsh(dropbearPersona(), { username: 'root', password: 'right' });
  try {
    const entries = [entry('a', 'root', 'a'), entry('b', 'admin', 'b'), entry('c', 'root', 'c'), entry('d', 'admin', 'd'), entry('e', 'root', 'right')];
    const { outcome, audit } = await check(lab.port, entries);
    assert.equal(outcome.accepted?.id, 'e');
    assert.deepEqual(
      audit.map((attempt) => attempt.dictionaryEntryId),
      ['a', 'c', 'e'],
    );
    assert.deepEqual(outcome.pace, { connections: 1, maxTriesPerConnection: 3, retries: 0, backoffs: 0 });
  } finally {
    await lab.close();
  }
});

test('a server that hangs up before its identification (too many connections) is met with backoff', async () => {
  const lab = await labSsh(dropbearPersona(), { username: 'admin', password: 'admin' }, 1);
  try {
    const { outcome, audit } = await check(lab.port, [entry('a', 'admin', 'admin')]);
    assert.equal(outcome.accepted?.id, 'a', outcome.error);
    assert.equal(audit.length, 1, 'the refused connection cost no attempt');
    assert.deepEqual(outcome.pace, { connections: 2, maxTriesPerConnection: 1, retries: 0, backoffs: 1 });
  } finally {
    await lab.close();
  }
});

test('keyboard-interactive only (OpenSSH with PAM): the password prompt is answered with the password', async () => {
  const lab = await labSsh(openSshPersona({ keyboardInteractiveOnly: true }), { username: 'admin', password: 'password' });
  try {
    const { outcome } = await check(lab.port, [entry('a', 'admin', 'admin'), entry('b', 'admin', 'password')]);
    assert.equal(outcome.accepted?.id, 'b');
    assert.equal(outcome.evidence.method, 'userauth-keyboard-interactive');
    assert.equal(outcome.evidence.authMethods, 'publickey,keyboard-interactive');
  } finally {
    await lab.close();
  }
});

test('hang-ups at MaxAuthTries: the unanswered attempt is tried again, no weak pair is missed', async () => {
  const pairs = [entry('w1', 'admin', 'w1'), entry('w2', 'admin', 'w2'), entry('w3', 'admin', 'w3'), entry('ok', 'admin', 'right'), entry('w4', 'admin', 'w4')];
  for (const hangUp of ['disconnect-instead-of-failure', 'failure-then-close'] as const) {
    const lab = await labSsh({ ...dropbearPersona(), maxAuthTries: 3, hangUp }, { username: 'admin', password: 'right' });
    try {
      const { outcome, audit } = await check(lab.port, pairs);
      assert.equal(outcome.accepted?.id, 'ok', hangUp);
      const trail = audit.map((attempt) => `${attempt.dictionaryEntryId}:${attempt.outcome}`);
      // OpenSSH answers the third refusal by disconnecting: w3 is retried. dropbear answers
      // it and closes, so "ok" meets a closed connection and is retried.
      const expected =
        hangUp === 'disconnect-instead-of-failure'
          ? ['w1:rejected', 'w2:rejected', 'w3:error', 'w3:rejected', 'ok:accepted']
          : ['w1:rejected', 'w2:rejected', 'w3:rejected', 'ok:error', 'ok:accepted'];
      assert.deepEqual(trail, expected, hangUp);
      assert.equal(outcome.evidence.connections, 2);
    } finally {
      await lab.close();
    }
  }
});

test('strong password: the attempt cap holds across reconnections, the check concludes', async () => {
  const lab = await labSsh({ ...dropbearPersona(), maxAuthTries: 2 }, { username: 'admin', password: 'Xk29!fj3Lq0p' });
  try {
    const entries = Array.from({ length: 12 }, (_, index) => entry(`e${index}`, index % 3 === 0 ? 'root' : 'admin', `guess${index}`));
    const { outcome, audit } = await check(lab.port, entries, 7);
    assert.equal(outcome.status, 'success', 'a refused dictionary is a conclusion');
    assert.equal(outcome.accepted, undefined);
    assert.equal(outcome.attempts, 7);
    assert.equal(audit.length, 7);
    assert.ok(Number(outcome.evidence.connections) <= 8, 'each reconnection is justified by an attempt under the cap');
  } finally {
    await lab.close();
  }
});

test('blank password: "none" lets the user in, reported as the dictionary’s empty-password entry', async () => {
  const lab = await labSsh(dropbearPersona(), { username: 'admin', password: '' });
  try {
    const { outcome, audit } = await check(lab.port, [entry('on-001', 'admin', 'admin'), entry('on-003', 'admin', '')]);
    assert.equal(outcome.accepted?.id, 'on-003');
    assert.equal(outcome.evidence.method, 'userauth-none');
    assert.deepEqual(
      audit.map((attempt) => `${attempt.dictionaryEntryId}:${attempt.outcome}`),
      ['on-003:accepted'],
    );
    // Without that entry in the list, a login with nothing asked is no authentication at all.
    const open = await check(lab.port, [entry('on-001', 'admin', 'admin')]);
    assert.equal(open.outcome.noAuthentication, true);
    assert.equal(open.outcome.attempts, 0);
    assert.equal(lab.stats().commandsAfterLogin, 0);
  } finally {
    await lab.close();
  }
});

/** Deterministic garbage. */
const noise = (label: string, length: number) =>
  Buffer.concat(Array.from({ length: Math.ceil(length / 32) }, (_, index) => createHash('sha256').update(`${label}${index}`).digest())).subarray(0, length);

test('hostile servers: garbage, silence and an endless banner end with a status, never an exception or a hang', async () => {
  const scripts: Array<[string, Buffer, string[]]> = [
    ['garbage after the identification', Buffer.concat([Buffer.from('SSH-2.0-dropbear_2019.78\r\n'), noise('g', 600)]), ['protocol-error']],
    ['a huge packet length', Buffer.concat([Buffer.from('SSH-2.0-x\r\n'), Buffer.from([0x7f, 0xff, 0xff, 0xff]), Buffer.alloc(20)]), ['protocol-error']],
    ['silence after the identification', Buffer.from('SSH-2.0-OpenSSH_7.4\r\n'), ['io-timeout']],
    ['binary instead of SSH', noise('b', 300), ['protocol-error']],
    ['an endless pre-identification banner', Buffer.from('x'.repeat(100).concat('\r\n').repeat(200)), ['protocol-error']],
  ];
  for (let round = 0; round < 20; round++)
    scripts.push([`fuzz ${round}`, Buffer.concat([Buffer.from('SSH-2.0-fuzz\r\n'), noise(`f${round}`, 8 + round * 41)]), ['protocol-error', 'io-timeout']]);
  for (const [name, bytes, statuses] of scripts) {
    const peer = await startPeer(async (connection) => {
      await connection.send(bytes);
      await connection.closed;
    });
    try {
      const { outcome } = await check(peer.port, [entry('a', 'admin', 'admin')]);
      assert.ok(statuses.includes(outcome.status), `${name}: ${outcome.status} (${outcome.error})`);
      assert.equal(outcome.accepted, undefined, name);
      assert.equal(outcome.attempts, 0, name);
    } finally {
      await peer.close();
    }
  }
});
