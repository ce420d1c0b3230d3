import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rtspPersonas } from '../../lab/services/rtsp-personas.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startLabRtspCamera, type LabRtspCamera } from '../../../test/support/lab/rtsp-camera.ts';
import { detectService } from '../detect.ts';
import { startPeer, type FakePeer } from '../fake-peer.test.ts';
import { shippedProtocols } from '../registry.ts';
import { commonStreamPaths } from './grabber.ts';
import rtsp from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000, maxBytes: 128 * 1024 });
const credential = { username: 'admin', password: 'admin' };

async function grab(port: number) {
  return rtsp.grab(ctx, { ip: '127.0.0.1', port });
}

async function grabCamera(camera: LabRtspCamera) {
  try {
    return await grab(camera.port);
  } finally {
    await camera.close();
  }
}

test('rtsp is registered on 554 (and 8554) and recognised by its reply on any port', () => {
  assert.deepEqual([rtsp.defaultPorts, rtsp.otherPorts], [[554], [8554]]);
  const probe = rtsp.detect?.probe;
  assert.ok(probe);
  assert.equal(Buffer.from(probe.request({ ip: '192.0.2.7', port: 10554 })).toString('latin1'), 'OPTIONS rtsp://192.0.2.7:10554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n');
  assert.equal(probe.matches(Buffer.from('RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n')), true);
  assert.equal(probe.matches(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), false);
});

test('a camera on an unusual port is named rtsp by its answer to a probe, even to another protocol’s', async () => {
  const camera = await startLabRtspCamera({ persona: rtspPersonas.hikvision, auth: 'digest', credential });
  try {
    const limits = { bannerWaitMs: 200, briefWaitMs: 100, replyWaitMs: 800, maxProbes: 6, maxBytes: 4096 };
    const found = await detectService(ctx, { ip: '127.0.0.1', port: camera.port }, shippedProtocols, limits);
    assert.deepEqual([found.protocol?.name, found.method, found.status], ['rtsp', 'probe', 'success']);
  } finally {
    await camera.close();
  }
});

test('a Dahua-like camera: Server, methods, Digest realm on "/", over one connection, no credential sent', async () => {
  const camera = await startLabRtspCamera({ persona: rtspPersonas.dahua, auth: 'digest', credential });
  const outcome = await grabCamera(camera);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    statusLine: 'RTSP/1.0 401 Unauthorized',
    status: 401,
    path: '/',
    server: 'Rtsp Server/3.0',
    publicMethods: ['OPTIONS', 'DESCRIBE', 'ANNOUNCE', 'SETUP', 'PLAY', 'RECORD', 'PAUSE', 'TEARDOWN', 'SET_PARAMETER', 'GET_PARAMETER'],
    auth: { scheme: 'digest', realm: 'Login to 5J03E9APAZ4C1D7' },
    authPath: '/',
    wwwAuthenticate: outcome.result.wwwAuthenticate,
  });
  assert.match(String(outcome.result.wwwAuthenticate), /^Digest realm="Login to 5J03E9APAZ4C1D7", nonce="[0-9a-f]{32}"/);
  assert.equal(camera.connections.length, 1);
  assert.deepEqual(camera.requestLines(), ['OPTIONS /', 'DESCRIBE /']);
  const sent = camera.connections[0]!.received().toString('latin1');
  assert.match(
    sent,
    /DESCRIBE rtsp:\/\/127\.0\.0\.1:\d+\/ RTSP\/1\.0\r\nCSeq: 2\r\nUser-Agent: opennotice-test \(\+https:\/\/example\.org\/opennotice-test\)\r\nAccept: application\/sdp\r\n\r\n$/,
  );
  assert.doesNotMatch(sent, /Authorization/i);
  assert.equal(camera.stats().loginAttempts, 0);
});

test('a Hikvision-like camera: no Server header, OPTIONS already wants a login, Basic recorded when offered', async () => {
  const outcome = await grabCamera(await startLabRtspCamera({ persona: rtspPersonas.hikvision, auth: 'basic', credential }));
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.server, undefined);
  assert.equal(outcome.result.publicMethods, undefined);
  assert.deepEqual([outcome.result.status, outcome.result.auth, outcome.result.authPath], [401, { scheme: 'basic', realm: 'Hikvision' }, '/']);
});

test('an open camera: "/" is not found, the common paths are tried in order until one describes the stream', async () => {
  const camera = await startLabRtspCamera({ persona: rtspPersonas.live555, auth: 'none' });
  const outcome = await grabCamera(camera);
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result.sdp, { sessionName: 'Session streamed by "live"', media: ['video/H264', 'audio/PCMA'] });
  assert.deepEqual([outcome.result.status, outcome.result.path, outcome.result.auth], [200, '/live', undefined]);
  assert.equal(outcome.result.server, 'LIVE555 Streaming Media v2016.11.28');
  assert.deepEqual(camera.requestLines(), [
    'OPTIONS /',
    'DESCRIBE /',
    ...commonStreamPaths.slice(0, commonStreamPaths.indexOf('/live') + 1).map((path) => `DESCRIBE ${path}`),
  ]);
  assert.equal(camera.connections.length, 1);
  // The grab stops at the description: nothing a player would send next.
  assert.deepEqual([camera.stats().commandsAfterLogin, camera.stats().bytesAfterLogin], [0, 0]);
});

test('a camera whose stream is on none of the common paths: every one tried once, the last 404 kept', async () => {
  const camera = await startLabRtspCamera({ persona: { ...rtspPersonas.live555, streamPaths: ['/vendor/special'] }, auth: 'none' });
  const outcome = await grabCamera(camera);
  assert.equal(outcome.status, 'success');
  assert.deepEqual([outcome.result.status, outcome.result.path, outcome.result.sdp], [404, commonStreamPaths.at(-1), undefined]);
  assert.equal(camera.requestLines().length, 2 + commonStreamPaths.length);
});

test('hostile: endless headers end with a recorded status and the status line; a status line then silence too', async () => {
  const started = Date.now();
  const endless = await grabCamera(await startLabRtspCamera({ hostile: 'endless-headers' }));
  assert.equal(endless.status, 'protocol-error');
  assert.match(String(endless.error), /too large|too many/);
  assert.deepEqual(endless.result, { statusLine: 'RTSP/1.0 200 OK', status: 200 });
  const silent = await grabCamera(await startLabRtspCamera({ hostile: 'status-then-silence' }));
  assert.equal(silent.status, 'io-timeout');
  assert.deepEqual(silent.result, { statusLine: 'RTSP/1.0 200 OK', status: 200 });
  assert.ok(Date.now() - started < 10_000, 'bounded by the dialer, far below the test timeout');
});

async function grabPeer(peer: FakePeer) {
  try {
    return await grab(peer.port);
  } finally {
    await peer.close();
  }
}

test('a server that closes after every answer is dialed again; tarpits, garbage and HTTP end with a status', async () => {
  let connection = 0;
  const oneShot = await startPeer(async (c) => {
    connection++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cseq = /CSeq: (\d+)/.exec(c.received().toString('latin1'))?.[1] ?? '0';
    const answer =
      connection === 1 ? 'RTSP/1.0 200 OK\r\nPublic: OPTIONS, DESCRIBE\r\n' : 'RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm="NVR"\r\n';
    await c.send(`${answer}CSeq: ${cseq}\r\n\r\n`);
    c.socket.end();
  });
  const outcome = await grabPeer(oneShot);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual([outcome.result.publicMethods, outcome.result.auth], [['OPTIONS', 'DESCRIBE'], { scheme: 'basic', realm: 'NVR' }]);
  assert.equal(connection, 2);
  assert.equal((await grabPeer(await startPeer(() => undefined))).status, 'io-timeout');
  const garbage = await grabPeer(await startPeer((c) => c.send(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0a]))));
  assert.equal(garbage.status, 'protocol-error');
  const http = await grabPeer(await startPeer((c) => c.send('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  assert.deepEqual([http.status, http.error], ['protocol-error', 'not an RTSP response']);
  const refused = await startPeer(() => undefined);
  await refused.close();
  assert.equal((await grab(refused.port)).status, 'connection-refused');
});
