import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryReply, nanoStationFields } from '../../../test/support/ubiquiti-peer-b.ts';
import { decodeDiscoveryReply, discoveryRequest } from './codec.ts';

test('a NanoStation’s reply: MAC, addresses, firmware, names, model, ESSID, uptime', () => {
  const decoded = decodeDiscoveryReply(discoveryReply(nanoStationFields));
  assert.equal(decoded.state, 'complete');
  assert.deepEqual(decoded.state === 'complete' && decoded.reply, {
    mac: '04:18:d6:a1:b2:c3',
    addresses: ['192.0.2.20', '198.51.100.1'],
    uptime: 86_400,
    hostname: 'rooftop-nsm2',
    modelShort: 'N2N',
    essid: 'village-link',
    wirelessMode: 3,
    firmware: 'XM.ar7240.v6.1.7.32555.180523.1649',
    modelFull: 'NanoStation M2',
    fields: 11,
  });
  assert.deepEqual([...discoveryRequest], [1, 0, 0, 0]);
});

test('what is refused: our own request, other versions, lengths that do not fit', () => {
  const reasonOf = (bytes: Buffer) => {
    const decoded = decodeDiscoveryReply(bytes);
    return decoded.state === 'invalid' ? decoded.reason : 'complete';
  };
  assert.match(reasonOf(discoveryRequest), /empty reply/);
  assert.match(reasonOf(Buffer.from('020600', 'hex')), /shorter than the header/);
  assert.match(reasonOf(Buffer.from('02060004000000', 'hex')), /not a version 1 reply/);
  assert.match(reasonOf(Buffer.from('0100ffff0b0001', 'hex')), /announces 65535 bytes/);
  assert.match(reasonOf(Buffer.from('010000020b00', 'hex')), /cut short/);
  assert.match(reasonOf(Buffer.from('010000040b0009aa', 'hex')), /runs past/);
  const many = discoveryReply(Array.from({ length: 80 }, () => [0x0b, Buffer.from('x')] as const));
  assert.match(reasonOf(many), /more than 64 fields/);
  // Control characters and oversized names are cut; odd-sized fixed fields ignored.
  const odd = decodeDiscoveryReply(
    discoveryReply([
      [0x0b, Buffer.concat([Buffer.from('evil\u0007\u001b[2J'), Buffer.alloc(2000, 0x41)])],
      [0x01, Buffer.from('0102', 'hex')],
      [0x0a, Buffer.from('01', 'hex')],
    ]),
  );
  assert.equal(odd.state === 'complete' && odd.reply.hostname?.startsWith('evil[2JAAAA'), true);
  assert.equal(odd.state === 'complete' && odd.reply.hostname?.length, 256);
  assert.equal(odd.state === 'complete' && odd.reply.mac, undefined);
  assert.equal(odd.state === 'complete' && odd.reply.uptime, undefined);
});

test('fuzz: random and cut replies never throw', () => {
  let seed = 10001;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = discoveryReply(nanoStationFields);
  for (let round = 0; round < 3000; round++) {
    const input = Buffer.from(sample);
    for (let flips = 0; flips < 3; flips++) input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
    const decoded = decodeDiscoveryReply(round % 2 ? input : input.subarray(0, Math.floor(random() * input.length)));
    if (decoded.state === 'complete') assert.ok(decoded.reply.addresses.length <= 16 && decoded.reply.fields <= 64);
  }
});
