import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeHello, helloComplete, looksLikeFox, parseHello } from './codec.ts';

const reply = [
  'fox a 0 -1 fox hello',
  '{',
  'fox.version=s:1.0',
  'id=i:262',
  'hostName=s:jace-boiler',
  'app.name=s:Station',
  'app.version=s:4.10.1.36',
  'sysInfo=o:bog 61[<bog v="1.0"/>]',
  'brandId=s:vykon',
  'brandId=s:second',
  'hostId=s:Qnx-TITAN-0000-1F2A-33C1',
  'station.name=s:Boiler\u0001House',
  '};;',
  '',
].join('\n');

test('our hello: a version, a message id and our name — no credentials', () => {
  const text = encodeHello().toString('latin1');
  assert.equal(text, 'fox a 0 -1 fox hello\n{\nfox.version=s:1.0\nid=i:1\napp.name=s:opennotice\n};;\n');
  assert.doesNotMatch(text, /user|pass|auth/i);
});

test('a station hello: fields by name, objects skipped, first value of a repeated name kept, control bytes replaced', () => {
  const hello = parseHello(Buffer.from(reply, 'latin1'));
  assert.ok(hello);
  assert.equal(hello.complete, true);
  assert.equal(hello.fields.get('brandId'), 'vykon');
  assert.equal(hello.fields.get('app.version'), '4.10.1.36');
  assert.equal(hello.fields.get('id'), '262');
  assert.equal(hello.fields.has('sysInfo'), false);
  assert.equal(hello.fields.get('station.name'), 'Boiler?House');
  assert.equal(helloComplete(Buffer.from(reply)), true);
});

test('hellos cut short, not Fox, or with a wrong block', () => {
  const cut = parseHello(Buffer.from('fox a 0 -1 fox hello\n{\nhostName=s:x\n'));
  assert.deepEqual([cut?.complete, cut?.fields.get('hostName')], [false, 'x']);
  assert.equal(helloComplete(Buffer.from('fox a 0 -1 fox hello\n{\nhostName=s:x\n')), false);
  assert.equal(parseHello(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), undefined);
  assert.equal(parseHello(Buffer.from('fox a 0 -1 fox hello\n[\n};;\n')), undefined);
  const crlf = parseHello(Buffer.from('fox a 1 -1 fox hello\r\n{\r\nos.name=s:QNX\r\n};;\r\n'));
  assert.deepEqual([crlf?.complete, crlf?.fields.get('os.name')], [true, 'QNX']);
});

test('detection: the first line of a Fox hello, whole or still arriving', () => {
  assert.equal(looksLikeFox(Buffer.from('fox a 0 -1 fox hello\n{')), true);
  assert.equal(looksLikeFox(Buffer.from('fox a 0 -1')), true);
  assert.equal(looksLikeFox(Buffer.from('fox b 0 -1 fox hello\n')), false);
  assert.equal(looksLikeFox(Buffer.from('SSH-2.0-dropbear\r\n')), false);
  assert.equal(looksLikeFox(Buffer.alloc(0)), false);
});
