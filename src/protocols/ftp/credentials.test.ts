import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialAttempt, ServiceObservation } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { fastLoginTiming } from '../../../test/support/login-timing.ts';
import { startPeer, type FakePeer, type PeerConnection } from '../fake-peer.test.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import { ftpChecker } from './credentials.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000, maxBytes: 64 * 1024 });
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

interface FtpServerOptions {
  accept: [string, string];
  /** vsftpd-style: close after this many failed logins on one connection. */
  maxLoginFails?: number;
  /** Answer 230 to any USER (no password needed). */
  openAccess?: boolean;
  /** Wait this long before "530" (vsftpd's delay_failed_login and PAM's delay). */
  failDelayMs?: number;
  /** Hang up without a reply the first time this password arrives. */
  dropFirstPass?: string;
}

/** A vsftpd-like control connection. Records bytes arriving after a 230. */
async function ftpServer(options: FtpServerOptions) {
  const afterSuccess: Array<() => Buffer> = [];
  const logins: string[] = [];
  let dropped = false;
  const peer = await startPeer(async (c: PeerConnection) => {
    await c.send('220-Welcome\r\n220 (vsFTPd 2.3.4)\r\n');
    let fails = 0;
    for (let commands = 0; commands < 100; commands++) {
      const userLine = await c.readLine(3000);
      if (userLine === undefined) return;
      const user = userLine.replace(/^USER /, '');
      if (options.openAccess) {
        afterSuccess.push(c.markAfter());
        await c.send('230 Login successful.\r\n');
        return;
      }
      await c.send('331 Please specify the password.\r\n');
      const password = ((await c.readLine(3000)) ?? '').replace(/^PASS /, '');
      logins.push(`${user}:${password}`);
      if (password === options.dropFirstPass && !dropped) {
        dropped = true;
        c.socket.end();
        return;
      }
      if (user === options.accept[0] && password === options.accept[1]) {
        afterSuccess.push(c.markAfter());
        await c.send('230 Login successful.\r\n');
        return;
      }
      if (options.failDelayMs) await new Promise((resolve) => setTimeout(resolve, options.failDelayMs));
      await c.send('530 Login incorrect.\r\n');
      if (options.maxLoginFails && ++fails >= options.maxLoginFails) {
        c.socket.end();
        return;
      }
    }
  });
  return { peer, afterSuccess, logins };
}

function service(peer: FakePeer): ServiceObservation {
  return {
    ip: '127.0.0.1',
    port: peer.port,
    protocol: 'ftp',
    status: 'success',
    result: { banner: 'Welcome\n(vsFTPd 2.3.4)', code: 220 },
    durationMs: 1,
    observedAt: '',
  };
}

async function closePeer(peer: FakePeer) {
  await Promise.all(peer.connections.map((connection) => connection.closed));
  await peer.close();
}

const entries = [
  entry('f1', 'admin', 'admin'),
  entry('f2', 'root', 'root'),
  entry('f3', 'admin', '1234'),
  entry('f4', 'ftp', 'ftp'),
  entry('f5', 'user', 'user'),
];

test('230 after PASS is accepted; nothing (not even QUIT) is sent after it', async () => {
  const { peer, afterSuccess, logins } = await ftpServer({ accept: ['admin', '1234'] });
  const audit: CredentialAttempt[] = [];
  const outcome = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 10, audit: (attempt) => audit.push(attempt) });
  await closePeer(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.accepted?.id, 'f3');
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(logins, ['admin:admin', 'root:root', 'admin:1234']);
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['f1', 'rejected'],
      ['f2', 'rejected'],
      ['f3', 'accepted'],
    ],
  );
  assert.equal(afterSuccess[0]().length, 0);
});

test('reconnects after the server hangs up; the cap holds across connections', async () => {
  const { peer, logins } = await ftpServer({ accept: ['user', 'user'], maxLoginFails: 2 });
  const found = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 10, audit: () => undefined });
  assert.equal(found.accepted?.id, 'f5');
  assert.equal(found.attempts, 5);
  assert.equal(found.evidence.connections, 3);
  assert.equal(logins.length, 5);

  const audit: CredentialAttempt[] = [];
  const capped = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 3, audit: (attempt) => audit.push(attempt) });
  await closePeer(peer);
  assert.equal(capped.status, 'success');
  assert.equal(capped.accepted, undefined);
  assert.equal(capped.attempts, 3);
  assert.deepEqual(
    audit.map((attempt) => attempt.dictionaryEntryId),
    ['f1', 'f2', 'f3'],
  );
});

test('230 straight after USER is not a weak-credential finding', async () => {
  const { peer, afterSuccess } = await ftpServer({ accept: ['x', 'y'], openAccess: true });
  const outcome = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 10, audit: () => undefined });
  await closePeer(peer);
  assert.equal(outcome.accepted, undefined);
  assert.equal(outcome.noAuthentication, undefined);
  assert.equal(outcome.evidence.loginWithoutPassword, true);
  assert.equal(outcome.attempts, 1);
  assert.equal(afterSuccess[0]().length, 0);
});

test('hostile: a server that stalls after USER ends with a failure status', async () => {
  const peer = await startPeer(async (c) => {
    await c.send('220 ready\r\n');
  });
  const audit: CredentialAttempt[] = [];
  const outcome = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 3, audit: (attempt) => audit.push(attempt) });
  await peer.close();
  assert.equal(outcome.status, 'io-timeout');
  assert.equal(outcome.accepted, undefined);
  assert.equal(outcome.evidence.connections, 2, 'USER is asked once more on a new connection');
  assert.equal(audit.length, 0, 'USER was never answered, so nothing was tried');
});

test('hostile: a server that hangs up on every USER is left after asking twice', async () => {
  const peer = await startPeer(async (c) => {
    await c.send('220 ready\r\n');
    await c.readLine(1000);
    c.socket.end();
  });
  const outcome = await ftpChecker.check(ctx, service(peer), entries, {
    timing: fastLoginTiming,
    maxAttempts: 3,
    audit: () => assert.fail('no attempt expected'),
  });
  await peer.close();
  assert.equal(outcome.status, 'protocol-error');
  assert.equal(outcome.evidence.connections, 2);
  assert.equal(peer.connections.length, 2);
});

test('421 greeting every time: backoff until the backoffs are used up, then a protocol error without attempts', async () => {
  const peer = await startPeer((c) => c.send('421 Too many connections\r\n'));
  const outcome = await ftpChecker.check(ctx, service(peer), entries, {
    timing: fastLoginTiming,
    maxAttempts: 3,
    audit: () => assert.fail('no attempt expected'),
  });
  await peer.close();
  assert.equal(outcome.status, 'protocol-error');
  assert.equal(outcome.attempts, 0);
  assert.equal(outcome.pace?.backoffs, fastLoginTiming.maxBackoffs);
  assert.equal(peer.connections.length, fastLoginTiming.maxBackoffs + 1);
});

test('421 "too many connections" once: back off, come back, find the pair', async () => {
  let connection = 0;
  const logins: string[] = [];
  const peer = await startPeer(async (c) => {
    if (++connection === 1) return void (await c.send('421 There are too many connections from your internet address.\r\n'));
    await c.send('220 (vsFTPd 3.0.3)\r\n');
    for (let round = 0; round < 10; round++) {
      const userLine = await c.readLine(2000);
      if (userLine === undefined) return;
      const user = userLine.replace(/^USER /, '');
      await c.send('331 Please specify the password.\r\n');
      const password = ((await c.readLine(2000)) ?? '').replace(/^PASS /, '');
      logins.push(`${user}:${password}`);
      await c.send(user === 'root' && password === 'root' ? '230 Login successful.\r\n' : '530 Login incorrect.\r\n');
    }
  });
  const outcome = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 10, audit: () => undefined });
  await closePeer(peer);
  assert.equal(outcome.accepted?.id, 'f2');
  assert.deepEqual(outcome.pace, { connections: 2, maxTriesPerConnection: 2, retries: 0, backoffs: 1 });
  assert.deepEqual(logins, ['admin:admin', 'root:root']);
});

test('a refusal slower than the io timeout is a refusal; three tries on one connection, as vsftpd allows', async () => {
  const shortIo = createLoopbackContext({ ioTimeoutMs: 300, deadlineMs: 20_000 });
  const { peer, logins } = await ftpServer({ accept: ['user', 'user'], maxLoginFails: 3, failDelayMs: 600 });
  const audit: CredentialAttempt[] = [];
  const outcome = await ftpChecker.check(shortIo, service(peer), entries, {
    timing: { ...fastLoginTiming, answerWaitMs: 1500, connectionDeadlineMs: 15_000 },
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await closePeer(peer);
  assert.equal(outcome.accepted?.id, 'f5', outcome.error);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected', 'rejected', 'rejected', 'accepted'],
  );
  assert.equal(logins.length, 5);
  assert.deepEqual(outcome.pace, { connections: 2, maxTriesPerConnection: 3, retries: 0, backoffs: 0 });
});

test('a PASS the server drops is tried once more on a new connection', async () => {
  const { peer, logins } = await ftpServer({ accept: ['admin', '1234'], dropFirstPass: '1234' });
  const audit: CredentialAttempt[] = [];
  const outcome = await ftpChecker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 10, audit: (attempt) => audit.push(attempt) });
  await closePeer(peer);
  assert.equal(outcome.accepted?.id, 'f3');
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['f1', 'rejected'],
      ['f2', 'rejected'],
      ['f3', 'error'],
      ['f3', 'accepted'],
    ],
  );
  assert.deepEqual(logins, ['admin:admin', 'root:root', 'admin:1234', 'admin:1234']);
  assert.equal(outcome.pace?.retries, 1);
});

test('a greeting followed by garbage instead of a reply to USER is a protocol error, not an unknown one', async () => {
  // Found by the hostile matrix (test/hostile-credentials.test.ts): a drip of "A"s after "220" was `unknown-error`.
  const peer = await startPeer(async (connection: PeerConnection) => {
    await connection.send('220 Welcome\r\n');
    await connection.readLine(2000);
    await connection.send('AAAA\r\n');
  }, '127.169.20.1');
  const outcome = await ftpChecker.check(ctx, { ...service(peer), ip: '127.169.20.1' }, entries, {
    timing: fastLoginTiming,
    maxAttempts: 3,
    audit: () => undefined,
  });
  await closePeer(peer);
  assert.equal(outcome.status, 'protocol-error');
  assert.match(outcome.error ?? '', /not an FTP reply/);
});
