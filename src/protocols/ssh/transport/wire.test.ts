import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWireReader, sshBoolean, sshMpint, sshNameList, sshString, sshUint32, SshProtocolError } from './wire.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('mpint encodings of RFC 4251 §5', () => {
  assert.deepEqual(sshMpint(Buffer.alloc(0)), hex('00000000'));
  assert.deepEqual(sshMpint(hex('0000')), hex('00000000'), 'zero is the empty string, whatever its width');
  assert.deepEqual(sshMpint(hex('09a378f9b2e332a7')), hex('00000008 09a378f9b2e332a7'));
  assert.deepEqual(sshMpint(hex('80')), hex('00000002 0080'), 'a set top bit gets a zero byte so the value stays positive');
  assert.deepEqual(sshMpint(hex('000080')), hex('00000002 0080'), 'leading zeros go first');
});

test('strings, booleans, uint32 and name-lists', () => {
  assert.deepEqual(sshString('testing'), hex('00000007 74657374696e67'));
  assert.deepEqual(sshUint32(0x29b7f4aa), hex('29b7f4aa'));
  assert.deepEqual(sshBoolean(true), hex('01'));
  assert.deepEqual(sshNameList([]), hex('00000000'));
  assert.deepEqual(sshNameList(['zlib']), hex('00000004 7a6c6962'));
  assert.deepEqual(sshNameList(['zlib', 'none']), hex('00000009 7a6c69622c6e6f6e65'));
});

test('the reader reads what the encoders wrote, and mpints without leading zeros', () => {
  const reader = createWireReader(
    Buffer.concat([Buffer.from([7]), sshBoolean(false), sshUint32(42), sshString('héllo'), sshNameList(['a', 'b']), sshMpint(hex('0080'))]),
  );
  assert.equal(reader.byte(), 7);
  assert.equal(reader.boolean(), false);
  assert.equal(reader.uint32(), 42);
  assert.equal(reader.text(), 'héllo');
  assert.deepEqual(reader.nameList(), ['a', 'b']);
  assert.deepEqual(reader.mpint(), hex('80'));
  assert.equal(reader.remaining(), 0);
});

test('malformed input is an SshProtocolError, never a RangeError', () => {
  const isProtocolError = (error: unknown) => error instanceof SshProtocolError;
  assert.throws(() => createWireReader(Buffer.alloc(0)).byte(), isProtocolError);
  assert.throws(() => createWireReader(hex('000000')).uint32(), isProtocolError);
  assert.throws(() => createWireReader(hex('ffffffff 00')).bytes(), isProtocolError, 'a length past the end');
  assert.throws(() => createWireReader(hex('00000001 80')).mpint(), /negative mpint/);
  assert.throws(() => createWireReader(hex('00000002 61ff')).nameList(), /non-ASCII/);
});
