import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adbCommand,
  adbMaxData,
  adbVersion,
  commandName,
  connectMessage,
  decodeMessage,
  encodeMessage,
  formatBanner,
  isAdbReply,
  parseBanner,
} from './codec.ts';

test('CNXN is encoded as adb writes it: little-endian header, byte-sum checksum, inverted magic, "host::\\0"', () => {
  const bytes = connectMessage();
  assert.equal(bytes.length, 24 + 7);
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'CNXN');
  assert.equal(bytes.readUInt32LE(4), adbVersion);
  assert.equal(bytes.readUInt32LE(8), adbMaxData);
  assert.equal(bytes.readUInt32LE(12), 7);
  assert.equal(
    bytes.readUInt32LE(16),
    [...Buffer.from('host::\0')].reduce((sum, byte) => sum + byte, 0),
  );
  assert.equal(bytes.readUInt32LE(20), 0xb1a7b1bc);
  assert.equal(bytes.subarray(24).toString('latin1'), 'host::\0');
});

test('messages decode back, one at a time, waiting for the whole data', () => {
  const auth = encodeMessage({ command: adbCommand.AUTH, arg0: 1, arg1: 0, data: Buffer.alloc(20, 7) });
  const both = Buffer.concat([auth, connectMessage()]);
  const first = decodeMessage(both);
  assert.equal(first.state, 'complete');
  if (first.state !== 'complete') return;
  assert.equal(commandName(first.message.command), 'AUTH');
  assert.equal(first.message.arg0, 1);
  assert.deepEqual(first.message.data, Buffer.alloc(20, 7));
  const second = decodeMessage(both.subarray(first.length));
  assert.equal(second.state === 'complete' && commandName(second.message.command), 'CNXN');
  assert.deepEqual(decodeMessage(auth.subarray(0, 23)), { state: 'incomplete' });
  assert.deepEqual(decodeMessage(auth.subarray(0, 30)), { state: 'incomplete' });
});

test('a bad magic or an implausible data length is refused, not waited for', () => {
  const bad = connectMessage();
  bad.writeUInt32LE(0, 20);
  assert.deepEqual(decodeMessage(bad), { state: 'invalid', reason: 'not an ADB message (bad magic)' });
  const huge = encodeMessage({ command: adbCommand.WRTE, arg0: 1, arg1: 2, data: Buffer.alloc(0) });
  huge.writeUInt32LE(0x7fffffff, 12);
  assert.equal(decodeMessage(huge).state, 'invalid');
  assert.match(String((decodeMessage(huge) as { reason: string }).reason), /WRTE carries 2147483647 bytes/);
  assert.equal(commandName(0x12345678), '0x12345678');
});

test('an ADB reply is recognised by its header; HTTP, SSH and a bad magic are not', () => {
  assert.equal(isAdbReply(encodeMessage({ command: adbCommand.AUTH, arg0: 1, arg1: 0, data: Buffer.alloc(20) }).subarray(0, 24)), true);
  assert.equal(isAdbReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), false);
  assert.equal(isAdbReply(Buffer.from('SSH-2.0-OpenSSH_8.4\r\n')), false);
  const unknown = encodeMessage({ command: 0x41414141, arg0: 0, arg1: 0, data: Buffer.alloc(0) });
  assert.equal(isAdbReply(unknown), false);
  assert.equal(isAdbReply(connectMessage().subarray(0, 20)), false);
});

test('the banner gives system type, properties and features; a serial number in it is dropped', () => {
  const banner = parseBanner(
    Buffer.from('device:0123456789ABCDEF:ro.product.name=p212;ro.product.model=X96mini;ro.product.device=p212;features=cmd,shell_v2,stat_v2\0'),
  );
  assert.deepEqual(banner, {
    systemType: 'device',
    properties: { 'ro.product.name': 'p212', 'ro.product.model': 'X96mini', 'ro.product.device': 'p212' },
    features: ['cmd', 'shell_v2', 'stat_v2'],
  });
  assert.doesNotMatch(JSON.stringify(banner), /0123456789ABCDEF/);
  assert.deepEqual(parseBanner(Buffer.from('recovery::')), { systemType: 'recovery', properties: {}, features: [] });
  assert.deepEqual(parseBanner(Buffer.from('garbage')), { systemType: 'garbage', properties: {}, features: [] });
  const back = { systemType: 'device', properties: { 'ro.product.model': 'M' }, features: ['a', 'b'] };
  assert.deepEqual(parseBanner(Buffer.from(formatBanner(back))), back);
  const many = parseBanner(Buffer.from(`device::${Array.from({ length: 100 }, (_, index) => `k${index}=v;`).join('')}features=${'f,'.repeat(500)}`));
  assert.equal(Object.keys(many.properties).length, 32);
  assert.equal(many.features.length, 64);
});
