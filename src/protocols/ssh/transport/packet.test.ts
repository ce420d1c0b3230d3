import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cipherSpecs, macSpecs } from './algorithms.ts';
import { createPacketDecoder, createPacketEncoder, maxPacketBytes, type DirectionKeys } from './packet.ts';
import { sshUint32, SshProtocolError } from './wire.ts';

/** Deterministic bytes for keys and fuzz input (no Math.random in tests). */
function bytes(label: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let counter = 0; chunks.length * 32 < length; counter++) chunks.push(createHash('sha256').update(`${label}|${counter}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

function keysFor(cipherName: string, macName?: string): DirectionKeys {
  const cipher = cipherSpecs[cipherName]!;
  const keys: DirectionKeys = { cipher, key: bytes(`key ${cipherName}`, cipher.keyLength), iv: bytes(`iv ${cipherName}`, cipher.ivLength) };
  if (!cipher.aead) {
    keys.mac = macSpecs[macName ?? 'hmac-sha2-256']!;
    keys.macKey = bytes(`mac ${macName}`, keys.mac.keyLength);
  }
  return keys;
}

test('clear packets: length, padding of at least 4, total a multiple of 8', () => {
  const encoder = createPacketEncoder();
  for (let size = 1; size < 40; size++) {
    const packet = encoder.encode(Buffer.alloc(size, 0x41));
    assert.equal(packet.readUInt32BE(0), packet.length - 4);
    assert.equal(packet.length % 8, 0);
    assert.ok(packet[4]! >= 4 && packet[4]! < 4 + 8);
    assert.equal(packet.length - 5 - packet[4]!, size);
  }
});

for (const [cipherName, macName] of [
  ['aes128-ctr', 'hmac-sha2-256'],
  ['aes256-ctr', 'hmac-sha1'],
  ['aes128-gcm@openssh.com'],
  ['aes256-gcm@openssh.com'],
] as const) {
  test(`${cipherName}${macName ? ` + ${macName}` : ''}: round trip byte by byte, sequence numbers carried over from the clear packets`, () => {
    const encoder = createPacketEncoder();
    const decoder = createPacketDecoder();
    const payloads = Array.from({ length: 12 }, (_, index) => bytes(`payload ${index}`, 1 + index * 37));
    const wire: Buffer[] = [];
    // Two packets in clear first: the MAC covers the sequence number, which keeps counting.
    wire.push(encoder.encode(payloads[0]!), encoder.encode(payloads[1]!));
    encoder.useKeys(keysFor(cipherName, macName));
    for (const payload of payloads.slice(2)) wire.push(encoder.encode(payload));
    const stream = Buffer.concat(wire);
    const received: Buffer[] = [];
    for (const byte of stream) {
      decoder.push(Buffer.from([byte]));
      for (let payload = decoder.next(); payload; payload = decoder.next()) {
        received.push(payload);
        if (received.length === 2) decoder.useKeys(keysFor(cipherName, macName));
      }
    }
    assert.deepEqual(received, payloads);
    assert.ok(!stream.includes(payloads[5]!), 'keyed payloads are not on the wire in clear');
  });

  test(`${cipherName}: a flipped bit is refused as an authentication failure`, () => {
    const encoder = createPacketEncoder();
    encoder.useKeys(keysFor(cipherName, macName));
    const packet = encoder.encode(Buffer.from('hello, device'));
    packet[packet.length - 3]! ^= 0x01;
    const decoder = createPacketDecoder();
    decoder.useKeys(keysFor(cipherName, macName));
    decoder.push(packet);
    assert.throws(() => decoder.next(), /message authentication failed/);
  });
}

test('lengths past 35000 bytes, below the minimum or off the block size are refused before buffering', () => {
  const decoder = createPacketDecoder();
  decoder.push(Buffer.concat([sshUint32(maxPacketBytes), Buffer.alloc(4)]));
  assert.throws(() => decoder.next(), /exceeds 35000/);
  const tiny = createPacketDecoder();
  tiny.push(Buffer.concat([sshUint32(4), Buffer.alloc(4)]));
  assert.throws(() => tiny.next(), /too small/);
  const unaligned = createPacketDecoder();
  unaligned.push(Buffer.concat([sshUint32(13), Buffer.alloc(13)]));
  assert.throws(() => unaligned.next(), /block size/);
  const badPadding = createPacketDecoder();
  badPadding.push(Buffer.concat([sshUint32(12), Buffer.from([2]), Buffer.alloc(11)]));
  assert.throws(() => badPadding.next(), /padding/);
});

test('fuzz: random bytes give an SshProtocolError or "need more", never another exception', () => {
  let refused = 0;
  for (let round = 0; round < 400; round++) {
    const decoder = createPacketDecoder();
    if (round % 2 === 1) decoder.useKeys(keysFor(round % 4 === 1 ? 'aes128-ctr' : 'aes128-gcm@openssh.com'));
    decoder.push(bytes(`fuzz ${round}`, 1 + (round % 97) * 13));
    try {
      // A handful of packets at most can come out of this little input.
      for (let count = 0; count < 100 && decoder.next(); count++);
    } catch (error) {
      assert.ok(error instanceof SshProtocolError, String(error));
      refused++;
    }
  }
  assert.ok(refused > 300, `most garbage is refused (${refused}/400)`);
});
