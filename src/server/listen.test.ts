// Over a real loopback socket: the listener answers through the same app, streams and
// bounds bodies, and refuses to bind anywhere but loopback unless told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { OpenNoticeError } from '../core/errors.ts';
import { isLoopbackHost, listen, serverLimits, timeoutCheckIntervalMs } from './listen.ts';
import { buildTestApp, createFixture, testPassword } from '../../test/support/server-fixture.ts';

test('a browser round trip over loopback: login page, login post, portal with the session cookie', async () => {
  const fixture = await createFixture();
  const server = await listen(buildTestApp(fixture), { port: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${server.url}/login`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const csrfCookie = page.headers
      .getSetCookie()
      .find((line) => line.startsWith('on_csrf='))!
      .split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, origin: server.url },
      body: new URLSearchParams({ name: fixture.users.alice, password: testPassword, csrf }),
    });
    assert.equal(login.status, 303);
    const session = login.headers
      .getSetCookie()
      .find((line) => line.startsWith('on_session='))!
      .split(';')[0]!;
    const portal = await fetch(`${server.url}/portal/findings`, { headers: { cookie: session } });
    assert.equal(portal.status, 200);
    assert.match(await portal.text(), /192\.0\.2\.10:23\/telnet/);
    const css = await fetch(`${server.url}/assets/site.css`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    await css.arrayBuffer();
  } finally {
    await server.close();
  }
});

test('an oversized body is refused with 413 and the connection closed', async () => {
  const fixture = await createFixture();
  const server = await listen(buildTestApp(fixture), { port: 0 });
  try {
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x'.repeat(200 * 1024),
    });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get('connection'), 'close');
    await response.arrayBuffer();
  } finally {
    await server.close();
  }
});

test('headers beyond the size limit are refused by the listener', async () => {
  const fixture = await createFixture();
  const server = await listen(buildTestApp(fixture), { port: 0 });
  try {
    const { port } = new URL(server.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`));
      let text = '';
      socket.setTimeout(5000, () => {
        socket.destroy();
        reject(new Error('no reply'));
      });
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(reply, /^HTTP\/1\.1 431/);
  } finally {
    await server.close();
  }
});

test("incomplete headers are cut at the header timeout, not at Node's next 30 s check", async () => {
  // The documented 10 s, with the check a second apart: the cut comes within 10 % of it.
  assert.equal(serverLimits.headersTimeoutMs, 10_000);
  assert.ok(timeoutCheckIntervalMs(serverLimits) <= 1_000);
  // The same mechanism at a shortened timeout, so the test takes two seconds, not ten.
  const fixture = await createFixture();
  const headersTimeoutMs = 1_000;
  const server = await listen(buildTestApp(fixture), { port: 0, limits: { headersTimeoutMs, requestTimeoutMs: 3_000 } });
  try {
    const { port } = new URL(server.url);
    const started = Date.now();
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      let text = '';
      // Generous: Node's default check (30 s) would be far past this.
      socket.setTimeout(8_000, () => {
        socket.destroy();
        reject(new Error('the server kept the half-sent request open'));
      });
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    const elapsed = Date.now() - started;
    assert.match(reply, /^HTTP\/1\.1 408/);
    assert.ok(elapsed >= headersTimeoutMs * 0.9 && elapsed < headersTimeoutMs * 4, `cut after ${elapsed} ms`);
  } finally {
    await server.close();
  }
});

test('only loopback unless explicitly allowed', async () => {
  const fixture = await createFixture();
  const app = buildTestApp(fixture);
  await assert.rejects(
    listen(app, { host: '0.0.0.0', port: 0 }),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'SERVER_FAILED' && /not a loopback address/.test(error.message),
  );
  await assert.rejects(listen(app, { host: '192.0.2.1', port: 0 }), /not a loopback address/);
  assert.equal(isLoopbackHost('127.3.4.5'), true);
  assert.equal(isLoopbackHost('::1'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('::'), false);
  assert.equal(isLoopbackHost('127.0.0.1.example'), false);
});
