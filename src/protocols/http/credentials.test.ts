import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { CredentialAttempt, ServiceObservation } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { fastLoginTiming } from '../../../test/support/login-timing.ts';
import { readHttpRequest, startPeer, type FakePeer } from '../fake-peer.test.ts';
import { parseAuthChallenges } from './codec.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import { digestAuthorization, pickDigestChallenge } from './digest.ts';
import { httpAuthChecker } from './credentials.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 2000, maxBytes: 256 * 1024 });
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
const entries = [entry('h1', 'root', 'root'), entry('h2', 'admin', '1234'), entry('h3', 'admin', 'admin'), entry('h4', 'admin', 'never-tried')];

function service(peer: FakePeer, auth: { scheme: string; realm?: string }, authPath = '/cgi-bin/admin'): ServiceObservation {
  return { ip: '127.0.0.1', port: peer.port, protocol: 'http', status: 'success', result: { status: 401, auth, authPath }, durationMs: 1, observedAt: '' };
}

async function closePeer(peer: FakePeer) {
  await Promise.all(peer.connections.map((connection) => connection.closed));
  await peer.close();
}

test('RFC 7616 §3.9.1 and RFC 2617 §3.5 examples', () => {
  const params = {
    realm: 'http-auth@example.org',
    qop: 'auth, auth-int',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  };
  const request = {
    method: 'GET',
    uri: '/dir/index.html',
    username: 'Mufasa',
    password: 'Circle of Life',
    nonceCount: 1,
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  assert.match(digestAuthorization({ scheme: 'digest', params: { ...params, algorithm: 'MD5' } }, request), /response="8ca523f5e9506fed4657c9700eebdbec"/);
  const sha = digestAuthorization({ scheme: 'digest', params: { ...params, algorithm: 'SHA-256' } }, request);
  assert.match(sha, /response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"/);
  assert.match(sha, /qop=auth, nc=00000001, cnonce="f2\/wE4q74E6zIJEtWaHKaf5wv\/H5QzzpXusqGemxURZJ", opaque="FQhe/);
  const old = { realm: 'testrealm@host.com', qop: 'auth,auth-int', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', opaque: '5ccc069c403ebaf9f0171e9517f40e41' };
  assert.match(
    digestAuthorization({ scheme: 'digest', params: old }, { ...request, password: 'Circle Of Life', cnonce: '0a4f113b' }),
    /response="6629fae49393a05397450978507c4ef1"/,
  );
});

test('the strongest supported Digest challenge is picked', () => {
  const challenges = parseAuthChallenges(
    'Digest realm="a", nonce="1", algorithm=MD5, qop="auth", Digest realm="a", nonce="2", algorithm=SHA-256, qop="auth", Digest realm="a", nonce="3", algorithm=UNKNOWN, Basic realm="a"',
  );
  assert.equal(pickDigestChallenge(challenges)?.params.nonce, '2');
  assert.equal(pickDigestChallenge(parseAuthChallenges('Digest realm="a", nonce="9", qop="auth-conf"')), undefined);
});

test('Basic: stops at the first success, audit for each; a server that closes after each answer gets one connection per try', async () => {
  let requests = 0;
  const peer = await startPeer(async (c) => {
    const { line, headers } = await readHttpRequest(c);
    requests++;
    const ok = line.startsWith('GET /cgi-bin/admin ') && headers.authorization === `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    await c.send(ok ? 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok' : 'HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm="DVR"\r\n\r\n');
    c.socket.end();
  });
  const audit: CredentialAttempt[] = [];
  const outcome = await httpAuthChecker.check(ctx, service(peer, { scheme: 'basic', realm: 'DVR' }), entries, {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await closePeer(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.accepted?.id, 'h3');
  assert.equal(outcome.attempts, 3);
  assert.equal(requests, 3, 'nothing requested after the accepted try');
  assert.equal(peer.connections.length, 3);
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['h1', 'rejected'],
      ['h2', 'rejected'],
      ['h3', 'accepted'],
    ],
  );
  assert.deepEqual(outcome.evidence, { scheme: 'basic', path: '/cgi-bin/admin', realm: 'DVR', connections: 3, responseStatus: 200 });
});

test('Basic: the attempt cap holds; redirects back to the login page are refusals', async () => {
  const peer = await startPeer(async (c) => {
    await readHttpRequest(c);
    await c.send('HTTP/1.1 302 Found\r\nLocation: /login.htm?err=1\r\nContent-Length: 0\r\n\r\n');
    c.socket.end();
  });
  const audit: CredentialAttempt[] = [];
  const outcome = await httpAuthChecker.check(ctx, service(peer, { scheme: 'basic' }), entries, {
    timing: fastLoginTiming,
    maxAttempts: 2,
    audit: (attempt) => audit.push(attempt),
  });
  await closePeer(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.accepted, undefined);
  assert.equal(outcome.attempts, 2);
  // HTTP/1.1 without "Connection: close", then a hang-up: the second try meets the closed
  // connection before any byte and is sent again on a new one, unaudited (it was never read).
  assert.equal(peer.connections.length, 2);
  assert.equal(outcome.pace?.connections, 2);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected'],
  );
});

/** An HTTP/1.1 server that keeps connections alive (lighttpd-like); `busyFirst` answers 503 to the first requests. */
async function keepAliveServer(accept: [string, string], options: { busyFirst?: number } = {}) {
  const requests: Array<{ connection: number; authorization?: string }> = [];
  let connection = 0;
  const peer = await startPeer(async (c) => {
    const mine = ++connection;
    for (let round = 0; round < 50; round++) {
      const { line, headers } = await readHttpRequest(c);
      if (!line) return;
      requests.push({ connection: mine, authorization: headers.authorization });
      if (requests.length <= (options.busyFirst ?? 0)) {
        await c.send('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        c.socket.end();
        return;
      }
      const ok = headers.authorization === `Basic ${Buffer.from(accept.join(':')).toString('base64')}`;
      const body = ok ? 'welcome' : '<h1>401</h1>';
      await c.send(`HTTP/1.1 ${ok ? '200 OK' : '401 Unauthorized\r\nWWW-Authenticate: Basic realm="cam"'}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    }
  });
  return { peer, requests };
}

test('keep-alive: every try on one connection while the server keeps it; nothing after the accepted one', async () => {
  const { peer, requests } = await keepAliveServer(['admin', 'admin']);
  const audit: CredentialAttempt[] = [];
  const outcome = await httpAuthChecker.check(ctx, service(peer, { scheme: 'basic' }), entries, {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await closePeer(peer);
  assert.equal(outcome.accepted?.id, 'h3');
  assert.equal(requests.length, 3, 'nothing requested after the accepted try');
  assert.deepEqual(
    requests.map((request) => request.connection),
    [1, 1, 1],
  );
  assert.deepEqual(outcome.pace, { connections: 1, maxTriesPerConnection: 3, retries: 0, backoffs: 0 });
});

test('503: back off, come back on a new connection, go on', async () => {
  const { peer, requests } = await keepAliveServer(['admin', '1234'], { busyFirst: 1 });
  const audit: CredentialAttempt[] = [];
  const outcome = await httpAuthChecker.check(ctx, service(peer, { scheme: 'basic' }), entries, {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await closePeer(peer);
  assert.equal(outcome.accepted?.id, 'h2');
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['h1', 'error'],
      ['h1', 'rejected'],
      ['h2', 'accepted'],
    ],
  );
  assert.equal(requests.length, 3);
  assert.equal(outcome.pace?.backoffs, 1);
});

/** A Digest server verifying responses independently (MD5, qop=auth); nonces go stale after two uses. */
async function digestServer(user: string, password: string) {
  const realm = 'Login to NVR';
  let nonceSerial = 0;
  let current = `nonce-${nonceSerial}`;
  let uses = 0;
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const challenge = (stale: boolean) => `Digest realm="${realm}", qop="auth", nonce="${current}", opaque="xyz"${stale ? ', stale=TRUE' : ''}`;
  const peer = await startPeer(async (c) => {
    const { line, headers } = await readHttpRequest(c);
    const uri = line.split(' ')[1];
    const auth = headers.authorization ?? '';
    const field = (name: string) => new RegExp(`${name}="?([^",]*)"?`).exec(auth)?.[1] ?? '';
    let reply = `HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ${challenge(false)}\r\nContent-Length: 0\r\n\r\n`;
    if (auth.startsWith('Digest ')) {
      const expected = md5(`${md5(`${user}:${realm}:${password}`)}:${field('nonce')}:${field('nc')}:${field('cnonce')}:auth:${md5(`GET:${uri}`)}`);
      const correct = field('response') === expected && field('username') === user && field('uri') === uri && field('opaque') === 'xyz';
      if (field('nonce') !== current || uses >= 2) {
        current = `nonce-${++nonceSerial}`;
        uses = 0;
        reply = `HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ${challenge(correct)}\r\nContent-Length: 0\r\n\r\n`;
      } else {
        uses++;
        if (correct) reply = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
      }
    }
    await c.send(reply);
    c.socket.end();
  });
  return peer;
}

test('Digest: nonce from a first request, stale nonces renewed, success found', async () => {
  const peer = await digestServer('admin', 'admin');
  const audit: CredentialAttempt[] = [];
  const outcome = await httpAuthChecker.check(ctx, service(peer, { scheme: 'digest', realm: 'Login to NVR' }, '/ISAPI/Security/userCheck'), entries, {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await closePeer(peer);
  assert.equal(outcome.accepted?.id, 'h3');
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected', 'accepted'],
  );
});

test('hostile: a server that stops answering is left after two failures', async () => {
  const peer = await startPeer(() => undefined);
  const audit: CredentialAttempt[] = [];
  const outcome = await httpAuthChecker.check(ctx, service(peer, { scheme: 'basic' }), entries, {
    timing: fastLoginTiming,
    maxAttempts: 10,
    audit: (attempt) => audit.push(attempt),
  });
  await peer.close();
  assert.equal(outcome.status, 'io-timeout');
  assert.equal(outcome.attempts, 2);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['error', 'error'],
  );
});

test('appliesTo needs a Basic or Digest challenge and its path', () => {
  const base = { ip: '127.0.0.1', port: 80, protocol: 'http', status: 'success' as const, durationMs: 1, observedAt: '' };
  assert.equal(httpAuthChecker.appliesTo({ ...base, result: { auth: { scheme: 'basic' }, authPath: '/' } }), true);
  assert.equal(httpAuthChecker.appliesTo({ ...base, result: { auth: { scheme: 'digest' }, authPath: '/x' } }), true);
  assert.equal(httpAuthChecker.appliesTo({ ...base, result: { auth: { scheme: 'negotiate' }, authPath: '/' } }), false);
  assert.equal(httpAuthChecker.appliesTo({ ...base, result: { auth: { scheme: 'basic' } } }), false);
  assert.equal(httpAuthChecker.appliesTo({ ...base, result: { status: 200 } }), false);
});

test('a response that drips in ends at the answer wait, not at the login connection deadline', async () => {
  // Found by the hostile matrix (test/hostile-credentials.test.ts): a byte every 100 ms defeated
  // the io timeout, so each try waited out the connection deadline (45 s in a survey), twice.
  const peer = await startPeer(async (connection) => {
    await connection.send('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\n');
    let open = true;
    void connection.closed.then(() => {
      open = false;
    });
    while (open) {
      await connection.send('X');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, '127.169.20.2');
  const started = performance.now();
  const outcome = await httpAuthChecker.check(ctx, { ...service(peer, { scheme: 'basic' }), ip: '127.169.20.2' }, entries, {
    timing: fastLoginTiming,
    maxAttempts: 3,
    audit: () => undefined,
  });
  const elapsedMs = performance.now() - started;
  await closePeer(peer);
  assert.equal(outcome.accepted, undefined);
  assert.equal(outcome.status, 'io-timeout');
  // Two answer waits (the try and its one retry) and margin, well under one 4 s connection deadline.
  assert.ok(elapsedMs < fastLoginTiming.connectionDeadlineMs - 1000, `${Math.round(elapsedMs)} ms`);
});
