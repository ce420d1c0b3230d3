import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeReadDeviceId, isModbusAnswer, offersRegular } from './codec.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('the request is MBAP + 2B 0E code object, nothing else', () => {
  assert.deepEqual(encodeReadDeviceId({ transactionId: 0x1234, unitId: 0xff, code: 2, objectId: 3 }), hex('1234 0000 0005 ff 2b 0e 02 03'));
});

test('an identification answer: objects, conformity, more follows', () => {
  // VendorName "ACME", ProductCode "X1", more follows from object 2.
  const frame = hex('0001 0000 0012 00 2b0e01 81 ff 02 02 0004 41434d45 0102 5831');
  const decoded = decodeFrame(frame);
  assert.equal(decoded.state, 'complete');
  assert.ok(decoded.state === 'complete' && decoded.answer.kind === 'identification');
  assert.deepEqual(decoded.answer.objects, [
    { id: 0, value: 'ACME' },
    { id: 1, value: 'X1' },
  ]);
  assert.equal(decoded.answer.moreFollows, true);
  assert.equal(decoded.answer.nextObjectId, 2);
  assert.equal(decoded.answer.conformityLevel, 0x81);
  assert.equal(decoded.bytes, frame.length);
});

test('an exception answer is complete and names its code', () => {
  const decoded = decodeFrame(hex('0007 0000 0003 00 ab 01'));
  assert.deepEqual(decoded, { state: 'complete', bytes: 9, answer: { kind: 'exception', transactionId: 7, unitId: 0, functionCode: 0x2b, exceptionCode: 1 } });
  assert.ok(isModbusAnswer(hex('0007 0000 0003 00 ab 01')));
});

test('incomplete until the MBAP length is there; lengths no PDU can have, other protocols and object overruns are invalid', () => {
  assert.equal(decodeFrame(hex('0001 0000 0011 00 2b0e')).state, 'incomplete');
  assert.equal(decodeFrame(hex('0001 0000 ffff 00 2b0e')).state, 'invalid');
  assert.equal(decodeFrame(hex('0001 0001 0003 00 ab01')).state, 'invalid', 'protocol id 1');
  assert.equal(decodeFrame(Buffer.from('HTTP/1.1 400 Bad Request\r\n')).state, 'invalid');
  assert.equal(decodeFrame(hex('0001 0000 000c 00 2b0e01 01 00 00 03 00c8 414243')).state, 'invalid', 'object of 200 bytes in 3');
  assert.equal(decodeFrame(hex('0001 0000 0003 00 0301')).state, 'invalid', 'a register read is no answer to 43');
});

test('regular objects are offered at conformity 2 and 3, with or without individual access', () => {
  assert.deepEqual([0x01, 0x02, 0x03, 0x81, 0x82, 0x83].map(offersRegular), [false, true, true, false, true, true]);
});
