import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeField, readVarint } from './codec.ts';
import { connackMeaning, decodeConnack, encodeConnack, looksLikeConnack, parseConnackReply } from './connack.ts';
import { decodeConnackProperties, encodeConnackProperties } from './properties.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('CONNACKs exactly as Debian mosquitto 2.0 sends them', () => {
  // 3.1.1, anonymous or wrong password: "not authorized".
  assert.deepEqual(parseConnackReply(hex('20 02 00 05'), 4), {
    state: 'complete',
    connack: { format: 'v3', sessionPresent: false, returnCode: 5, meaning: 'not-authorized' },
    end: 4,
  });
  assert.deepEqual(parseConnackReply(hex('20 02 00 00'), 4), {
    state: 'complete',
    connack: { format: 'v3', sessionPresent: false, returnCode: 0, meaning: 'accepted' },
    end: 4,
  });
  // MQTT 5, refused: reason 0x87 and an empty property block.
  assert.deepEqual(parseConnackReply(hex('20 03 00 87 00'), 5), {
    state: 'complete',
    connack: { format: 'v5', sessionPresent: false, returnCode: 0x87, meaning: 'not-authorized' },
    end: 5,
  });
  // MQTT 5, accepted: topic alias maximum 10, receive maximum 20.
  const accepted = parseConnackReply(hex('20 09 00 00 06 22 00 0a 21 00 14'), 5);
  assert.equal(accepted.state, 'complete');
  assert.deepEqual(accepted.state === 'complete' && accepted.connack.properties, { topicAliasMaximum: 10, receiveMaximum: 20 });
  // An unknown protocol level: 0x01 in the old format.
  assert.equal(parseConnackReply(hex('20 02 00 01'), 4).state === 'complete' && connackMeaning(1), 'unacceptable-version');
});

test('return and reason codes of both versions, and codes nobody defined', () => {
  const expected: Array<[number, string]> = [
    [0, 'accepted'],
    [1, 'unacceptable-version'],
    [2, 'identifier-rejected'],
    [3, 'server-unavailable'],
    [4, 'bad-credentials'],
    [5, 'not-authorized'],
    [0x84, 'unacceptable-version'],
    [0x86, 'bad-credentials'],
    [0x87, 'not-authorized'],
    [0x88, 'server-unavailable'],
    [0x89, 'server-busy'],
    [0x8a, 'banned'],
    [0x8c, 'bad-authentication-method'],
    [0x9f, 'connection-rate-exceeded'],
    [6, 'unknown'],
    [0x42, 'unknown'],
    [0xff, 'unknown'],
  ];
  for (const [code, meaning] of expected) assert.equal(connackMeaning(code), meaning, `code ${code}`);
  // A v5 broker refusing a 3.1.1 CONNECT in its own format is read, properties and all.
  const refused = parseConnackReply(Buffer.concat([hex('20 0d 00 84 0a 1f'), encodeField('v5 only')]), 4);
  assert.equal(refused.state, 'complete');
  if (refused.state === 'complete') {
    assert.deepEqual([refused.connack.format, refused.connack.meaning, refused.connack.properties?.reasonString], ['v5', 'unacceptable-version', 'v5 only']);
  }
  const present = decodeConnack(hex('01 00'), 4);
  assert.equal(present.state === 'complete' && present.connack.sessionPresent, true);
  // MQTT 3.1 left the first byte unused: any value is read, never as "session present".
  const old = decodeConnack(hex('ff 04'), 3);
  assert.deepEqual(old.state === 'complete' && [old.connack.sessionPresent, old.connack.meaning], [false, 'bad-credentials']);
  // A v5 CONNACK without its property length is read as having none.
  const bare = decodeConnack(hex('00 00'), 5);
  assert.deepEqual(bare.state === 'complete' && [bare.connack.format, bare.connack.properties], ['v5', undefined]);
});

test('malformed CONNACKs are protocol errors, never exceptions', () => {
  const invalid = (text: string, level: 3 | 4 | 5 = 4) => {
    const reply = parseConnackReply(hex(text), level);
    assert.equal(reply.state, 'invalid', text);
    return reply.state === 'invalid' ? reply.reason : '';
  };
  assert.match(invalid('20 01 00'), /CONNACK of 1 bytes/);
  assert.match(invalid('20 00'), /CONNACK of 0 bytes/);
  assert.match(invalid('20 02 02 00'), /reserved CONNACK flags/);
  assert.match(invalid('21 02 00 00'), /expected CONNACK/, 'fixed-header flags must be 0');
  assert.match(invalid('30 02 00 00'), /expected CONNACK, got first byte 0x30/);
  assert.match(invalid('e0 00'), /expected CONNACK/, 'a DISCONNECT instead of a CONNACK');
  assert.match(invalid('20 ff ff ff 7f'), /announces 268435455 bytes/, 'a giant CONNACK');
  assert.match(invalid('20 84 80 04'), /announces 65540 bytes/, 'just over the 64 KiB cap');
  assert.match(invalid('20 ff ff ff ff 01'), /longer than four bytes/);
  assert.match(invalid('20 04 00 00 05 11', 5), /announce 5 bytes, 1 follow/, 'property length past the packet');
  assert.match(invalid('20 05 00 00 01 11 00', 5), /announce 1 bytes, 2 follow/, 'property length short of the packet');
  assert.match(invalid('20 04 00 00 01 01', 5), /property 0x1 not allowed in CONNACK/, 'a PUBLISH-only property');
  assert.match(invalid('20 05 00 00 02 13 00', 5), /0x13 cut short/, 'server keep-alive cut short');
  assert.match(invalid('20 07 00 00 04 1f 00 09 61', 5), /0x1f cut short/, 'a reason string longer than its block');
  assert.match(invalid('20 06 00 00 03 26 00 00', 5), /0x26 cut short/, 'a user property without its value');
  assert.match(invalid('20 04 00 00 ff 7f', 5), /length cut short|announce/, 'property length that is itself cut short');
  assert.deepEqual(parseConnackReply(hex('20 09 00 00 06 22'), 5), { state: 'incomplete' });
});

test('properties: every kind, bounded texts and lists, authentication data skipped, first value kept', () => {
  const properties = {
    sessionExpiryInterval: 3600,
    receiveMaximum: 20,
    maximumQos: 1,
    retainAvailable: false,
    maximumPacketSize: 268435460,
    assignedClientId: 'auto-1',
    topicAliasMaximum: 10,
    reasonString: 'Bad user name or password',
    userProperties: ['vendor=ACME', 'model=Hub-3'],
    wildcardSubscriptionAvailable: true,
    subscriptionIdentifiersAvailable: false,
    sharedSubscriptionAvailable: true,
    serverKeepAlive: 120,
    responseInformation: 'resp/',
    serverReference: 'broker2.example',
    authenticationMethod: 'SCRAM-SHA-1',
  };
  const decoded = parseConnackReply(encodeConnack({ level: 5, sessionPresent: false, returnCode: 0x86, properties }), 5);
  assert.deepEqual(decoded.state === 'complete' && decoded.connack.properties, properties);

  const long = 'x'.repeat(1000);
  const pairs = Array.from({ length: 40 }, (_, index) => `k${index}=v`);
  const block = encodeConnackProperties({ reasonString: long, userProperties: pairs });
  const blockLength = readVarint(block, 0);
  const bounded = decodeConnackProperties(block.subarray(blockLength.state === 'complete' ? blockLength.length : 0));
  assert.equal(bounded.state, 'complete');
  if (bounded.state === 'complete') {
    assert.equal(bounded.properties.reasonString?.length, 256);
    assert.equal(bounded.properties.userProperties?.length, 16);
  }
  const withData = Buffer.concat([hex('16'), encodeField(Buffer.alloc(40, 7)), hex('13 00 3c 13 00 05')]);
  assert.deepEqual(decodeConnackProperties(withData), { state: 'complete', properties: { serverKeepAlive: 60 } });
});

test('detection: a CONNACK, or its start, is MQTT; banners and other protocols are not', () => {
  assert.ok(looksLikeConnack(hex('20 02 00 00')));
  assert.ok(looksLikeConnack(hex('20 02 00 05')));
  assert.ok(looksLikeConnack(hex('20 03 00 87 00')));
  assert.ok(looksLikeConnack(hex('20 09 00 00 06 22 00 0a')), 'the start of a v5 CONNACK');
  assert.ok(looksLikeConnack(hex('20 02')), 'the fixed header alone');
  assert.ok(!looksLikeConnack(hex('20')));
  assert.ok(!looksLikeConnack(Buffer.alloc(0)));
  assert.ok(!looksLikeConnack(Buffer.from('   Welcome to the gateway\r\n')), 'a banner indented with spaces');
  assert.ok(!looksLikeConnack(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')));
  assert.ok(!looksLikeConnack(hex('20 00')), 'remaining length 0');
  assert.ok(!looksLikeConnack(hex('20 ff ff ff 7f')), 'a giant announcement');
  assert.ok(!looksLikeConnack(hex('20 02 02 00')), 'reserved flags');
  assert.ok(!looksLikeConnack(hex('e0 00')));
});

test('fuzz: random and cut CONNACKs never throw; what decodes is within bounds', () => {
  let seed = 99;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = encodeConnack({
    level: 5,
    sessionPresent: true,
    returnCode: 0x86,
    properties: { reasonString: 'no', userProperties: ['a=b'], serverKeepAlive: 9 },
  });
  for (let round = 0; round < 3000; round++) {
    let input: Buffer;
    if (round % 3 === 0) input = sample.subarray(0, Math.floor(random() * (sample.length + 1)));
    else if (round % 3 === 1) {
      input = Buffer.from(sample);
      input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
    } else input = Buffer.from(Array.from({ length: Math.floor(random() * 48) }, () => (random() < 0.3 ? 0x20 : Math.floor(random() * 256))));
    const level = ([3, 4, 5] as const)[round % 3];
    const reply = parseConnackReply(input, level);
    if (reply.state === 'complete') {
      assert.ok(reply.end <= input.length);
      assert.ok(reply.connack.returnCode >= 0 && reply.connack.returnCode <= 255);
      assert.ok((reply.connack.properties?.userProperties?.length ?? 0) <= 16);
    }
    looksLikeConnack(input);
    decodeConnackProperties(input);
  }
});
