import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAnswer, deviceProperties, encodeReadProperty, isReadPropertyAnswer } from './codec.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

test('ReadProperty of the wildcard Device: BVLC unicast, NPDU expecting a reply, confirmed request', () => {
  assert.deepEqual(encodeReadProperty(1, deviceProperties.vendorName), hex('810a0011 0104 0005010c 0c023fffff 1979'));
  assert.deepEqual(encodeReadProperty(9, 300, 5), hex('810a0012 0104 0005090c 0c02000005 1a012c'), 'two-byte property, a given instance');
});

test('a ComplexACK: the device instance it answered as, the property and its text', () => {
  // Device 1234, vendor-name "ACME Controls" (UTF-8).
  const reply = hex('810a0022 0100 30070c 0c020004d2 1979 3e 750e00 41434d4520436f6e74726f6c73 3f');
  assert.deepEqual(decodeAnswer(reply), {
    state: 'complete',
    answer: { kind: 'value', invokeId: 7, deviceInstance: 1234, propertyId: 121, text: 'ACME Controls' },
  });
});

test('routed answers (a source network in the NPDU) and ISO 8859-1 or UCS-2 strings decode too', () => {
  // Source network 5, address 0x2a; model-name "éAB" in ISO 8859-1.
  const routed = hex('810a0000 0108 0005 01 2a 30070c 0c020004d2 1946 3e 74 05e94142 3f');
  assert.equal(decodeAnswer(routed).state, 'invalid', 'BVLC length must be the datagram length');
  const fixed = Buffer.from(routed);
  fixed.writeUInt16BE(fixed.length, 2);
  const decoded = decodeAnswer(fixed);
  assert.ok(decoded.state === 'complete' && decoded.answer.kind === 'value');
  assert.equal(decoded.answer.text, 'éAB');
  const ucs2 = hex('810a0000 0100 30010c 0c02000001 1946 3e 7505 04 00480069 3f');
  ucs2.writeUInt16BE(ucs2.length, 2);
  const wide = decodeAnswer(ucs2);
  assert.ok(wide.state === 'complete' && wide.answer.kind === 'value');
  assert.equal(wide.answer.text, 'Hi');
});

test('Error, Reject and Abort are answers; requests, network messages, segments and overruns are not', () => {
  assert.deepEqual(decodeAnswer(hex('810a000d 0100 50030c 9101 911f')), {
    state: 'complete',
    answer: { kind: 'error', invokeId: 3, errorClass: 1, errorCode: 31 },
  });
  assert.deepEqual(decodeAnswer(hex('810a0009 0100 600304')), { state: 'complete', answer: { kind: 'reject', invokeId: 3, reason: 4 } });
  assert.ok(isReadPropertyAnswer(hex('810a0009 0100 700304')));
  assert.ok(!isReadPropertyAnswer(encodeReadProperty(1, 121)), 'our own request');
  assert.ok(!isReadPropertyAnswer(hex('810a0009 0180 000102')), 'a network-layer message');
  assert.ok(!isReadPropertyAnswer(hex('810a0016 0100 38070c 0c020004d2 1979 3e 7501 00 3f 00')), 'segmented');
  assert.ok(!isReadPropertyAnswer(hex('810a0016 0100 30070c 0c020004d2 1979 3e 75ff 00 41 3f')), 'a string past the datagram');
  assert.ok(!isReadPropertyAnswer(Buffer.from('HTTP/1.1 400 Bad Request\r\n')));
});
