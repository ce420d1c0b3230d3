import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyReader, encodeDisconnect, encodeField, encodeFrame, encodeVarint, maxRemainingLength, packetName, parseFrame, readVarint } from './codec.ts';
import { decodeConnect, encodeConnect } from './connect.ts';

const bytes = (...values: number[]) => Buffer.from(values);

test('remaining length: every boundary of the four-byte encoding round-trips', () => {
  const cases: Array<[number, number[]]> = [
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2_097_151, [0xff, 0xff, 0x7f]],
    [2_097_152, [0x80, 0x80, 0x80, 0x01]],
    [maxRemainingLength, [0xff, 0xff, 0xff, 0x7f]],
  ];
  for (const [value, encoded] of cases) {
    assert.deepEqual([...encodeVarint(value)], encoded, `encode ${value}`);
    assert.deepEqual(readVarint(Buffer.from(encoded), 0), { state: 'complete', value, length: encoded.length }, `read ${value}`);
  }
  assert.throws(() => encodeVarint(maxRemainingLength + 1), /out of range/);
  assert.throws(() => encodeVarint(-1), /out of range/);
});

test('remaining length: malformed encodings', () => {
  // A continuation bit on the fourth byte: a fifth byte is never allowed.
  assert.equal(readVarint(bytes(0xff, 0xff, 0xff, 0xff, 0x01), 0).state, 'invalid');
  assert.equal(readVarint(bytes(0x80, 0x80, 0x80, 0x80), 0).state, 'invalid');
  // Cut short: more may come.
  assert.deepEqual(readVarint(bytes(0x80), 0), { state: 'incomplete' });
  assert.deepEqual(readVarint(bytes(0xff, 0xff, 0xff), 0), { state: 'incomplete' });
  assert.deepEqual(readVarint(bytes(), 0), { state: 'incomplete' });
  // Non-minimal, as some brokers write it: read as its value.
  assert.deepEqual(readVarint(bytes(0x82, 0x00), 0), { state: 'complete', value: 2, length: 2 });
});

test('frames: the cap is enforced from the header alone, whatever follows', () => {
  const giant = bytes(0x20, 0xff, 0xff, 0xff, 0x7f); // a CONNACK announcing 256 MiB
  const parsed = parseFrame(giant, 64 * 1024);
  assert.equal(parsed.state, 'invalid');
  assert.match(parsed.state === 'invalid' ? parsed.reason : '', /CONNACK announces 268435455 bytes, more than the 65536 allowed/);
  assert.equal(parseFrame(bytes(0x20, 0x81, 0x80, 0x04), 64 * 1024).state, 'invalid', 'just above the cap');
  assert.equal(parseFrame(bytes(0x20, 0x80, 0x80, 0x04), 64 * 1024).state, 'incomplete', 'exactly the cap: waits for the body');
  assert.equal(parseFrame(bytes(0x20, 0xff, 0xff, 0xff, 0xff, 0x01), 1 << 30).state, 'invalid', 'five length bytes');
  assert.equal(parseFrame(bytes(0x20, 0xff, 0xff), 64).state, 'incomplete', 'length cut short, still under the cap');
  assert.equal(parseFrame(bytes(0x20, 0xff, 0x7f), 64).state, 'invalid', 'two length bytes are enough to say it is too big');
  assert.equal(parseFrame(bytes(0x00, 0x00), 64).state, 'invalid', 'type 0 is reserved');
  assert.deepEqual(parseFrame(bytes(), 64), { state: 'incomplete' });
  assert.deepEqual(parseFrame(bytes(0x20), 64), { state: 'incomplete' });
  assert.deepEqual(parseFrame(bytes(0x20, 0x02, 0x00), 64), { state: 'incomplete' });
  const whole = parseFrame(bytes(0x99, 0x20, 0x02, 0x01, 0x05, 0xaa), 64, 1);
  assert.equal(whole.state, 'complete');
  if (whole.state === 'complete') {
    assert.deepEqual([whole.frame.type, whole.frame.flags, [...whole.frame.body], whole.end], [2, 0, [0x01, 0x05], 5]);
  }
  assert.deepEqual([...encodeFrame(9, 0, Buffer.alloc(200, 1)).subarray(0, 3)], [0x90, 0xc8, 0x01]);
});

test('body reader: never reads past the body, and stays failed', () => {
  const reader = bodyReader(bytes(0x00, 0x05, 0x61, 0x62));
  assert.equal(reader.text(), undefined, 'a field announcing more than is left');
  assert.equal(reader.byte(), undefined, 'failed for good');
  assert.equal(reader.remaining, 0);
  const ok = bodyReader(Buffer.concat([encodeField('héllo'), bytes(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07)]));
  assert.deepEqual([ok.text(), ok.uint16(), ok.uint32(), ok.byte(), ok.remaining], ['héllo', 0x0102, 0x03040506, 0x07, 0]);
  assert.equal(bodyReader(bytes(0xff, 0xff, 0xff, 0xff, 0x01)).varint(), undefined);
  assert.throws(() => encodeField('x'.repeat(70_000)), /longer than 65535/);
});

test('CONNECT: the exact bytes of an anonymous 3.1.1 CONNECT with a clean session', () => {
  const connect = encodeConnect({ level: 4, clientId: 'opennotice0123', keepAliveSeconds: 60 });
  const expected = Buffer.concat([bytes(0x10, 26, 0x00, 0x04), Buffer.from('MQTT'), bytes(0x04, 0x02, 0x00, 0x3c, 0x00, 14), Buffer.from('opennotice0123')]);
  assert.deepEqual(connect, expected);
  assert.equal(packetName(connect[0] >> 4), 'CONNECT');
});

test('CONNECT: user name and password, MQTT 5 (empty properties) and MQTT 3.1 (MQIsdp) as a broker reads them', () => {
  for (const level of [3, 4, 5] as const) {
    const encoded = encodeConnect({ level, clientId: 'opennoticeab', keepAliveSeconds: 30, username: 'admin', password: 'p4ss wörd' });
    const frame = parseFrame(encoded, 1024);
    assert.equal(frame.state, 'complete');
    const decoded = frame.state === 'complete' ? decodeConnect(frame.frame.body) : undefined;
    assert.deepEqual(decoded, {
      state: 'complete',
      connect: {
        protocolName: level === 3 ? 'MQIsdp' : 'MQTT',
        level,
        cleanSession: true,
        keepAliveSeconds: 30,
        hasWill: false,
        clientId: 'opennoticeab',
        username: 'admin',
        password: 'p4ss wörd',
      },
    });
  }
  // An empty password is "no password": user name only, no password flag.
  const userOnly = encodeConnect({ level: 4, clientId: 'c', keepAliveSeconds: 0, username: 'admin', password: '' });
  assert.equal(userOnly[9], 0x82);
  const decoded = decodeConnect(userOnly.subarray(2));
  assert.equal(decoded.state === 'complete' && decoded.connect.password, undefined);
  assert.equal(decoded.state === 'complete' && decoded.connect.username, 'admin');
});

test('CONNECT: what a broker refuses to read', () => {
  const body = (...parts: Buffer[]) => Buffer.concat(parts);
  const head = (level: number, flags: number) => body(encodeField('MQTT'), bytes(level, flags, 0, 60));
  assert.equal(decodeConnect(bytes(0x00)).state, 'invalid');
  assert.equal(decodeConnect(body(encodeField('HTTP'), bytes(4, 2, 0, 60))).state, 'invalid');
  assert.equal(decodeConnect(body(head(4, 0x03), encodeField('c'))).state, 'invalid', 'reserved flag');
  assert.equal(decodeConnect(body(head(4, 0x22), encodeField('c'))).state, 'invalid', 'will retain without a will');
  assert.equal(decodeConnect(head(4, 0x02)).state, 'invalid', 'no client identifier');
  assert.equal(decodeConnect(body(head(4, 0x82), encodeField('c'))).state, 'invalid', 'user name flag, no user name');
  assert.equal(decodeConnect(body(head(4, 0x02), encodeField('c'), bytes(0x01))).state, 'invalid', 'trailing bytes');
  assert.equal(decodeConnect(body(head(5, 0x02), bytes(0x40), encodeField('c'))).state, 'invalid', 'properties longer than the packet');
  const will = decodeConnect(body(head(4, 0x06), encodeField('c'), encodeField('t'), encodeField('bye')));
  assert.equal(will.state === 'complete' && will.connect.hasWill, true);
  // An unknown level is read far enough for the broker to answer "unacceptable protocol version".
  const future = decodeConnect(body(head(6, 0xff)));
  assert.equal(future.state === 'complete' && future.connect.level, 6);
});

test('DISCONNECT is two bytes', () => {
  assert.deepEqual([...encodeDisconnect()], [0xe0, 0x00]);
  assert.equal(packetName(14), 'DISCONNECT');
  assert.equal(packetName(0), 'type 0');
});

test('fuzz: random bytes and cut packets never throw, and never yield a frame past the input or the cap', () => {
  let seed = 4242;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = encodeConnect({ level: 5, clientId: 'opennoticefuzz', keepAliveSeconds: 60, username: 'u', password: 'p' });
  for (let round = 0; round < 2000; round++) {
    const input =
      round % 3 === 0
        ? sample.subarray(0, Math.floor(random() * (sample.length + 1)))
        : Buffer.from(
            Array.from({ length: Math.floor(random() * 64) }, () =>
              random() < 0.3 ? [0x10, 0x20, 0x80, 0xff, 0x00][Math.floor(random() * 5)] : Math.floor(random() * 256),
            ),
          );
    const cap = 1 + Math.floor(random() * 100);
    const frame = parseFrame(input, cap);
    if (frame.state === 'complete') assert.ok(frame.end <= input.length && frame.frame.body.length <= cap);
    decodeConnect(input);
    if (frame.state === 'complete') decodeConnect(frame.frame.body);
  }
});
