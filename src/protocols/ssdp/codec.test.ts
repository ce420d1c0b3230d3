import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descriptionSource, encodeMSearch, maxResponseBytes, parseSearchResponse } from './codec.ts';

test('the M-SEARCH asks for ssdp:all with MX 1 and the discover MAN, nothing more', () => {
  const text = encodeMSearch().toString('latin1');
  assert.equal(text, 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n');
});

test('a search response: headers case-insensitive, the first of a repeat kept, values cleaned', () => {
  const parsed = parseSearchResponse(
    Buffer.from(
      'HTTP/1.1 200 OK\r\nCache-Control: max-age=120\r\nst: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\nEXT:\r\n' +
        'SERVER: Linux/3.4 UPnP/1.0 \x01Kestrix/1.2\r\nServer: second\r\nLocation: http://192.0.2.1:5000/rootDesc.xml\r\n\r\n',
      'latin1',
    ),
  );
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.response.headers, {
    'cache-control': 'max-age=120',
    st: 'upnp:rootdevice',
    usn: 'uuid:1::upnp:rootdevice',
    ext: '',
    server: 'Linux/3.4 UPnP/1.0  Kestrix/1.2',
    location: 'http://192.0.2.1:5000/rootDesc.xml',
  });
  // Bare LF line ends, as some stacks send.
  assert.ok(parseSearchResponse(Buffer.from('HTTP/1.0 200 OK\nST: ssdp:all\n\n')).ok);
});

test('what is not a search response is refused with a reason, never thrown', () => {
  const cases: Array<[string | Buffer, RegExp]> = [
    ['', /status line/],
    ['NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n', /status line/],
    ['M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n', /status line/],
    ['HTTP/1.1 404 Not Found\r\nST: x\r\n\r\n', /status 404/],
    ['HTTP/1.1 200 OK\r\nServer: x\r\n\r\n', /neither ST nor USN/],
    ['HTTP/1.1 200 OK\r\nno colon here\r\nST: x\r\n\r\n', /without a name/],
    ['HTTP/1.1 200 OK\r\nbad name: x\r\n\r\n', /malformed header name/],
    [`HTTP/1.1 200 OK\r\n${'X-A: 1\r\n'.repeat(49)}ST: x\r\n\r\n`, /more than 48 headers/],
    [Buffer.alloc(maxResponseBytes + 1, 0x41), /larger than/],
  ];
  for (const [bytes, reason] of cases) {
    const parsed = parseSearchResponse(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'));
    assert.ok(!parsed.ok, String(bytes).slice(0, 40));
    assert.match(parsed.reason, reason);
  }
  for (let seed = 0; seed < 200; seed++) {
    const random = Buffer.from(Array.from({ length: seed * 3 }, (_, index) => (seed * 131 + index * 7) & 0xff));
    assert.doesNotThrow(() => parseSearchResponse(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), random])));
  }
});

test('only a plain-HTTP LOCATION on the target’s own address may be fetched', () => {
  assert.deepEqual(descriptionSource('http://192.0.2.1:5000/rootDesc.xml?x=1', '192.0.2.1'), {
    ok: true,
    target: { ip: '192.0.2.1', port: 5000 },
    path: '/rootDesc.xml?x=1',
    host: '192.0.2.1:5000',
  });
  assert.deepEqual(descriptionSource('http://192.0.2.1/d.xml', '192.0.2.1'), {
    ok: true,
    target: { ip: '192.0.2.1', port: 80 },
    path: '/d.xml',
    host: '192.0.2.1',
  });
  assert.deepEqual(descriptionSource('http://[2001:DB8::1]:49152/d.xml', '2001:db8::1'), {
    ok: true,
    target: { ip: '2001:db8::1', port: 49152 },
    path: '/d.xml',
    host: '[2001:db8::1]:49152',
  });
  const refused: Array<[string, RegExp]> = [
    ['http://192.168.1.1:5000/rootDesc.xml', /another host/],
    ['http://192.0.2.10/d.xml', /another host/],
    ['http://router.example/d.xml', /another host/],
    ['http://192.0.2.1@198.51.100.7/d.xml', /credentials/],
    ['http://user:pw@192.0.2.1/d.xml', /credentials/],
    ['https://192.0.2.1/d.xml', /not plain HTTP/],
    ['file:///etc/passwd', /not plain HTTP/],
    ['/rootDesc.xml', /not a URL/],
  ];
  for (const [location, reason] of refused) {
    const source = descriptionSource(location, '192.0.2.1');
    assert.ok(!source.ok, location);
    assert.match(source.reason, reason, location);
  }
});
