import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeListIdentity, encodeListIdentity, isListIdentityReply } from './codec.ts';
import { cipDeviceTypeNames, enipVendorNames } from './vendors.ts';

/** A ListIdentity reply as a ControlLogix sends it (layout of the ODVA encapsulation specification). */
function reply(options: { name?: string; nameLength?: number; command?: number; status?: number; context?: Buffer } = {}): Buffer {
  const name = Buffer.from(options.name ?? '1756-L61/B LOGIX5561', 'latin1');
  const item = Buffer.alloc(34 + name.length);
  item.writeUInt16LE(1, 0);
  item.writeUInt16BE(2, 2);
  item.writeUInt16BE(44818, 4);
  item.writeUInt16LE(1, 18); // Rockwell
  item.writeUInt16LE(14, 20); // PLC
  item.writeUInt16LE(54, 22);
  item[24] = 20;
  item[25] = 11;
  item.writeUInt16LE(0x0030, 26);
  item.writeUInt32LE(0x00c0ffee, 28);
  item[32] = options.nameLength ?? name.length;
  name.copy(item, 33);
  item[33 + name.length] = 3;
  const data = Buffer.concat([Buffer.from([1, 0, 0x0c, 0, item.length & 0xff, item.length >> 8]), item]);
  const header = Buffer.alloc(24);
  header.writeUInt16LE(options.command ?? 0x63, 0);
  header.writeUInt16LE(data.length, 2);
  header.writeUInt32LE(options.status ?? 0, 8);
  (options.context ?? Buffer.from('0123abcd')).copy(header, 12);
  return Buffer.concat([header, data]);
}

test('the request is the 24-byte header of command 0x63 with our sender context, nothing else', () => {
  const request = encodeListIdentity(Buffer.from('0123abcd'));
  assert.equal(request.toString('hex'), `630000000000000000000000${Buffer.from('0123abcd').toString('hex')}00000000`);
});

test('a ListIdentity reply: every Identity attribute and the echoed context', () => {
  const decoded = decodeListIdentity(reply());
  assert.equal(decoded.state, 'complete');
  assert.ok(decoded.state === 'complete');
  assert.deepEqual(decoded.identity, {
    encapsulationVersion: 1,
    vendorId: 1,
    deviceType: 14,
    productCode: 54,
    revisionMajor: 20,
    revisionMinor: 11,
    status: 0x30,
    serialNumber: 0x00c0ffee,
    productName: '1756-L61/B LOGIX5561',
    state: 3,
  });
  assert.equal(decoded.senderContext.toString(), '0123abcd');
});

test('incomplete until the announced length arrived; other commands, errors and overrunning names are invalid', () => {
  const whole = reply();
  assert.equal(decodeListIdentity(whole.subarray(0, 30)).state, 'incomplete');
  assert.equal(decodeListIdentity(reply({ command: 0x65 })).state, 'invalid');
  assert.equal(decodeListIdentity(reply({ status: 1 })).state, 'invalid');
  assert.equal(decodeListIdentity(reply({ nameLength: 250 })).state, 'invalid');
  const endless = Buffer.from(whole);
  endless.writeUInt16LE(0xffff, 2);
  assert.equal(decodeListIdentity(endless).state, 'invalid', 'a length past the reply cap is refused at once');
  assert.ok(isListIdentityReply(whole));
  assert.ok(!isListIdentityReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')));
});

test('the vendor and device type tables are facts with unique ids and names', () => {
  assert.equal(enipVendorNames.get(1), 'Rockwell Automation/Allen-Bradley');
  assert.equal(cipDeviceTypeNames.get(14), 'Programmable Logic Controller');
  for (const table of [enipVendorNames, cipDeviceTypeNames]) {
    assert.equal(new Set(table.values()).size, table.size);
    for (const [id, name] of table) assert.ok(Number.isInteger(id) && id >= 0 && id <= 0xffff && name.trim() === name && name.length > 0);
  }
});
