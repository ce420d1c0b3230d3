import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answers, block2Of, decodeCoap, encodeWellKnownCore, maxCoapMessageBytes } from './codec.ts';
import { describeResponse } from './grabber.ts';
import { parseCoreLinks } from './links.ts';

const token = Buffer.from('a1b2c3d4', 'hex');

/** An ACK 2.05 with Content-Format 40 and optionally Block2, answering message id 0x1234. */
function ack(payload: string, options: Buffer = Buffer.from([0xc1, 0x28])): Buffer {
  return Buffer.concat([Buffer.from([0x64, 0x45, 0x12, 0x34]), token, options, Buffer.from([0xff]), Buffer.from(payload)]);
}

test('the request is a CON GET of /.well-known/core with the message id and token', () => {
  const request = encodeWellKnownCore(0x1234, token);
  assert.equal(request.toString('hex'), `44011234${token.toString('hex')}bb2e77656c6c2d6b6e6f776e04636f7265`);
  const decoded = decodeCoap(request);
  assert.ok(decoded.ok);
  assert.deepEqual(
    decoded.message.options.map((option) => [option.number, option.value.toString()]),
    [
      [11, '.well-known'],
      [11, 'core'],
    ],
  );
  assert.equal(decoded.message.code, '0.01');
  assert.throws(() => encodeWellKnownCore(1, Buffer.alloc(9)));
});

test('a piggy-backed answer decodes and matches; wrong id or token does not', () => {
  const decoded = decodeCoap(ack('</a>'));
  assert.ok(decoded.ok);
  const { message } = decoded;
  assert.equal(message.type, 'ACK');
  assert.equal(message.code, '2.05');
  assert.equal(message.payload.toString(), '</a>');
  assert.ok(answers(message, 0x1234, token));
  assert.ok(!answers(message, 0x1235, token), 'another message id');
  assert.ok(!answers(message, 0x1234, Buffer.from('a1b2c3d5', 'hex')), 'another token');
  const emptyAck = decodeCoap(Buffer.from([0x60, 0x00, 0x12, 0x34]));
  assert.ok(emptyAck.ok && answers(emptyAck.message, 0x1234, token), 'an empty ACK carries no token');
  const separate = decodeCoap(Buffer.concat([Buffer.from([0x44, 0x45, 0x77, 0x77]), token, Buffer.from([0xff, 0x41])]));
  assert.ok(separate.ok && answers(separate.message, 0x1234, token), 'a separate CON response matches by token');
  const echoedRequest = decodeCoap(encodeWellKnownCore(0x1234, token));
  assert.ok(echoedRequest.ok && !answers(echoedRequest.message, 0x1234, token), 'a request reflected back is no answer');
});

test('garbage, truncated and oversized messages are refused with a reason, never thrown', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(0), /shorter/],
    [Buffer.from([0x84, 0x45, 0, 0]), /version 2/],
    [Buffer.from([0x49, 0x45, 0, 0]), /token length 9/],
    [Buffer.from([0x48, 0x45, 0, 0, 1, 2]), /truncated token/],
    [Buffer.from([0x60, 0x45, 0x12, 0x34, 0xff]), /payload marker without/],
    [Buffer.from([0x60, 0x45, 0x12, 0x34, 0xd1]), /bad option delta/],
    [Buffer.from([0x60, 0x45, 0x12, 0x34, 0xf1, 0x00]), /bad option delta/],
    [Buffer.from([0x60, 0x45, 0x12, 0x34, 0x15, 0x00]), /truncated option value/],
    [Buffer.from([0x60, 0x00, 0x12, 0x34, 0x00]), /empty message/],
    [Buffer.alloc(maxCoapMessageBytes + 1, 0x40), /larger than/],
    [Buffer.concat([Buffer.from([0x60, 0x45, 0x12, 0x34]), Buffer.alloc(65, 0x00)]), /more than 64 options/],
  ];
  for (const [bytes, reason] of cases) {
    const decoded = decodeCoap(bytes);
    assert.ok(!decoded.ok, bytes.toString('hex').slice(0, 40));
    assert.match(decoded.reason, reason);
  }
  for (let seed = 0; seed < 300; seed++) {
    const random = Buffer.from(Array.from({ length: seed % 40 }, (_, index) => (seed * 31 + index * 17) & 0xff));
    assert.doesNotThrow(() => decodeCoap(random));
  }
});

test('extended option deltas and Block2 are read', () => {
  // Block2 (23): delta 23 - 12 = 11 after Content-Format; value 0x0e = num 0, more, szx 6 (1024).
  const decoded = decodeCoap(ack('</a>', Buffer.from([0xc1, 0x28, 0xb1, 0x0e])));
  assert.ok(decoded.ok);
  assert.deepEqual(block2Of(decoded.message), { num: 0, more: true, size: 1024 });
  // Size2 (28) through a one-byte extended delta: 13 + 15.
  const extended = decodeCoap(Buffer.concat([Buffer.from([0x60, 0x45, 0, 1, 0xd2, 15, 0x04, 0x00])]));
  assert.ok(extended.ok);
  assert.deepEqual(extended.message.options[0], { number: 28, value: Buffer.from([0x04, 0x00]) });
});

test('the link format: targets, quoted parameters with commas and semicolons, bare flags', () => {
  const links = parseCoreLinks('</>;title="General Info";ct=0,</time>;if="clock";rt="ticks";title="a, b; c";ct=0;obs, </x,y>;rt="oic.r.a oic.r.b",junk,<>');
  assert.deepEqual(links, [
    { target: '/', params: { title: 'General Info', ct: '0' } },
    { target: '/time', params: { if: 'clock', rt: 'ticks', title: 'a, b; c', ct: '0', obs: '' } },
    { target: '/x,y', params: { rt: 'oic.r.a oic.r.b' } },
  ]);
  const many = parseCoreLinks(Array.from({ length: 1000 }, (_, index) => `</r${index}>`).join(','));
  assert.equal(many.length, 128);
  assert.doesNotThrow(() => parseCoreLinks('<<<"""\\;;;,,,>>>'.repeat(100)));
});

test('a response is described: resources, distinct types split at spaces, titles; an error code has none', () => {
  const decoded = decodeCoap(ack('</>;title="General Info",</s>;rt="temp oic.r.s";title="General Info"'));
  assert.ok(decoded.ok);
  assert.deepEqual(describeResponse(decoded.message), {
    messageType: 'ACK',
    code: '2.05',
    contentFormat: 40,
    links: '</>;title="General Info",</s>;rt="temp oic.r.s";title="General Info"',
    resources: ['/', '/s'],
    resourceTypes: ['temp', 'oic.r.s'],
    titles: ['General Info'],
  });
  const notFound = decodeCoap(Buffer.concat([Buffer.from([0x64, 0x84, 0x12, 0x34]), token]));
  assert.ok(notFound.ok);
  assert.deepEqual(describeResponse(notFound.message), { messageType: 'ACK', code: '4.04', resources: [], resourceTypes: [], titles: [] });
});

test('a datagram stuffed with long links keeps bounded lists (hostile devices, R4)', () => {
  // Regression: 80 links of 250-character targets, types and titles filled a 64 KiB datagram
  // and kept about 30 K characters of resources in the result.
  const link = (index: number) => `</${'s'.repeat(250)}${index}>;rt="${'t'.repeat(250)}${index}";title="${'x'.repeat(250)}${index}"`;
  const stuffed = ack(Array.from({ length: 80 }, (_, index) => link(index)).join(','));
  assert.ok(stuffed.length <= maxCoapMessageBytes);
  const decoded = decodeCoap(stuffed);
  assert.ok(decoded.ok);
  const described = describeResponse(decoded.message);
  for (const list of [described.resources, described.resourceTypes, described.titles]) {
    assert.ok(list.length > 0);
    assert.ok(list.join('').length <= 4096, `${list.join('').length} characters`);
  }
  assert.ok(JSON.stringify(described).length < 16 * 1024);
});
