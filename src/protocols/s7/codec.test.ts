import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCotp, decodeS7, decodeTpkt, encodeConnectionRequest, encodeReadSzl, encodeSetupCommunication, negotiatedPduLength } from './codec.ts';
import { componentIdentification, decodeSzlReply, moduleIdentification } from './szl.ts';

test('requests: connection request with TSAPs, Setup Communication, read SZL — byte for byte', () => {
  assert.equal(encodeConnectionRequest(0x0102).toString('hex'), '0300001611e00000000100c1020100c2020102c0010a');
  assert.equal(encodeConnectionRequest(0x0101).toString('hex'), '0300001611e00000000100c1020100c2020101c0010a');
  assert.equal(encodeSetupCommunication(1).toString('hex'), '0300001902f08032010000000100080000f0000001000101e0');
  assert.equal(encodeReadSzl(2, 0x0011, 0).toString('hex'), '0300002102f080320700000002000800080001120411440100ff09000400110000');
});

test('TPKT: whole, cut short, too short to hold COTP, not TPKT at all', () => {
  assert.deepEqual(decodeTpkt(Buffer.from('0300000702f080ff', 'hex')), { state: 'complete', payload: Buffer.from('02f080', 'hex'), length: 7 });
  assert.deepEqual(decodeTpkt(Buffer.from('03000016', 'hex')), { state: 'incomplete' });
  assert.equal(decodeTpkt(Buffer.from('03000002', 'hex')).state, 'invalid');
  assert.equal(decodeTpkt(Buffer.from('485454', 'hex')).state, 'invalid');
  assert.equal(decodeCotp(Buffer.from('09d0', 'hex')), undefined, 'COTP header longer than the frame');
  assert.deepEqual(decodeCotp(Buffer.from('02f00032', 'hex')), { type: 0xf0, userData: Buffer.from('32', 'hex'), lastUnit: false });
});

test('S7 PDUs: an acknowledged Setup Communication; lengths that overrun the PDU are refused', () => {
  const ack = decodeS7(Buffer.from('320300000001000800000000f0000001000100f0', 'hex'));
  assert.ok('pdu' in ack);
  assert.equal(negotiatedPduLength(ack.pdu), 240);
  assert.deepEqual([ack.pdu.errorClass, ack.pdu.errorCode, ack.pdu.reference], [0, 0, 1]);
  assert.ok('invalid' in decodeS7(Buffer.from('320300000001000800fa0000f0000001000100f0', 'hex')));
  assert.ok('invalid' in decodeS7(Buffer.from('3303000000010000', 'hex')));
  assert.ok('invalid' in decodeS7(Buffer.from('4203000000010000000000000000', 'hex')));
});

/** A read-SZL response PDU carrying `records` of list `id`. */
function szlResponse(id: number, records: Buffer[], errorCode = 0, announced = records.length): ReturnType<typeof decodeS7> {
  const list = Buffer.alloc(8);
  list.writeUInt16BE(id, 0);
  list.writeUInt16BE(records[0]?.length ?? 28, 4);
  list.writeUInt16BE(announced, 6);
  const body = Buffer.concat([list, ...records]);
  const data = Buffer.concat([Buffer.from([0xff, 0x09, body.length >> 8, body.length & 0xff]), body]);
  const parameters = Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, 0x84, 0x01, 0x00, 0x00, 0x00, errorCode >> 8, errorCode & 0xff]);
  const header = Buffer.from([0x32, 0x07, 0, 0, 0, 2, 0, parameters.length, data.length >> 8, data.length & 0xff]);
  return decodeS7(Buffer.concat([header, parameters, data]));
}

const record = (index: number, body: Buffer) => Buffer.concat([Buffer.from([index >> 8, index & 0xff]), body]);
const text = (value: string, width: number) => Buffer.concat([Buffer.from(value, 'latin1'), Buffer.alloc(width - value.length)]);

test('SZL 0x0011: order number, hardware and the V-prefixed firmware from Ausbg/Ausbe', () => {
  const order = Buffer.from('6ES7 315-2EH14-0AB0 ', 'latin1');
  const decoded = szlResponse(0x0011, [
    record(1, Buffer.concat([order, Buffer.from('c0000001', 'hex'), Buffer.from('0001', 'hex')])),
    record(6, Buffer.concat([order, Buffer.from('c0000001', 'hex'), Buffer.from('0001', 'hex')])),
    record(7, Buffer.concat([Buffer.alloc(20, 0x20), Buffer.from('c0005603', 'hex'), Buffer.from('0206', 'hex')])),
  ]);
  assert.ok('pdu' in decoded);
  const reply = decodeSzlReply(decoded.pdu);
  assert.ok('list' in reply);
  assert.deepEqual(moduleIdentification(reply.list), { orderNumber: '6ES7 315-2EH14-0AB0', hardwareVersion: '1', firmwareVersion: 'V3.2.6' });
});

test('SZL 0x001C: text records by index; NULs, padding and control bytes never reach the result', () => {
  const decoded = szlResponse(0x001c, [
    record(1, text('PLC_PUMPS', 32)),
    record(4, text('Original Siemens Equipment', 32)),
    record(5, text('S C-X4U\u0007123', 32)),
    record(7, text('CPU 1214C DC/DC/DC', 32)),
    record(99, text('ignored', 32)),
  ]);
  assert.ok('pdu' in decoded);
  const reply = decodeSzlReply(decoded.pdu);
  assert.ok('list' in reply);
  assert.deepEqual(componentIdentification(reply.list), {
    plcName: 'PLC_PUMPS',
    copyright: 'Original Siemens Equipment',
    serialNumber: 'S C-X4U?123',
    moduleType: 'CPU 1214C DC/DC/DC',
  });
});

test('SZL replies refused: an error code, a job acknowledgement, records announced but absent', () => {
  const refused = szlResponse(0x0011, [], 0xd401);
  assert.ok('pdu' in refused);
  assert.match(String((decodeSzlReply(refused.pdu) as { error: string }).error), /refused/);
  const ack = decodeS7(Buffer.from('320300000001000800000000f0000001000100f0', 'hex'));
  assert.ok('pdu' in ack && 'error' in decodeSzlReply(ack.pdu));
  // A header claiming 500 records of 28 bytes, none present: read as an empty list, not past the end.
  const lying = szlResponse(0x0011, [], 0, 500);
  assert.ok('pdu' in lying);
  const reply = decodeSzlReply(lying.pdu);
  assert.ok('list' in reply);
  assert.deepEqual(reply.list.records, []);
});
