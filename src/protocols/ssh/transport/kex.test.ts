import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, getDiffieHellman } from 'node:crypto';
import { deriveKey, deriveSessionKeys, exchangeHash, kexMethods, type ExchangeHashInput } from './kex.ts';
import { cipherSpecs, macSpecs } from './algorithms.ts';
import { sshMpint, sshString, SshProtocolError } from './wire.ts';

test('every method: both sides compute the same secret from each other’s public values', () => {
  for (const method of Object.values(kexMethods)) {
    const client = method.create();
    const server = method.create();
    assert.deepEqual(client.computeSecret(server.publicValue), server.computeSecret(client.publicValue), method.name);
  }
});

test('public value shapes: RFC 8731 (32-byte X25519), RFC 5656 (uncompressed P-256 point), RFC 3526 group 14', () => {
  assert.equal(kexMethods['curve25519-sha256']!.create().publicValue.length, 32);
  const point = kexMethods['ecdh-sha2-nistp256']!.create().publicValue;
  assert.equal(point.length, 65);
  assert.equal(point[0], 4);
  const group14 = kexMethods['diffie-hellman-group14-sha256']!;
  assert.ok(group14.create().publicValue.length <= 256);
  assert.equal(group14.publicEncoding, 'mpint');
  assert.equal(kexMethods['diffie-hellman-group14-sha1']!.hash, 'sha1');
  // The group is RFC 3526's 2048-bit MODP prime, which starts and ends with 64 one bits.
  const prime = getDiffieHellman('modp14').getPrime();
  assert.equal(prime.length, 256);
  assert.ok(prime.subarray(0, 8).equals(Buffer.alloc(8, 0xff)) && prime.subarray(-8).equals(Buffer.alloc(8, 0xff)));
});

test('invalid peer values are refused as protocol errors', () => {
  const isProtocolError = (error: unknown) => error instanceof SshProtocolError;
  const x25519 = kexMethods['curve25519-sha256']!.create();
  assert.throws(() => x25519.computeSecret(Buffer.alloc(31)), isProtocolError);
  assert.throws(() => x25519.computeSecret(Buffer.alloc(32)), isProtocolError, 'the all-zero (low-order) point gives an all-zero secret');
  const p256 = kexMethods['ecdh-sha2-nistp256']!.create();
  assert.throws(() => p256.computeSecret(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)])), isProtocolError, 'a point off the curve');
  assert.throws(() => p256.computeSecret(Buffer.alloc(33, 2)), isProtocolError, 'a compressed point');
  const group14 = kexMethods['diffie-hellman-group14-sha256']!.create();
  const prime = getDiffieHellman('modp14').getPrime();
  const primeMinusOne = Buffer.from(prime);
  primeMinusOne[255]! -= 1;
  for (const bad of [Buffer.alloc(0), Buffer.from([1]), primeMinusOne, prime]) assert.throws(() => group14.computeSecret(bad), isProtocolError);
});

const input: ExchangeHashInput = {
  clientVersion: 'SSH-2.0-opennotice',
  serverVersion: 'SSH-2.0-dropbear_2019.78',
  clientKexInit: Buffer.from('client kexinit'),
  serverKexInit: Buffer.from('server kexinit'),
  hostKeyBlob: Buffer.from('host key blob'),
  clientPublic: Buffer.alloc(32, 0x81),
  serverPublic: Buffer.alloc(32, 0x02),
  sharedSecret: Buffer.concat([Buffer.from([0x00, 0x9f]), Buffer.alloc(30, 0x33)]),
};

test('exchange hash: public values as strings for ECDH (RFC 5656 §4, RFC 8731 §3), as mpints for DH (RFC 4253 §8)', () => {
  const common = [
    sshString(input.clientVersion),
    sshString(input.serverVersion),
    sshString(input.clientKexInit),
    sshString(input.serverKexInit),
    sshString(input.hostKeyBlob),
  ];
  // K is an mpint: the leading zero byte is dropped, and 0x9f needs a zero byte in front again.
  assert.deepEqual(sshMpint(input.sharedSecret).subarray(0, 6), Buffer.from([0, 0, 0, 32, 0, 0x9f]));
  const ecdh = createHash('sha256')
    .update(Buffer.concat([...common, sshString(input.clientPublic), sshString(input.serverPublic), sshMpint(input.sharedSecret)]))
    .digest();
  assert.deepEqual(exchangeHash(kexMethods['curve25519-sha256']!, input), ecdh);
  const dh = createHash('sha1')
    .update(Buffer.concat([...common, sshMpint(input.clientPublic), sshMpint(input.serverPublic), sshMpint(input.sharedSecret)]))
    .digest();
  assert.deepEqual(exchangeHash(kexMethods['diffie-hellman-group14-sha1']!, input), dh);
  assert.notDeepEqual(sshMpint(input.clientPublic), sshString(input.clientPublic), 'the two encodings differ for a value with the top bit set');
});

test('key derivation (RFC 4253 §7.2): HASH(K || H || letter || session_id), extended by HASH(K || H || K1 …)', () => {
  const k = input.sharedSecret;
  const h = Buffer.alloc(20, 7);
  const sessionId = Buffer.alloc(20, 9);
  const k1 = createHash('sha1')
    .update(Buffer.concat([sshMpint(k), h, Buffer.from('C'), sessionId]))
    .digest();
  const k2 = createHash('sha1')
    .update(Buffer.concat([sshMpint(k), h, k1]))
    .digest();
  const k3 = createHash('sha1')
    .update(Buffer.concat([sshMpint(k), h, k1, k2]))
    .digest();
  assert.deepEqual(deriveKey('sha1', k, h, sessionId, 'C', 16), k1.subarray(0, 16));
  assert.deepEqual(deriveKey('sha1', k, h, sessionId, 'C', 32), Buffer.concat([k1, k2]).subarray(0, 32), 'aes256 with SHA-1 needs a second round');
  assert.deepEqual(deriveKey('sha1', k, h, sessionId, 'C', 60), Buffer.concat([k1, k2, k3]));

  const keys = deriveSessionKeys('sha256', k, h, sessionId, {
    cipherClientToServer: cipherSpecs['aes128-ctr']!,
    cipherServerToClient: cipherSpecs['aes256-gcm@openssh.com']!,
    macClientToServer: macSpecs['hmac-sha1']!,
  });
  assert.deepEqual(keys.clientToServer.iv, deriveKey('sha256', k, h, sessionId, 'A', 16));
  assert.deepEqual(keys.clientToServer.key, deriveKey('sha256', k, h, sessionId, 'C', 16));
  assert.deepEqual(keys.clientToServer.macKey, deriveKey('sha256', k, h, sessionId, 'E', 20));
  assert.deepEqual(keys.serverToClient.iv, deriveKey('sha256', k, h, sessionId, 'B', 12), 'GCM takes a 12-byte nonce');
  assert.deepEqual(keys.serverToClient.key, deriveKey('sha256', k, h, sessionId, 'D', 32));
  assert.equal(keys.serverToClient.macKey, undefined, 'AEAD: no MAC key');
});
