import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { readHttpRequest, startPeer, type FakePeer, type PeerConnection } from '../fake-peer.test.ts';
import { createHttpGrabber } from './grabber.ts';

const grabber = createHttpGrabber();
const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 1500, maxBytes: 256 * 1024 });

/** A tiny web server: `routes` maps a request path to the raw response text. */
async function webServer(routes: Record<string, string | ((c: PeerConnection) => Promise<void>)>, host?: string): Promise<FakePeer & { requests: string[] }> {
  const requests: string[] = [];
  const peer = await startPeer(async (c) => {
    const { line } = await readHttpRequest(c);
    const path = line.split(' ')[1] ?? '';
    requests.push(path);
    const route = routes[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
    if (typeof route === 'string') {
      await c.send(route);
      c.socket.end();
    } else await route(c);
  }, host);
  return Object.assign(peer, { requests });
}

async function grabFrom(peer: FakePeer) {
  try {
    return await grabber.grab(ctx, { ip: '127.0.0.1', port: peer.port });
  } finally {
    await peer.close();
  }
}

test('a GoAhead-style page: status, headers, decoded title, body digest, and a polite request', async () => {
  const body = '<html><head><title>IP&nbsp;Camera  Web</title></head><body>hi</body></html>';
  let request: { line: string; headers: Record<string, string> } | undefined;
  const peer = await startPeer(async (c) => {
    request = await readHttpRequest(c);
    await c.send(`HTTP/1.0 200 OK\r\nServer: GoAhead-Webs\r\nContent-Type: text/html\r\nX-A: 1\r\nX-A: 2\r\n\r\n${body}`);
    c.socket.end();
  });
  const outcome = await grabFrom(peer);
  assert.equal(outcome.status, 'success');
  const result = outcome.result;
  assert.equal(result.url, `http://127.0.0.1:${peer.port}/`);
  assert.equal(result.status, 200);
  assert.equal(result.statusLine, 'HTTP/1.0 200 OK');
  assert.deepEqual(result.headers, { server: 'GoAhead-Webs', 'content-type': 'text/html', 'x-a': '1, 2' });
  assert.equal(result.title, 'IP Camera Web');
  assert.equal(result.body, body);
  assert.equal(result.bodyLength, body.length);
  assert.equal(result.bodySha256, createHash('sha256').update(body).digest('hex'));
  assert.equal(result.loginForm, false);
  assert.deepEqual(result.redirects, []);
  assert.equal(result.auth, undefined);
  assert.equal(request?.line, 'GET / HTTP/1.1');
  assert.equal(request?.headers.host, `127.0.0.1:${peer.port}`);
  assert.equal(request?.headers['user-agent'], ctx.userAgent);
  assert.equal(request?.headers.connection, 'close');
});

test('302 to a login page is followed; chunked body; password field means loginForm', async () => {
  const page = '<html><title>Login</title><form><input type="password" name="pwd"></form></html>';
  const chunked = `${page.length.toString(16)}\r\n${page}\r\n0\r\n\r\n`;
  const peer = await webServer({
    '/': 'HTTP/1.1 302 Found\r\nLocation: /login.htm\r\nContent-Length: 0\r\n\r\n',
    '/login.htm': `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`,
  });
  const outcome = await grabFrom(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.url, `http://127.0.0.1:${peer.port}/login.htm`);
  assert.deepEqual(outcome.result.redirects, [`http://127.0.0.1:${peer.port}/login.htm`]);
  assert.equal(outcome.result.body, page);
  assert.equal(outcome.result.loginForm, true);
  assert.deepEqual(peer.requests, ['/', '/login.htm']);
});

test('401 Basic is recorded with realm and the path that asked', async () => {
  const peer = await webServer({
    '/': '<meta http-equiv="refresh" content="0;url=/cgi-bin/admin">'.replace(/^/, 'HTTP/1.0 200 OK\r\n\r\n'),
    '/cgi-bin/admin': 'HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm="TP-LINK Wireless Router"\r\n\r\n<title>401</title>',
  });
  const outcome = await grabFrom(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.status, 401);
  assert.deepEqual(outcome.result.auth, { scheme: 'basic', realm: 'TP-LINK Wireless Router' });
  assert.equal(outcome.result.authPath, '/cgi-bin/admin');
});

test('script redirect is followed once; redirect loops stop', async () => {
  const scripted = await webServer({
    '/': 'HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n<script>window.location.href="/doc/page/login.asp";</script>',
    '/doc/page/login.asp': 'HTTP/1.1 200 OK\r\n\r\n<title>Hikvision</title><script>location.href="/again";</script>',
  });
  const first = await grabFrom(scripted);
  assert.equal(first.result.title, 'Hikvision');
  assert.deepEqual(scripted.requests, ['/', '/doc/page/login.asp'], 'only one client-side hop');

  let port = 0;
  const looping = await webServer({
    '/': 'HTTP/1.1 301 Moved\r\nLocation: /a\r\n\r\n',
    '/a': async (c) => {
      await c.send(`HTTP/1.1 302 Moved\r\nLocation: http://127.0.0.1:${port}/\r\n\r\n`);
      c.socket.end();
    },
  });
  port = looping.port;
  const outcome = await grabFrom(looping);
  assert.equal(outcome.status, 'success');
  assert.deepEqual(looping.requests, ['/', '/a'], 'the way back to / is recognised as a loop');
  assert.equal(outcome.result.status, 302);
  assert.deepEqual(outcome.result.redirects, [`http://127.0.0.1:${port}/a`]);
});

test('at most 3 HTTP redirects are followed', async () => {
  const hop = (to: string) => `HTTP/1.1 302 Found\r\nLocation: ${to}\r\nContent-Length: 0\r\n\r\n`;
  const chain = await webServer({ '/': hop('/1'), '/1': hop('/2'), '/2': hop('/3'), '/3': hop('/4'), '/4': 'HTTP/1.1 200 OK\r\n\r\n' });
  const outcome = await grabFrom(chain);
  assert.deepEqual(chain.requests, ['/', '/1', '/2', '/3']);
  assert.equal(outcome.result.status, 302);
  assert.equal((outcome.result.redirects as string[]).length, 3);
});

test('a redirect to another host goes through ctx.dial: refused outside scope, followed inside', async () => {
  const outside = await webServer({ '/': 'HTTP/1.1 302 Found\r\nLocation: http://192.168.1.1/login.htm\r\n\r\n' });
  const refused = await grabFrom(outside);
  assert.equal(refused.status, 'success');
  assert.equal(refused.result.status, 302);
  assert.deepEqual(refused.result.redirects, ['http://192.168.1.1/login.htm']);

  const other = await webServer({ '/web/': 'HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n<title>Other</title>' }, '127.0.0.2');
  const first = await webServer({ '/': `HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:${other.port}/web/\r\n\r\n` });
  try {
    const followed = await grabFrom(first);
    assert.equal(followed.result.title, 'Other');
    assert.equal(followed.result.url, `http://127.0.0.2:${other.port}/web/`);
  } finally {
    await other.close();
  }
});

test('sloppy server: bare LF, no reason phrase, no length, Latin-1 body', async () => {
  const peer = await webServer({ '/': 'HTTP/1.0 200\nServer: uc-httpd 1.0.0\n\n<TITLE>NETSurveillance WEB</TITLE>caf\xe9' });
  const outcome = await grabFrom(peer);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.statusLine, 'HTTP/1.0 200');
  assert.equal(outcome.result.headers && (outcome.result.headers as Record<string, string>).server, 'uc-httpd 1.0.0');
  assert.equal(outcome.result.title, 'NETSurveillance WEB');
  assert.match(String(outcome.result.body), /café$/);
});

test('hostile peers end with a recorded status', async () => {
  const tarpit = await startPeer(() => undefined);
  assert.equal((await grabFrom(tarpit)).status, 'io-timeout');

  const garbage = await startPeer(async (c) => {
    await c.send(Buffer.from(Array.from({ length: 300 }, (_, index) => (index * 91) % 256)));
    c.socket.end();
  });
  assert.equal((await grabFrom(garbage)).status, 'protocol-error');

  const endlessHeaders = await startPeer(async (c) => {
    await c.send('HTTP/1.1 200 OK\r\n');
    for (let index = 0; index < 100_000 && !c.socket.destroyed; index++) await c.send(`X-Filler-${index}: yes\r\n`);
  });
  const headersOutcome = await grabFrom(endlessHeaders);
  assert.equal(headersOutcome.status, 'protocol-error');
  assert.match(String(headersOutcome.error), /too large/);

  const endlessBody = await startPeer(async (c) => {
    await c.send('HTTP/1.1 200 OK\r\n\r\n');
    for (let index = 0; index < 100_000 && !c.socket.destroyed; index++) await c.send('<p>more</p>'.repeat(100));
  });
  const bodyOutcome = await grabFrom(endlessBody);
  assert.equal(bodyOutcome.status, 'success');
  assert.equal(bodyOutcome.result.bodyLength, 64 * 1024);

  const slow = await startPeer(async (c) => {
    for (const byte of 'HTTP/1.1 200 OK\r\nServer: slow') {
      if (c.socket.destroyed) break;
      await c.send(byte);
      await sleep(100);
    }
  });
  assert.equal((await grabFrom(slow)).status, 'deadline-exceeded');
});
