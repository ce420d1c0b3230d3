import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyFraming, buildGetRequest, decodeChunked, isResponseComplete, parseAuthChallenges, parseResponseHead, readBody } from './codec.ts';
import { decodeBodyText, declaredCharset, decodeHtmlEntities, extractTitle, findMetaRefresh, findScriptRedirect, hasPasswordInput } from './html.ts';

const head = (text: string) => {
  const parsed = parseResponseHead(Buffer.from(text, 'latin1'));
  assert.equal(parsed.state, 'complete', text);
  return parsed as Extract<typeof parsed, { state: 'complete' }>;
};

test('request carries Host, User-Agent, Accept and Connection: close, and no header injection', () => {
  const request = buildGetRequest({
    path: '/a?b=1',
    host: '192.0.2.1:8080',
    userAgent: 'opennotice (+https://example.org)',
    headers: { Authorization: 'Basic x\r\nEvil: 1' },
  }).toString('latin1');
  assert.match(request, /^GET \/a\?b=1 HTTP\/1\.1\r\nHost: 192\.0\.2\.1:8080\r\nUser-Agent: opennotice \(\+https:\/\/example\.org\)\r\nAccept: [^\r]+\r\n/);
  assert.match(request, /Authorization: Basic x {2}Evil: 1\r\nConnection: close\r\n\r\n$/);
});

test('status lines as embedded servers write them', () => {
  const samples: Array<[string, number, string, string]> = [
    ['HTTP/1.1 200 OK\r\n\r\n', 200, 'OK', 'HTTP/1.1'],
    ['HTTP/1.0 200\n\n', 200, '', 'HTTP/1.0'],
    ['HTTP/1.1 401 Unauthorized\n\r\n', 401, 'Unauthorized', 'HTTP/1.1'],
    ['\r\nHTTP/1.1 302 Moved Temporarily\r\n\r\n', 302, 'Moved Temporarily', 'HTTP/1.1'],
    ['http/1.1 404 Not Found \r\n\r\n', 404, 'Not Found', 'HTTP/1.1'],
    ['HTTP/1 200 Fine\r\n\r\n', 200, 'Fine', 'HTTP/1'],
  ];
  for (const [text, status, reason, version] of samples) {
    const { head: parsed } = head(text);
    assert.deepEqual([parsed.status, parsed.reason, parsed.version], [status, reason, version], JSON.stringify(text));
  }
  assert.equal(head('HTTP/1.0 200\n\nbody').bodyStart, 14);
});

test('headers: lower-case names, duplicates joined, folding, garbage lines ignored', () => {
  const { head: parsed } = head(
    'HTTP/1.1 200 OK\r\nServer: GoAhead-Webs\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Long: one\r\n  two\r\nthis line is junk\r\nContent-Type:text/html\r\n\r\n',
  );
  assert.deepEqual(parsed.headers, { server: 'GoAhead-Webs', 'set-cookie': 'a=1, b=2', 'x-long': 'one two', 'content-type': 'text/html' });
  assert.equal(parsed.statusLine, 'HTTP/1.1 200 OK');
});

test('interim 100 Continue is skipped; incomplete and invalid heads are told apart', () => {
  assert.equal(head('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n').head.status, 204);
  assert.equal(parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nServer: x')).state, 'incomplete');
  assert.equal(parseResponseHead(Buffer.from('HTT')).state, 'incomplete');
  assert.deepEqual(parseResponseHead(Buffer.from('SSH-2.0-dropbear\r\n')), { state: 'invalid', reason: 'not an HTTP response' });
  assert.equal(parseResponseHead(Buffer.from('HTTP/1.1 abc\r\n\r\n')).state, 'invalid');
  const huge = Buffer.from(`HTTP/1.1 200 OK\r\n${'X-Filler: aaaaaaaaaaaaaaaa\r\n'.repeat(2000)}`);
  assert.deepEqual(parseResponseHead(huge), { state: 'invalid', reason: 'header section too large' });
});

test('body framing and reading: length, chunked, close, none', () => {
  assert.deepEqual(bodyFraming({ status: 200, headers: { 'content-length': '5, 5' } }), { kind: 'length', length: 5 });
  assert.deepEqual(bodyFraming({ status: 200, headers: { 'content-length': '5, 6' } }), { kind: 'close' });
  assert.deepEqual(bodyFraming({ status: 200, headers: { 'transfer-encoding': 'gzip, Chunked', 'content-length': '3' } }), { kind: 'chunked' });
  assert.deepEqual(bodyFraming({ status: 304, headers: { 'content-length': '10' } }), { kind: 'none' });
  assert.deepEqual(readBody({ status: 200, headers: { 'content-length': '5' } }, Buffer.from('hello world'), 100), {
    body: Buffer.from('hello'),
    complete: true,
    truncated: false,
  });
  assert.equal(readBody({ status: 200, headers: { 'content-length': '500' } }, Buffer.from('abc'), 2).truncated, true);
  assert.equal(readBody({ status: 200, headers: {} }, Buffer.from('abc'), 100).complete, false);
});

test('chunked decoding: extensions, bare LF, partial input, malformed sizes, cap', () => {
  assert.deepEqual(decodeChunked(Buffer.from('5;name=x\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: y\r\n\r\n')), {
    body: Buffer.from('hello world'),
    complete: true,
    malformed: false,
  });
  assert.deepEqual(decodeChunked(Buffer.from('3\nabc\n0\n\n')), { body: Buffer.from('abc'), complete: true, malformed: false });
  assert.deepEqual(decodeChunked(Buffer.from('a\r\n01234')), { body: Buffer.from('01234'), complete: false, malformed: false });
  assert.deepEqual(decodeChunked(Buffer.from('3\r\nabc\r\nzz\r\n')), { body: Buffer.from('abc'), complete: false, malformed: true });
  assert.equal(decodeChunked(Buffer.from('10\r\n0123456789abcdef\r\n0\r\n\r\n'), 4).body.toString(), '0123');
});

test('isResponseComplete follows the framing', () => {
  assert.equal(isResponseComplete(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab'), 100), false);
  assert.equal(isResponseComplete(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc'), 100), true);
  assert.equal(isResponseComplete(Buffer.from('HTTP/1.0 200 OK\r\n\r\nabc'), 100), false);
  assert.equal(isResponseComplete(Buffer.from('HTTP/1.0 200 OK\r\n\r\nabc'), 2), true);
  assert.equal(isResponseComplete(Buffer.from('garbage!'), 100), true);
});

test('WWW-Authenticate challenges', () => {
  assert.deepEqual(parseAuthChallenges('Basic realm="IP Camera(12345)"'), [{ scheme: 'basic', params: { realm: 'IP Camera(12345)' } }]);
  assert.deepEqual(parseAuthChallenges('Basic realm=DVR'), [{ scheme: 'basic', params: { realm: 'DVR' } }]);
  assert.deepEqual(
    parseAuthChallenges('Digest realm="Login to 3J0123", qop="auth,auth-int", nonce="a1b2", opaque="", algorithm=MD5, stale=FALSE, Basic realm = "x \\"q\\""'),
    [
      { scheme: 'digest', params: { realm: 'Login to 3J0123', qop: 'auth,auth-int', nonce: 'a1b2', opaque: '', algorithm: 'MD5', stale: 'FALSE' } },
      { scheme: 'basic', params: { realm: 'x "q"' } },
    ],
  );
  assert.deepEqual(parseAuthChallenges('Negotiate abc==, NTLM'), [
    { scheme: 'negotiate', params: { token68: 'abc==' } },
    { scheme: 'ntlm', params: {} },
  ]);
  assert.deepEqual(parseAuthChallenges(''), []);
});

test('HTML: title, entities, charset, login form', () => {
  assert.equal(extractTitle('<html><head><TITLE>\n  NETGEAR&nbsp;Router &amp; more </TITLE>'), 'NETGEAR Router & more');
  assert.equal(extractTitle('<title lang="en">WEB SERVICE'), 'WEB SERVICE');
  assert.equal(extractTitle('<h1>no title</h1>'), undefined);
  assert.equal(decodeHtmlEntities('&#72;&#x69;&bogus; &#0;'), 'Hi&bogus; &#0;');
  assert.equal(declaredCharset('text/html; charset=GB2312', Buffer.alloc(0)), 'gb2312');
  assert.equal(declaredCharset(undefined, Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">')), 'shift_jis');
  assert.equal(decodeBodyText(Buffer.from([0x83, 0x4a, 0x83, 0x81, 0x83, 0x89]), 'shift_jis'), 'カメラ');
  assert.equal(decodeBodyText(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), 'gb2312'), '你好');
  assert.equal(decodeBodyText(Buffer.from([0x61, 0xe9]), undefined), 'aé');
  // A cut in the middle of a UTF-8 character does not turn the page into Latin-1.
  assert.equal(decodeBodyText(Buffer.from('日本').subarray(0, 5), undefined, { truncated: true }), '日');
  assert.equal(hasPasswordInput('<form><input name=p TYPE=Password></form>'), true);
  assert.equal(hasPasswordInput('<input type="text" name="password">'), false);
});

test('client-side redirects', () => {
  assert.equal(findMetaRefresh('<META HTTP-EQUIV="Refresh" CONTENT="0; URL=/login.htm">'), '/login.htm');
  assert.equal(findMetaRefresh('<meta content="1;url=\'/cgi-bin/index.cgi\'" http-equiv=refresh>'), '/cgi-bin/index.cgi');
  assert.equal(findMetaRefresh('<meta http-equiv="refresh" content="30">'), undefined);
  assert.equal(findScriptRedirect('<script>window.location.href="/doc/page/login.asp?_" + new Date().getTime();</script>'), '/doc/page/login.asp?_');
  assert.equal(findScriptRedirect("<script type='text/javascript'>top.location = 'index.html';</script>"), 'index.html');
  assert.equal(findScriptRedirect('<script>location.replace("/web/");</script>'), '/web/');
  assert.equal(findScriptRedirect('<script>if (location.href == "/x") {}</script>'), undefined);
  assert.equal(findScriptRedirect('<p>location.href="/not-in-script"</p>'), undefined);
});

test('fuzz: random and truncated responses never throw', () => {
  let seed = 0x9e3779b9;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const sample = Buffer.from(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nWWW-Authenticate: Digest realm="a", nonce="b"\r\n\r\n4\r\n<tit\r\n6\r\nle>x</\r\n0\r\n\r\n',
  );
  for (let round = 0; round < 400; round++) {
    const truncated = sample.subarray(0, Math.floor(random() * sample.length));
    const noise = Buffer.from(
      Array.from({ length: Math.floor(random() * 300) }, () =>
        random() < 0.3 ? [0x0d, 0x0a, 0x3a, 0x3c, 0x22][Math.floor(random() * 5)] : Math.floor(random() * 256),
      ),
    );
    for (const bytes of [truncated, noise, Buffer.concat([truncated, noise])]) {
      const parsed = parseResponseHead(bytes);
      if (parsed.state === 'complete') {
        const body = readBody(parsed.head, bytes.subarray(parsed.bodyStart), 1024);
        assert.ok(body.body.length <= 1024);
        parseAuthChallenges(parsed.head.headers['www-authenticate'] ?? noise.toString('latin1'));
      }
      isResponseComplete(bytes, 1024);
      decodeChunked(bytes);
      const text = decodeBodyText(bytes, undefined);
      extractTitle(text);
      findMetaRefresh(text);
      findScriptRedirect(text);
      parseAuthChallenges(text);
    }
  }
  assert.ok(true);
});
