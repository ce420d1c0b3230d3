import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialAttempt, ServiceObservation } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { fastLoginTiming } from '../../../test/support/login-timing.ts';
import { startPeer, type FakePeer, type PeerConnection } from '../fake-peer.test.ts';
import { startHostileTcpPeer } from '../../../test/support/hostile-peers.ts';
import { DO, IAC, WILL } from './codec.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import { loadDictionary } from '../../assess/credentials/dictionary.ts';
import { orderEntries } from '../../assess/credentials/order.ts';
import { createTelnetChecker } from './credentials.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 4000, maxBytes: 64 * 1024 });
const checker = createTelnetChecker({ quietMs: 150, settleMs: 50, responseQuietMs: 200 });

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

interface DeviceOptions {
  accept: Array<[string, string]>;
  /** Hang up after this many failed logins on one connection. */
  failuresBeforeClose?: number;
  passwordOnly?: boolean;
  /** Never answer after the user name (a tarpit mid-login). */
  stallAfterUser?: boolean;
  /** Wait this long before "Login incorrect" (login(1) with PAM: 3 s). */
  failDelayMs?: number;
  /** Hang up without a word the first time this password arrives (a dropped try). */
  dropFirst?: string;
  /** Never answer this password (a try that times out). */
  stallOn?: string;
  /** Hang up at once on these connections, counted from 1 (a device with too many connections). */
  busyConnections?: number[];
}

/** A busybox-like telnetd + login. Records what arrives after each successful login. */
async function telnetDevice(options: DeviceOptions) {
  const afterSuccess: Array<() => Buffer> = [];
  const passwordsSeen: string[] = [];
  let accepted = 0;
  let dropped = false;
  const peer = await startPeer(async (c: PeerConnection) => {
    if (options.busyConnections?.includes(++accepted)) {
      c.socket.end();
      return;
    }
    await c.send(Buffer.from([IAC, DO, 24, IAC, WILL, 1, IAC, WILL, 3]));
    await c.send('\r\nACME Cam v2 (Linux 2.6.18)\r\n');
    let failures = 0;
    for (let round = 0; round < 50; round++) {
      let user = '';
      if (!options.passwordOnly) {
        await c.send('acme login: ');
        user = (await c.readLine(3000)) ?? '';
        if (options.stallAfterUser) return;
      }
      await c.send('Password: ');
      const password = await c.readLine(3000);
      if (password === undefined) return;
      passwordsSeen.push(password);
      if (password === options.dropFirst && !dropped) {
        dropped = true;
        c.socket.end();
        return;
      }
      if (password === options.stallOn) return void (await c.closed);
      if (options.accept.some(([u, p]) => (options.passwordOnly || u === user) && p === password)) {
        // Negotiation and the prompt in one write: answering it would be sending after success.
        afterSuccess.push(c.markAfter());
        await c.send(Buffer.concat([Buffer.from('\r\n\r\nBusyBox v1.12.1 built-in shell (ash)\r\n'), Buffer.from([IAC, DO, 31]), Buffer.from('~ # ')]));
        return;
      }
      await c.send('\r\n');
      if (options.failDelayMs) await new Promise((resolve) => setTimeout(resolve, options.failDelayMs));
      await c.send('Login incorrect\r\n');
      failures++;
      if (options.failuresBeforeClose && failures >= options.failuresBeforeClose) {
        c.socket.end();
        return;
      }
    }
  });
  return { peer, afterSuccess, passwordsSeen };
}

function service(peer: FakePeer, promptKind = 'login'): ServiceObservation {
  return {
    ip: '127.0.0.1',
    port: peer.port,
    protocol: 'telnet',
    status: 'success',
    result: { banner: '', prompt: 'login:', promptKind, negotiation: {} },
    durationMs: 1,
    observedAt: new Date().toISOString(),
  };
}

async function settle(peer: FakePeer) {
  await Promise.all(peer.connections.map((connection) => connection.closed));
  await peer.close();
}

test('stops at the first success, sends nothing after it, audits every attempt', async () => {
  const { peer, afterSuccess, passwordsSeen } = await telnetDevice({ accept: [['admin', 'admin']] });
  const entries = [entry('t1', 'root', 'root'), entry('t2', 'admin', '1234'), entry('t3', 'admin', 'admin'), entry('t4', 'root', 'vizxv')];
  const audit: CredentialAttempt[] = [];
  const outcome = await checker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 10, audit: (attempt) => audit.push(attempt) });
  await settle(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.accepted?.id, 't3');
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['t1', 'rejected'],
      ['t2', 'rejected'],
      ['t3', 'accepted'],
    ],
  );
  assert.ok(audit.every((attempt) => attempt.ip === '127.0.0.1' && attempt.port === peer.port && attempt.protocol === 'telnet'));
  assert.ok(!JSON.stringify(audit).includes('"admin","password"'));
  assert.deepEqual(passwordsSeen, ['root', '1234', 'admin']);
  assert.equal(afterSuccess.length, 1);
  assert.equal(afterSuccess[0]().length, 0, 'not one byte after the shell prompt');
  assert.equal(outcome.evidence.shellPrompt, '~ #');
  assert.equal(outcome.evidence.connections, 1);
});

test('reconnects when the device hangs up after failures; the cap holds across connections', async () => {
  const { peer } = await telnetDevice({ accept: [['root', 'xc3511']], failuresBeforeClose: 2 });
  const entries = ['a', 'b', 'c', 'd', 'e'].map((id) => entry(id, 'root', `wrong-${id}`)).concat([entry('f', 'root', 'xc3511')]);
  const audit: CredentialAttempt[] = [];
  const found = await checker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 6, audit: (attempt) => audit.push(attempt) });
  assert.equal(found.accepted?.id, 'f');
  assert.equal(found.attempts, 6);
  assert.equal(found.evidence.connections, 3);
  assert.equal(audit.length, 6);

  const capped: CredentialAttempt[] = [];
  const limited = await checker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 3, audit: (attempt) => capped.push(attempt) });
  await settle(peer);
  assert.equal(limited.status, 'success');
  assert.equal(limited.accepted, undefined);
  assert.equal(limited.attempts, 3);
  assert.deepEqual(
    capped.map((attempt) => attempt.dictionaryEntryId),
    ['a', 'b', 'c'],
  );
  assert.equal(limited.evidence.connections, 2);
});

test('an open shell is reported as no authentication, with nothing sent', async () => {
  const peer = await startPeer((c) => c.send(Buffer.concat([Buffer.from([IAC, WILL, 1]), Buffer.from('\r\nBusyBox v1.01\r\n# ')])));
  const audit: CredentialAttempt[] = [];
  const outcome = await checker.check(ctx, service(peer, 'shell'), [entry('x', 'root', 'root')], {
    timing: fastLoginTiming,
    maxAttempts: 5,
    audit: (attempt) => audit.push(attempt),
  });
  await settle(peer);
  assert.equal(outcome.noAuthentication, true);
  assert.equal(outcome.accepted, undefined);
  assert.equal(outcome.attempts, 0);
  assert.equal(audit.length, 0);
  assert.equal(peer.connections[0].received().length, 0);
});

test('password-only prompt: the same password is not tried twice', async () => {
  const { peer, passwordsSeen } = await telnetDevice({ accept: [['', 'hi3518']], passwordOnly: true });
  const entries = [entry('p1', 'root', 'root'), entry('p2', 'admin', 'root'), entry('p3', 'root', 'hi3518')];
  const outcome = await checker.check(ctx, service(peer, 'password'), entries, { timing: fastLoginTiming, maxAttempts: 5, audit: () => undefined });
  await settle(peer);
  assert.equal(outcome.accepted?.id, 'p3');
  assert.equal(outcome.attempts, 2);
  assert.deepEqual(passwordsSeen, ['root', 'hi3518']);
  assert.equal(outcome.evidence.passwordOnly, true);
});

test('vendor ordering from the shipped dictionary finds the vendor default first', async () => {
  const { peer } = await telnetDevice({ accept: [['root', 'xmhdipc']] });
  const entries = orderEntries(loadDictionary(), { vendor: 'Xiongmai', protocol: 'telnet' });
  const outcome = await checker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 5, audit: () => undefined });
  await settle(peer);
  assert.equal(outcome.accepted?.id, 'on-017');
  assert.equal(outcome.attempts, 2);
});

test('hostile: a device that stalls after the user name ends bounded, with a failure status', async () => {
  const { peer } = await telnetDevice({ accept: [], stallAfterUser: true });
  const audit: CredentialAttempt[] = [];
  const entries = [entry('s1', 'root', 'a'), entry('s2', 'root', 'b'), entry('s3', 'root', 'c')];
  const outcome = await checker.check(ctx, service(peer), entries, { timing: fastLoginTiming, maxAttempts: 2, audit: (attempt) => audit.push(attempt) });
  await settle(peer);
  assert.equal(outcome.attempts, 2);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['no-prompt', 'no-prompt'],
  );
  assert.equal(outcome.status, 'io-timeout');
  assert.equal(outcome.accepted, undefined);
});

test('hostile: no login prompt at all is a failure status without attempts', async () => {
  const peer = await startPeer((c) => c.send(Buffer.from(Array.from({ length: 200 }, (_, index) => index % 7))));
  const outcome = await checker.check(ctx, service(peer), [entry('x', 'root', 'root')], {
    timing: fastLoginTiming,
    maxAttempts: 5,
    audit: () => assert.fail('no attempt expected'),
  });
  await peer.close();
  assert.notEqual(outcome.status, 'success');
  assert.equal(outcome.attempts, 0);
});

test('a fail delay longer than the io timeout is read as a refusal; five tries on one connection as login(1) allows', async () => {
  // The survey's io timeout is 300 ms; the device takes 600 ms to refuse, as PAM's delay does in seconds.
  const shortIo = createLoopbackContext({ ioTimeoutMs: 300, deadlineMs: 20_000 });
  const { peer } = await telnetDevice({ accept: [['root', 'good']], failDelayMs: 600, failuresBeforeClose: 5 });
  const entries = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => entry(id, 'root', `wrong-${id}`)).concat([entry('g', 'root', 'good')]);
  const audit: CredentialAttempt[] = [];
  const timing = { ...fastLoginTiming, answerWaitMs: 1500, connectionDeadlineMs: 15_000 };
  const outcome = await createTelnetChecker({ quietMs: 150, settleMs: 50 }).check(shortIo, service(peer), entries, {
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
    timing,
  });
  await settle(peer);
  assert.equal(outcome.accepted?.id, 'g', outcome.error);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'accepted'],
  );
  assert.deepEqual(outcome.pace, { connections: 2, maxTriesPerConnection: 5, retries: 0, backoffs: 0 });
});

test('a dropped try is tried once more on a new connection, not skipped', async () => {
  const { peer, passwordsSeen } = await telnetDevice({ accept: [['root', 'vizxv']], dropFirst: 'vizxv' });
  const audit: CredentialAttempt[] = [];
  const outcome = await checker.check(ctx, service(peer), [entry('w', 'root', 'nope'), entry('v', 'root', 'vizxv')], {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await settle(peer);
  assert.equal(outcome.accepted?.id, 'v');
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['w', 'rejected'],
      ['v', 'error'],
      ['v', 'accepted'],
    ],
  );
  assert.match(audit[1].detail ?? '', /tried again on a new connection/);
  assert.deepEqual(passwordsSeen, ['nope', 'vizxv', 'vizxv']);
  assert.equal(outcome.pace?.retries, 1);
  assert.equal(outcome.pace?.connections, 2);
});

test('a try that times out twice ends the check with io-timeout: it proves nothing', async () => {
  const { peer } = await telnetDevice({ accept: [], stallOn: 'slow' });
  const audit: CredentialAttempt[] = [];
  const outcome = await checker.check(ctx, service(peer), [entry('a', 'root', 'x'), entry('s', 'root', 'slow'), entry('z', 'root', 'z')], {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await settle(peer);
  assert.equal(outcome.status, 'io-timeout');
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['a', 'rejected'],
      ['s', 'error'],
      ['s', 'error'],
    ],
  );
});

test('a device that hangs up at once (too many connections) is met with backoff, then checked', async () => {
  const { peer } = await telnetDevice({ accept: [['admin', 'admin']], busyConnections: [1, 2] });
  const started = performance.now();
  const outcome = await checker.check(ctx, service(peer), [entry('a', 'admin', 'admin')], { timing: fastLoginTiming, maxAttempts: 5, audit: () => undefined });
  await settle(peer);
  assert.equal(outcome.accepted?.id, 'a');
  assert.equal(outcome.pace?.backoffs, 2);
  assert.equal(outcome.pace?.connections, 3);
  // 50 ms, then 100 ms: the backoff doubles.
  assert.ok(performance.now() - started >= 150);

  const { peer: alwaysBusy } = await telnetDevice({ accept: [], busyConnections: [1, 2, 3, 4] });
  const givenUp = await checker.check(ctx, service(alwaysBusy), [entry('a', 'admin', 'admin')], {
    timing: fastLoginTiming,
    maxAttempts: 5,
    audit: () => undefined,
  });
  await settle(alwaysBusy);
  assert.equal(givenUp.status, 'protocol-error');
  assert.equal(givenUp.attempts, 0);
  assert.equal(givenUp.pace?.backoffs, fastLoginTiming.maxBackoffs);
});

test('appliesTo only telnet services that showed a prompt', () => {
  const base = { ip: '127.0.0.1', port: 23, protocol: 'telnet', status: 'success' as const, durationMs: 1, observedAt: '' };
  assert.equal(checker.appliesTo({ ...base, result: { promptKind: 'login' } }), true);
  assert.equal(checker.appliesTo({ ...base, result: { promptKind: 'none' } }), false);
  assert.equal(checker.appliesTo({ ...base, protocol: 'http', result: { promptKind: 'login' } }), false);
  assert.equal(checker.appliesTo({ ...base, status: 'io-timeout', result: { promptKind: 'login' } }), false);
});

test('hostile: a device that drips after the user name is left at the answer wait, not at the login connection deadline', async () => {
  // Found by the hostile matrix (test/hostile-credentials.test.ts): a byte every 200 ms kept the
  // quiet period from ever ending, so each try waited out the connection deadline (45 s in a survey), twice.
  const peer = await startHostileTcpPeer('127.169.20.4', 'drip', { greeting: Buffer.from('login: ') });
  const timing = { answerWaitMs: 400, connectionDeadlineMs: 5000, backoffMs: 10, maxBackoffs: 1 };
  const started = performance.now();
  const entries = orderEntries(loadDictionary(), { vendor: 'Xiongmai', protocol: 'telnet' });
  // The shipped quiet periods (1.5 s), longer than the drip's 200 ms: only a bound on the whole wait ends it.
  const outcome = await createTelnetChecker().check(ctx, { ...service({ port: peer.port } as FakePeer), ip: peer.host }, entries, {
    timing,
    maxAttempts: 3,
    audit: () => undefined,
  });
  const elapsedMs = performance.now() - started;
  await peer.close();
  assert.equal(outcome.accepted, undefined);
  assert.notEqual(outcome.status, 'deadline-exceeded');
  // A few answer waits and margin, well under one 5 s connection deadline.
  assert.ok(elapsedMs < 3500, `${Math.round(elapsedMs)} ms`);
});
