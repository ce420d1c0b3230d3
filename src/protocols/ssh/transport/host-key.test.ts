import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { hostKeyFingerprint, hostKeySigner, parseHostKeyBlob, verifyHostKeySignature } from './host-key.ts';
import { sshString, SshProtocolError } from './wire.ts';

const signers = {
  ed25519: hostKeySigner(generateKeyPairSync('ed25519').privateKey),
  p256: hostKeySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
  rsa: hostKeySigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
};
const data = Buffer.from('exchange hash');

test('fingerprints match what ssh-keygen -l prints for the same key', () => {
  // From `ssh-keygen -lf` on "ssh-ed25519 AAAAC3Nza…DE3f" (the lab's key for 127.77.0.5:22, seed 1).
  const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIJvZ6Tl0YsuEiw1Ju9zwXATNOujOpsJV2Ab6LjfVDE3f', 'base64');
  assert.equal(hostKeyFingerprint(blob), 'SHA256:W6n5YTjlOvXQ+12CSQhiwKD77BNCRA4MfQWinsBVcsI');
});

test('every host key algorithm: our signature verifies, over other data it does not', () => {
  const cases: Array<[keyof typeof signers, string]> = [
    ['ed25519', 'ssh-ed25519'],
    ['p256', 'ecdsa-sha2-nistp256'],
    ['rsa', 'rsa-sha2-256'],
    ['rsa', 'ssh-rsa'],
  ];
  for (const [name, algorithm] of cases) {
    const signer = signers[name];
    assert.ok(signer.algorithms.includes(algorithm));
    const signature = signer.sign(algorithm, data);
    assert.equal(verifyHostKeySignature(algorithm, signer.blob, signature, data), true, algorithm);
    assert.equal(verifyHostKeySignature(algorithm, signer.blob, signature, Buffer.from('another hash')), false, algorithm);
  }
  assert.equal(parseHostKeyBlob(signers.rsa.blob).keyType, 'ssh-rsa');
});

test('mismatches and garbage are protocol errors; a damaged signature just does not verify', () => {
  const isProtocolError = (error: unknown) => error instanceof SshProtocolError;
  const ed = signers.ed25519;
  // rsa-sha2-256 negotiated but the server signs with ssh-rsa (SHA-1): refused, not silently accepted.
  assert.throws(() => verifyHostKeySignature('rsa-sha2-256', signers.rsa.blob, signers.rsa.sign('ssh-rsa', data), data), /signature is "ssh-rsa"/);
  assert.throws(() => verifyHostKeySignature('ecdsa-sha2-nistp256', ed.blob, ed.sign('ssh-ed25519', data), data), /host key is ssh-ed25519/);
  assert.throws(() => verifyHostKeySignature('ssh-dss', ed.blob, ed.sign('ssh-ed25519', data), data), isProtocolError);
  assert.throws(() => parseHostKeyBlob(Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(31))])), /32 bytes/);
  assert.throws(() => parseHostKeyBlob(Buffer.from('garbage')), isProtocolError);
  const shortRsa = Buffer.concat([sshString('rsa-sha2-256'), sshString(Buffer.alloc(7, 1))]);
  assert.equal(verifyHostKeySignature('rsa-sha2-256', signers.rsa.blob, shortRsa, data), false);
  const badEcdsa = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString(Buffer.alloc(3))]);
  assert.throws(() => verifyHostKeySignature('ecdsa-sha2-nistp256', signers.p256.blob, badEcdsa, data), isProtocolError);
});
