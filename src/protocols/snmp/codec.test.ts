import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berTags, decodeInteger, decodeOid, encodeInteger, encodeOid, encodeTlv, readTlv } from './ber.ts';
import { decodeResponse, encodeGetRequest, pduTags, systemOids, valueText } from './codec.ts';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** A Response as an agent writes it, from its parts. */
function response(requestId: number, varbinds: Buffer[], options: { version?: number; community?: string; errorStatus?: number; tag?: number } = {}) {
  const pdu = encodeTlv(
    options.tag ?? pduTags.response,
    Buffer.concat([encodeInteger(requestId), encodeInteger(options.errorStatus ?? 0), encodeInteger(0), encodeTlv(berTags.sequence, Buffer.concat(varbinds))]),
  );
  return encodeTlv(
    berTags.sequence,
    Buffer.concat([encodeInteger(options.version ?? 1), encodeTlv(berTags.octetString, Buffer.from(options.community ?? 'public')), pdu]),
  );
}
const varbind = (oid: string, value: Buffer) => encodeTlv(berTags.sequence, Buffer.concat([encodeOid(oid), value]));

test('GetRequest: the exact bytes of a v2c request for sysDescr.0 with community public', () => {
  const request = encodeGetRequest({ version: 'v2c', community: 'public', requestId: 0x1234, oids: [systemOids.sysDescr] });
  // As snmpget -v2c -c public writes it (request-id aside).
  assert.deepEqual(request, hex('30 27 02 01 01 04 06 7075626c6963 a0 1a 02 02 1234 02 01 00 02 01 00 30 0e 30 0c 06 08 2b06010201010100 05 00'));
  const v1 = encodeGetRequest({ version: 'v1', community: 'public', requestId: 200, oids: Object.values(systemOids) });
  assert.equal(v1[4], 0x00, 'version 0 is SNMPv1');
  assert.deepEqual([...encodeInteger(200)], [0x02, 0x02, 0x00, 0xc8], 'a high bit gets a leading zero');
});

test('BER: integers, OIDs and lengths', () => {
  assert.equal(decodeInteger(hex('ff')), -1);
  assert.equal(decodeInteger(hex('00ffffffff')), 0xffffffff);
  assert.equal(decodeInteger(hex('0100000000')), undefined, 'five bytes only with a leading zero');
  assert.equal(decodeInteger(Buffer.alloc(0)), undefined);
  assert.equal(decodeOid(hex('2b 06 01 04 01 8f 65 01')), '1.3.6.1.4.1.2021.1');
  assert.equal(decodeOid(hex('2b 86')), undefined, 'a cut sub-identifier');
  assert.equal(decodeOid(hex('2b 80 01')), undefined, 'non-minimal');
  assert.equal(decodeOid(Buffer.concat([hex('2b'), Buffer.alloc(200, 0x01)])), undefined, 'more arcs than SNMP allows');
  assert.equal(decodeOid(hex('2b ff ff ff ff 7f')), undefined, 'a sub-identifier above 2^32');
  assert.equal(encodeOid('1.3.6.1.4.1.2021.1').toString('hex'), '06082b060104018f6501');
  assert.deepEqual(readTlv(hex('04 82 01 00'), 0), undefined, 'announces 256 bytes, has none');
  assert.deepEqual(readTlv(hex('30 80 00 00'), 0), undefined, 'indefinite length');
  assert.deepEqual(readTlv(hex('30 85 01 00 00 00 00'), 0), undefined, 'five length bytes');
  assert.deepEqual(readTlv(hex('1f 01 00'), 0), undefined, 'high tag number');
  assert.deepEqual(readTlv(hex('04 81 02 61 62'), 0), { tag: 4, start: 3, end: 5 });
});

test('Response: the system group as an agent answers it', () => {
  const bytes = response(77, [
    varbind(systemOids.sysDescr, encodeTlv(berTags.octetString, Buffer.from('Linux cam 4.9.37 #1 armv7l\r\n'))),
    varbind(systemOids.sysObjectId, encodeOid('1.3.6.1.4.1.8072.3.2.10')),
    varbind(systemOids.sysUpTime, hex('43 04 00 01 e2 40')),
    varbind(systemOids.sysName, encodeTlv(berTags.octetString, Buffer.from('garage'))),
    varbind('1.3.6.1.2.1.1.9.1.2.1', hex('81 00')),
  ]);
  const decoded = decodeResponse(bytes);
  assert.equal(decoded.state, 'complete');
  if (decoded.state !== 'complete') return;
  const { response: answer } = decoded;
  assert.deepEqual([answer.version, answer.community, answer.requestId, answer.errorStatus], [1, 'public', 77, 0]);
  assert.deepEqual(
    answer.varbinds.map(({ value }) => valueText(value)),
    ['Linux cam 4.9.37 #1 armv7l', '1.3.6.1.4.1.8072.3.2.10', '123456', 'garage', undefined],
  );
  assert.equal(answer.varbinds[4].value.type, 'no-such-instance');
});

test('Response: what is refused', () => {
  const good = response(5, [varbind(systemOids.sysName, encodeTlv(berTags.octetString, Buffer.from('x')))]);
  assert.equal(decodeResponse(good).state, 'complete');
  const invalid = (bytes: Buffer, why: RegExp) => {
    const decoded = decodeResponse(bytes);
    assert.equal(decoded.state, 'invalid');
    assert.match(decoded.state === 'invalid' ? decoded.reason : '', why);
  };
  invalid(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), /not a BER SEQUENCE/);
  invalid(Buffer.alloc(0), /not a BER SEQUENCE/);
  invalid(Buffer.concat([good, hex('00')]), /bytes after/);
  for (let cut = 1; cut < good.length; cut++) assert.equal(decodeResponse(good.subarray(0, cut)).state, 'invalid', `cut at ${cut}`);
  invalid(response(5, [], { tag: pduTags.getRequest }), /not a Response/);
  invalid(response(5, [encodeTlv(berTags.sequence, encodeOid('1.3.6'))]), /varbind is not/);
  invalid(response(5, [varbind('1.3.6.1', hex('43 0a 00 00 00 00 00 00 00 00 00 01'))]), /malformed value/);
  const many = Array.from({ length: 40 }, () => varbind(systemOids.sysName, hex('05 00')));
  invalid(response(5, many), /longer than 32/);
  // A datagram announcing far more than it holds is refused from its header.
  invalid(hex('30 84 7f ff ff ff 02 01 01'), /not a BER SEQUENCE/);
});

test('fuzz: random and mangled datagrams never throw and never yield more than they hold', () => {
  let seed = 161;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = response(9, [varbind(systemOids.sysDescr, encodeTlv(berTags.octetString, Buffer.from('router')))]);
  for (let round = 0; round < 3000; round++) {
    const input = Buffer.from(sample);
    if (round % 2 === 0) for (let flips = 0; flips < 3; flips++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
    const bytes = round % 2 === 0 ? input : Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256)));
    const decoded = decodeResponse(bytes);
    if (decoded.state === 'complete') assert.ok(decoded.response.varbinds.length <= 32);
  }
});
