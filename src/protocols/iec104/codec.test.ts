import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apduName, asduHead, decodeApdu, encodeTestFrame } from './codec.ts';
import iec104 from './index.ts';

test('the only frame built is TESTFR act', () => {
  assert.equal(encodeTestFrame().toString('hex'), '680443000000');
});

test('APDUs: U, S and I formats read; sequence numbers halved; the rest of the stream left alone', () => {
  assert.deepEqual(decodeApdu(Buffer.from('680483000000ff', 'hex')), { state: 'complete', apdu: { format: 'U', function: 0x83 }, length: 6 });
  assert.deepEqual(decodeApdu(Buffer.from('680401000a00', 'hex')), { state: 'complete', apdu: { format: 'S', receiveSequence: 5 }, length: 6 });
  const i = decodeApdu(Buffer.from('680e0400060046010400070000000000', 'hex'));
  assert.equal(i.state, 'complete');
  assert.ok(i.state === 'complete' && i.apdu.format === 'I');
  assert.deepEqual([i.apdu.sendSequence, i.apdu.receiveSequence], [2, 3]);
  assert.deepEqual(asduHead(i.apdu.asdu), { typeId: 70, cause: 4, commonAddress: 7 });
  assert.equal(apduName(i.apdu), 'I');
  assert.equal(apduName({ format: 'U', function: 0x83 }), 'U:TESTFR-con');
});

test('APDUs refused: wrong start byte, lengths below 4 or above 253, a U frame with an ASDU, an unknown U function', () => {
  assert.deepEqual(decodeApdu(Buffer.alloc(0)), { state: 'incomplete' });
  assert.deepEqual(decodeApdu(Buffer.from('6804830000', 'hex')), { state: 'incomplete' });
  for (const hex of ['160483000000', '680283', '68fe00', '68058300000000', '680403000000'])
    assert.equal(decodeApdu(Buffer.from(hex, 'hex')).state, 'invalid', hex);
  assert.equal(asduHead(Buffer.from('6401', 'hex')), undefined);
});

test('detection: volunteered bytes are 104 only when they are whole APDUs and nothing else', () => {
  const banner = iec104.detect!.banner!;
  assert.equal(banner(Buffer.from('680e0400060046010400070000000000', 'hex')), true);
  assert.equal(banner(Buffer.from('680e0400060046010400070000000000680401000a00', 'hex')), true);
  assert.equal(banner(Buffer.from('680e04000600460104000700000000', 'hex')), false, 'cut short');
  assert.equal(banner(Buffer.from('hello, this is a banner\r\n')), false);
  assert.equal(banner(Buffer.alloc(0)), false);
});
