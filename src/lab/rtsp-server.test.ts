/**
 * The lab's RTSP camera on its own, with a bare client (not the scanner's code): what it
 * answers, how it checks a credential, what it counts after a stream was described, and its
 * hostile variants.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rawConnect, type RawClient } from '../../test/support/lab/raw-client.ts';
import { startLabRtspCamera } from '../../test/support/lab/rtsp-camera.ts';
import { rtspPersonas } from './services/rtsp-personas.ts';

const credential = { username: 'admin', password: 'admin' };
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** Send one request and wait (bounded) for a whole answer: its head, and the body its Content-Length announces. */
async function ask(client: RawClient, lines: string[]): Promise<string> {
  const before = client.received().length;
  client.write(`${lines.join('\r\n')}\r\n\r\n`);
  const all = await client.waitFor((bytes) => {
    const text = bytes.subarray(before).toString('latin1');
    const headEnd = text.indexOf('\r\n\r\n');
    if (headEnd < 0) return false;
    const length = Number(/Content-Length: (\d+)/.exec(text)?.[1] ?? 0);
    return text.length >= headEnd + 4 + length;
  });
  return all.subarray(before).toString('latin1');
}

test('OPTIONS: the persona’s Server header and methods, CSeq echoed; bad requests get 400 and a hang-up', async () => {
  const camera = await startLabRtspCamera({ persona: rtspPersonas.dahua, auth: 'digest', credential });
  const client = await rawConnect('127.0.0.1', camera.port);
  const answer = await ask(client, [`OPTIONS rtsp://127.0.0.1:${camera.port}/ RTSP/1.0`, 'CSeq: 7']);
  assert.match(answer, /^RTSP\/1\.0 200 OK\r\nCSeq: 7\r\nServer: Rtsp Server\/3\.0\r\nPublic: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD/);
  assert.match(await ask(client, [`OPTIONS rtsp://127.0.0.1:${camera.port}/ RTSP/1.0`]), /^RTSP\/1\.0 400 Bad Request/);
  assert.match(await ask(client, ['GET / HTTP/1.1', 'Host: x']), /^RTSP\/1\.0 400 Bad Request/);
  await client.closed();
  await camera.close();
});

test('Digest: refused until the right answer (checked independently), then the description; SETUP and PLAY after it are counted', async () => {
  const camera = await startLabRtspCamera({ persona: rtspPersonas.dahua, auth: 'digest', credential });
  const client = await rawConnect('127.0.0.1', camera.port);
  const url = `rtsp://127.0.0.1:${camera.port}/cam/realmonitor?channel=1&subtype=0`;
  const challenge = await ask(client, [`DESCRIBE ${url} RTSP/1.0`, 'CSeq: 1']);
  const nonce = /nonce="([0-9a-f]+)"/.exec(challenge)?.[1];
  assert.ok(nonce, challenge);
  const realm = 'Login to 5J03E9APAZ4C1D7';
  const answerFor = (password: string) => md5(`${md5(`admin:${realm}:${password}`)}:${nonce}:${md5(`DESCRIBE:${url}`)}`);
  const authorization = (password: string) =>
    `Authorization: Digest username="admin", realm="${realm}", nonce="${nonce}", uri="${url}", response="${answerFor(password)}"`;
  assert.match(await ask(client, [`DESCRIBE ${url} RTSP/1.0`, 'CSeq: 2', authorization('wrong')]), /^RTSP\/1\.0 401 Unauthorized/);
  assert.equal(camera.stats().commandsAfterLogin, 0);
  const described = await ask(client, [`DESCRIBE ${url} RTSP/1.0`, 'CSeq: 3', 'Accept: application/sdp', authorization('admin')]);
  assert.match(described, /^RTSP\/1\.0 200 OK\r\nCSeq: 3\r\nServer: Rtsp Server\/3\.0\r\nContent-Type: application\/sdp\r\n/);
  assert.match(described, /\r\n\r\nv=0\r\n.*s=Media Server\r\n.*m=video 0 RTP\/AVP 96\r\na=rtpmap:96 H264\/90000/s);
  assert.deepEqual([camera.stats().commandsAfterLogin, camera.stats().bytesAfterLogin], [0, 0]);
  const setup = [`SETUP ${url}/trackID=0 RTSP/1.0`, 'CSeq: 4', 'Transport: RTP/AVP;unicast;client_port=5000-5001'];
  // Every request needs its own credential, as on cameras: this one has none, and is counted all the same.
  assert.match(await ask(client, setup), /^RTSP\/1\.0 401 /);
  client.write(`PLAY ${url} RTSP/1.0\r\nCSe`);
  client.close(); // after the bytes: the camera has read them when it sees the connection close
  await camera.close();
  const stats = camera.stats();
  assert.deepEqual([stats.loginAttempts, stats.successfulLogins, stats.failedLogins], [2, 1, 1]);
  assert.equal(stats.commandsAfterLogin, 2, 'SETUP, and the PLAY that was still being sent');
  assert.equal(stats.bytesAfterLogin, `${setup.join('\r\n')}\r\n\r\n`.length + `PLAY ${url} RTSP/1.0\r\nCSe`.length);
});

test('Basic, on a camera that hangs up after two failures; an open camera describes its stream to anyone', async () => {
  const hipcam = await startLabRtspCamera({ persona: rtspPersonas.hipcam, auth: 'basic', credential });
  const client = await rawConnect('127.0.0.1', hipcam.port);
  const url = `rtsp://127.0.0.1:${hipcam.port}/11`;
  const wrong = `Authorization: Basic ${Buffer.from('admin:1234').toString('base64')}`;
  const first = await ask(client, [`DESCRIBE ${url} RTSP/1.0`, 'CSeq: 1', wrong]);
  assert.match(
    first,
    /^RTSP\/1\.0 401 Unauthorized\r\nCSeq: 1\r\nServer: HiIpcam\/V100R003 VodServer\/1\.0\.0\r\nWWW-Authenticate: Basic realm="HipcamRealServer"/,
  );
  await ask(client, [`DESCRIBE ${url} RTSP/1.0`, 'CSeq: 2', wrong]);
  await client.closed();
  const again = await rawConnect('127.0.0.1', hipcam.port);
  const right = `Authorization: Basic ${Buffer.from('admin:admin').toString('base64')}`;
  assert.match(await ask(again, [`DESCRIBE ${url} RTSP/1.0`, 'CSeq: 1', right]), /^RTSP\/1\.0 200 OK/);
  again.close();
  await hipcam.close();
  assert.deepEqual([hipcam.stats().failedLogins, hipcam.stats().successfulLogins], [2, 1]);

  const open = await startLabRtspCamera({ persona: rtspPersonas.live555, auth: 'none' });
  const viewer = await rawConnect('127.0.0.1', open.port);
  assert.match(await ask(viewer, [`DESCRIBE rtsp://127.0.0.1:${open.port}/ RTSP/1.0`, 'CSeq: 1']), /^RTSP\/1\.0 404 Not Found/);
  assert.match(await ask(viewer, [`DESCRIBE rtsp://127.0.0.1:${open.port}/live RTSP/1.0`, 'CSeq: 2']), /^RTSP\/1\.0 200 OK[\s\S]*s=Session streamed by "live"/);
  viewer.close();
  await open.close();
  assert.equal(open.stats().loginAttempts, 0);
});

test('hostile: endless headers after the first request; a status line and then silence', async () => {
  const endless = await startLabRtspCamera({ hostile: 'endless-headers' });
  const client = await rawConnect('127.0.0.1', endless.port, { maxBytes: 512 * 1024 });
  client.write(`OPTIONS rtsp://127.0.0.1:${endless.port}/ RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
  const head = await client.waitFor((bytes) => bytes.length >= 200 * 1024, 20_000);
  assert.ok(head.toString('latin1').startsWith('RTSP/1.0 200 OK\r\nX-Vendor-Info-0: '));
  assert.ok(!head.includes('\r\n\r\n'), 'the header section never ends');
  client.close();
  await endless.close();

  const silent = await startLabRtspCamera({ hostile: 'status-then-silence' });
  const waiting = await rawConnect('127.0.0.1', silent.port);
  assert.equal(waiting.received().length, 0, 'nothing before a request');
  waiting.write(`OPTIONS rtsp://127.0.0.1:${silent.port}/ RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
  await waiting.waitFor((bytes) => bytes.length >= 17);
  waiting.write(`DESCRIBE rtsp://127.0.0.1:${silent.port}/ RTSP/1.0\r\nCSeq: 2\r\n\r\n`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(waiting.received().toString('latin1'), 'RTSP/1.0 200 OK\r\n');
  waiting.close();
  await silent.close();
});
