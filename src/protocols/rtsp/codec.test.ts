import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatRtspRequest,
  formatRtspResponse,
  looksLikeRtspReply,
  parseRtspRequest,
  parseRtspResponse,
  partialStatusLine,
  publicMethods,
  rtspUrl,
  type RtspResponse,
} from './codec.ts';
import { parseSdpFacts } from './sdp.ts';

const complete = (text: string | Buffer) => {
  const parsed = parseRtspResponse(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  assert.equal(parsed.state, 'complete', String(text).slice(0, 80));
  return parsed as { state: 'complete'; message: RtspResponse; end: number };
};

test('requests: CSeq, User-Agent, headers in order, no line break smuggled into a header', () => {
  const request = formatRtspRequest({
    method: 'DESCRIBE',
    url: rtspUrl({ ip: '192.0.2.7', port: 554 }, '/'),
    cseq: 2,
    userAgent: 'opennotice (+https://example.org)',
    headers: [
      ['Accept', 'application/sdp'],
      ['Authorization', 'Basic x\r\nSETUP rtsp://x/ RTSP/1.0'],
    ],
  }).toString('latin1');
  assert.equal(
    request,
    'DESCRIBE rtsp://192.0.2.7:554/ RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: opennotice (+https://example.org)\r\nAccept: application/sdp\r\nAuthorization: Basic x  SETUP rtsp://x/ RTSP/1.0\r\n\r\n',
  );
  assert.equal(rtspUrl({ ip: '2001:db8::1', port: 8554 }, 'live'), 'rtsp://[2001:db8::1]:8554/live');
});

test('responses as cameras write them: reason phrases, bare LF, stray blank lines, repeated and folded headers', () => {
  const dahua = complete('RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\nPublic: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY\r\n\r\n');
  assert.deepEqual([dahua.message.status, dahua.message.reason, dahua.message.version], [200, 'OK', 'RTSP/1.0']);
  assert.equal(dahua.message.headers.server, 'Rtsp Server/3.0');
  assert.equal(dahua.message.reusable, true);
  const hikvision = complete(
    '\r\nRTSP/1.0 401 Unauthorized\nCSeq: 2\nWWW-Authenticate: Digest realm="Hikvision", nonce="78f4", stale="FALSE"\nWWW-Authenticate: Basic realm="/"\nX-Long: one\n  two\n\n',
  );
  assert.equal(hikvision.message.statusLine, 'RTSP/1.0 401 Unauthorized');
  assert.equal(hikvision.message.headers['www-authenticate'], 'Digest realm="Hikvision", nonce="78f4", stale="FALSE", Basic realm="/"');
  assert.equal(hikvision.message.headers['x-long'], 'one two');
  assert.equal(complete('rtsp/1.0 404\r\n\r\n').message.reason, '');
  assert.deepEqual(publicMethods('OPTIONS, DESCRIBE,SETUP , play, , b@d, OPTIONS'), ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY']);
});

test('body by Content-Length; the next message starts at end; no Content-Length means no body', () => {
  const sdp = 'v=0\r\ns=Media Presentation\r\n';
  const two = Buffer.from(`RTSP/1.0 200 OK\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\n\r\n`, 'latin1');
  const first = complete(two);
  assert.equal(first.message.body.toString('latin1'), sdp);
  const second = complete(two.subarray(first.end));
  assert.equal(second.message.status, 401);
  assert.equal(second.end, two.length - first.end);
  assert.equal(complete('RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\nleftover').end, 28);
  assert.equal(parseRtspResponse(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort')).state, 'incomplete');
});

test('bad Content-Length: the head is kept, the body taken as empty, the connection not reused', () => {
  for (const value of ['abc', '-5', '10, 12', '99999999999', '']) {
    const parsed = complete(`RTSP/1.0 401 Unauthorized\r\nContent-Length: ${value}\r\nWWW-Authenticate: Basic realm="cam"\r\n\r\nrest`);
    assert.equal(parsed.message.status, 401, value);
    assert.equal(parsed.message.body.length, 0, value);
    assert.equal(parsed.message.reusable, false, value);
  }
  assert.equal(complete('RTSP/1.0 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc').message.body.toString(), 'abc');
});

test('a body larger than the cap is cut at the cap, and the connection is not reused', () => {
  const parsed = parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\nContent-Length: 500000000\r\n\r\n${'x'.repeat(200)}`), {
    maxHeadBytes: 1024,
    maxHeaders: 8,
    maxBodyBytes: 100,
  });
  assert.equal(parsed.state, 'complete');
  if (parsed.state !== 'complete') return;
  assert.equal(parsed.message.body.length, 100);
  assert.equal(parsed.message.bodyTruncated, true);
  assert.equal(parsed.message.reusable, false);
});

test('huge headers: too long, too many, or a line that never ends are invalid, not waited for', () => {
  const long = Buffer.from(`RTSP/1.0 200 OK\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.deepEqual(parseRtspResponse(long), { state: 'invalid', reason: 'header section too large' });
  const endlessLine = Buffer.from(`RTSP/1.0 200 OK\r\nX-Filler: ${'a'.repeat(20_000)}`);
  assert.deepEqual(parseRtspResponse(endlessLine), { state: 'invalid', reason: 'header section too large' });
  const many = Buffer.from(`RTSP/1.0 200 OK\r\n${Array.from({ length: 70 }, (_, index) => `X-${index}: y\r\n`).join('')}`);
  assert.deepEqual(parseRtspResponse(many), { state: 'invalid', reason: 'too many headers' });
  assert.deepEqual(parseRtspResponse(Buffer.concat([many, Buffer.from('\r\n')])), { state: 'invalid', reason: 'too many headers' });
  assert.equal(parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\n${'X-a: y\r\n'.repeat(60)}`)).state, 'incomplete');
  assert.equal(partialStatusLine(many), 'RTSP/1.0 200 OK');
  assert.equal(partialStatusLine(Buffer.from('RTSP/1.0 200 OK')), undefined);
  assert.equal(partialStatusLine(Buffer.from('HTTP/1.1 200 OK\r\n')), undefined);
});

test('malformed and foreign lines: told apart from incomplete ones', () => {
  assert.equal(parseRtspResponse(Buffer.from('RTS')).state, 'incomplete');
  assert.equal(parseRtspResponse(Buffer.alloc(0)).state, 'incomplete');
  assert.deepEqual(parseRtspResponse(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), { state: 'invalid', reason: 'not an RTSP response' });
  assert.deepEqual(parseRtspResponse(Buffer.from('SSH-2.0-dropbear\r\n')), { state: 'invalid', reason: 'not an RTSP response' });
  assert.equal(parseRtspResponse(Buffer.from('RTSP/1.0 OK 200\r\n\r\n')).state, 'invalid');
  assert.equal(parseRtspResponse(Buffer.from('RTSP/one 200 OK\r\n\r\n')).state, 'invalid');
  // Garbage header lines are skipped, as players skip them.
  assert.deepEqual(complete('RTSP/1.0 200 OK\r\nno colon here\r\n: empty name\r\nb@d name: x\r\nCSeq: 4\r\n\r\n').message.headers, { cseq: '4' });
  assert.equal(looksLikeRtspReply(Buffer.from('\r\nRTSP/1.0 200 OK\r\n')), true);
  assert.equal(looksLikeRtspReply(Buffer.from('RTSP/1.0 4')), false);
  assert.equal(looksLikeRtspReply(Buffer.from('HTTP/1.0 200 OK\r\n')), false);
});

test('requests and responses round-trip through the codec (the lab speaks with it)', () => {
  const bytes = Buffer.concat([
    formatRtspRequest({ method: 'OPTIONS', url: 'rtsp://127.0.0.1:554/', cseq: 1, userAgent: 'ua' }),
    Buffer.from('PLAY rtsp://127.0.0.1:554/ RTSP/1.0\r\nCSeq: 2\r\nContent-Length: 2\r\n\r\nab'),
  ]);
  const first = parseRtspRequest(bytes);
  assert.equal(first.state, 'complete');
  if (first.state !== 'complete') return;
  assert.deepEqual([first.message.method, first.message.url, first.message.headers['user-agent']], ['OPTIONS', 'rtsp://127.0.0.1:554/', 'ua']);
  const second = parseRtspRequest(bytes.subarray(first.end));
  assert.equal(second.state === 'complete' && `${second.message.method} ${second.message.body}`, 'PLAY ab');
  assert.equal(parseRtspRequest(Buffer.from('OPTI')).state, 'incomplete');
  assert.equal(parseRtspRequest(Buffer.from('\x16\x03\x01\x02\x00')).state, 'invalid');
  assert.equal(parseRtspRequest(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')).state, 'invalid');
  const response = formatRtspResponse({ status: 200, reason: 'OK', headers: [['CSeq', '2']], body: 'v=0\r\n' });
  assert.deepEqual(complete(response).message.headers, { cseq: '2', 'content-length': '5' });
});

test('SDP facts: session name and media with encodings, bounded; not SDP is undefined', () => {
  const sdp = [
    'v=0',
    'o=- 1109162014219182 0 IN IP4 0.0.0.0',
    's=Media Presentation',
    'm=video 0 RTP/AVP 96',
    'a=rtpmap:96 H264/90000',
    'm=audio 0 RTP/AVP 8',
    'm=application 0 RTP/AVP 107',
    'a=rtpmap:107 vnd.onvif.metadata/90000',
    's=not the session name',
  ].join('\r\n');
  assert.deepEqual(parseSdpFacts(sdp), { sessionName: 'Media Presentation', media: ['video/H264', 'audio/PCMA', 'application/vnd.onvif.metadata'] });
  assert.deepEqual(parseSdpFacts('v=0\ns=-\nm=video 0 RTP/AVP 97\n'), { media: ['video'] });
  assert.equal(parseSdpFacts('<html>not sdp</html>'), undefined);
  assert.equal(parseSdpFacts(''), undefined);
  const flood = `v=0\r\ns=${'n'.repeat(5000)}\r\n${'m=video 0 RTP/AVP 26\r\n'.repeat(1000)}`;
  const facts = parseSdpFacts(flood);
  assert.equal(facts?.sessionName?.length, 256);
  assert.deepEqual(
    facts?.media,
    Array.from({ length: 8 }, () => 'video/JPEG'),
  );
});

test('fuzz: random and truncated messages never throw and respect the caps', () => {
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const sample = Buffer.from(
    'RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 60\r\nWWW-Authenticate: Digest realm="a", nonce="b"\r\n\r\nv=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n',
  );
  const limits = { maxHeadBytes: 512, maxHeaders: 16, maxBodyBytes: 64 };
  for (let round = 0; round < 400; round++) {
    const truncated = sample.subarray(0, Math.floor(random() * sample.length));
    const noise = Buffer.from(
      Array.from({ length: Math.floor(random() * 300) }, () =>
        random() < 0.3 ? [0x0d, 0x0a, 0x3a, 0x20, 0x3d][Math.floor(random() * 5)] : Math.floor(random() * 256),
      ),
    );
    for (const bytes of [truncated, noise, Buffer.concat([truncated, noise])]) {
      const response = parseRtspResponse(bytes, limits);
      if (response.state === 'complete') {
        assert.ok(response.message.body.length <= 64);
        assert.ok(response.end <= bytes.length);
      }
      parseRtspRequest(bytes, limits);
      partialStatusLine(bytes);
      looksLikeRtspReply(bytes);
      parseSdpFacts(bytes.toString('latin1'));
    }
  }
});
