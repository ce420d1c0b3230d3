import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeKexInit, guessWasWrong, negotiateAlgorithms, parseKexInit, supportedAlgorithms } from './algorithms.ts';
import { sshMessage, SshProtocolError } from './wire.ts';

const server = (overrides: Partial<typeof supportedAlgorithms> = {}) => parseKexInit(encodeKexInit({ ...supportedAlgorithms, ...overrides }));
const client = parseKexInit(encodeKexInit(supportedAlgorithms));

test('KEXINIT: layout of RFC 4253 §7.1, parsed back, payload kept verbatim', () => {
  const payload = encodeKexInit(supportedAlgorithms, Buffer.alloc(16, 0xab));
  assert.equal(payload[0], sshMessage.KEXINIT);
  assert.deepEqual(payload.subarray(1, 17), Buffer.alloc(16, 0xab));
  assert.deepEqual(payload.subarray(-5), Buffer.from([0, 0, 0, 0, 0]), 'first_kex_packet_follows false, reserved 0');
  const parsed = parseKexInit(payload);
  assert.deepEqual(parsed.kex, supportedAlgorithms.kex);
  assert.deepEqual(parsed.cipherServerToClient, supportedAlgorithms.cipher);
  assert.deepEqual(parsed.compressionClientToServer, ['none']);
  assert.equal(parsed.payload, payload);
  assert.throws(() => parseKexInit(payload.subarray(0, 40)), SshProtocolError);
});

test("the client's first choice that the server supports wins, per category", () => {
  const dropbear2014 = server({
    kex: ['diffie-hellman-group14-sha1', 'curve25519-sha256@libssh.org'],
    hostKey: ['ssh-rsa'],
    cipher: ['aes256-ctr', 'aes128-ctr'],
    mac: ['hmac-sha1'],
  });
  const negotiated = negotiateAlgorithms(client, dropbear2014);
  assert.equal(negotiated.kex, 'curve25519-sha256@libssh.org');
  assert.equal(negotiated.hostKey, 'ssh-rsa');
  assert.equal(negotiated.cipherClientToServer.name, 'aes128-ctr');
  assert.equal(negotiated.macServerToClient?.name, 'hmac-sha1');
  const gcmOnly = negotiateAlgorithms(
    client,
    server({ cipher: ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com'], mac: ['umac-64-etm@openssh.com'] }),
  );
  assert.equal(gcmOnly.cipherClientToServer.name, 'aes256-gcm@openssh.com');
  assert.equal(gcmOnly.macClientToServer, undefined, 'AEAD: the MAC lists are not negotiated');
});

test('nothing in common is a protocol error naming the category', () => {
  assert.throws(() => negotiateAlgorithms(client, server({ kex: ['sntrup761x25519-sha512@openssh.com'] })), /no common key exchange/);
  assert.throws(() => negotiateAlgorithms(client, server({ cipher: ['3des-cbc'] })), /no common cipher/);
  assert.throws(() => negotiateAlgorithms(client, server({ mac: ['hmac-md5'] })), /no common MAC/);
});

test('a guessed first KEX packet is wrong unless both first kex and host key algorithms won', () => {
  const negotiated = negotiateAlgorithms(client, server());
  assert.equal(guessWasWrong(client, negotiated), false);
  assert.equal(guessWasWrong(server({ kex: ['ecdh-sha2-nistp256', 'curve25519-sha256'] }), negotiated), true);
});
