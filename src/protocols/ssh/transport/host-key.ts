/**
 * Host keys and their signatures over the exchange hash (RFC 4253 §6.6, RFC 8709 for
 * Ed25519, RFC 5656 §3 for ECDSA, RFC 8332 for rsa-sha2-256). The scanner pins no key:
 * it verifies the signature because a bad one means a broken exchange, and records the
 * fingerprint as OpenSSH prints it. The signing half serves the lab's server and tests.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { createWireReader, sshMpint, sshString, SshProtocolError } from './wire.ts';

/** Host key algorithm → the key type inside its blob and the hash its signatures use (null: Ed25519 hashes internally). */
const hostKeyAlgorithms: Readonly<Record<string, { keyType: string; hash: 'sha256' | 'sha1' | null }>> = {
  'ssh-ed25519': { keyType: 'ssh-ed25519', hash: null },
  'ecdsa-sha2-nistp256': { keyType: 'ecdsa-sha2-nistp256', hash: 'sha256' },
  'rsa-sha2-256': { keyType: 'ssh-rsa', hash: 'sha256' },
  'ssh-rsa': { keyType: 'ssh-rsa', hash: 'sha1' },
};

/**
 * The fingerprint OpenSSH prints: "SHA256:" and the unpadded base64 of the blob's SHA-256.
 * @example hostKeyFingerprint(blob) // 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'
 */
export function hostKeyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** A public key from its SSH blob; throws SshProtocolError for an unknown type or a malformed key. */
export function parseHostKeyBlob(blob: Buffer): { keyType: string; key: KeyObject } {
  const reader = createWireReader(blob, 'host key');
  const keyType = reader.text();
  try {
    if (keyType === 'ssh-ed25519') {
      const raw = reader.bytes();
      if (raw.length !== 32) throw new Error('Ed25519 key is not 32 bytes');
      return { keyType, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }) };
    }
    if (keyType === 'ecdsa-sha2-nistp256') {
      if (reader.text() !== 'nistp256') throw new Error('curve is not nistp256');
      const point = reader.bytes();
      if (point.length !== 65 || point[0] !== 4) throw new Error('not an uncompressed P-256 point');
      const x = point.subarray(1, 33).toString('base64url');
      const y = point.subarray(33).toString('base64url');
      return { keyType, key: createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' }) };
    }
    if (keyType === 'ssh-rsa') {
      const e = reader.mpint();
      const n = reader.mpint();
      return { keyType, key: createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') }, format: 'jwk' }) };
    }
  } catch (error) {
    if (error instanceof SshProtocolError) throw error;
    throw new SshProtocolError(`invalid ${keyType} host key: ${(error as Error).message}`);
  }
  throw new SshProtocolError(`unsupported host key type ${JSON.stringify(keyType.slice(0, 64))}`);
}

/** Left-pad an unsigned magnitude to `size` bytes (or refuse if it is longer). */
function padTo(magnitude: Buffer, size: number): Buffer {
  if (magnitude.length > size) throw new SshProtocolError('signature value too long');
  return Buffer.concat([Buffer.alloc(size - magnitude.length), magnitude]);
}

/**
 * Check the server's signature over the exchange hash with the negotiated host key
 * algorithm. Returns false for a signature that does not verify; throws
 * SshProtocolError when the key or signature is malformed or of the wrong kind.
 * @example verifyHostKeySignature('ssh-ed25519', hostKeyBlob, signatureBlob, exchangeHash) // true
 */
export function verifyHostKeySignature(algorithm: string, hostKeyBlob: Buffer, signatureBlob: Buffer, data: Buffer): boolean {
  const expected = hostKeyAlgorithms[algorithm];
  if (!expected) throw new SshProtocolError(`unsupported host key algorithm ${algorithm}`);
  const { keyType, key } = parseHostKeyBlob(hostKeyBlob);
  if (keyType !== expected.keyType) throw new SshProtocolError(`host key is ${keyType}, negotiated ${algorithm}`);
  const reader = createWireReader(signatureBlob, 'signature');
  const signatureType = reader.text();
  if (signatureType !== algorithm) throw new SshProtocolError(`signature is ${JSON.stringify(signatureType.slice(0, 64))}, negotiated ${algorithm}`);
  const signature = reader.bytes();
  try {
    if (keyType === 'ecdsa-sha2-nistp256') {
      const inner = createWireReader(signature, 'ECDSA signature');
      const r = padTo(inner.mpint(), 32);
      const s = padTo(inner.mpint(), 32);
      return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]));
    }
    if (keyType === 'ssh-rsa') {
      // Some servers drop leading zero bytes of the signature; RSA wants the modulus length.
      const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? signature.length * 8) / 8);
      return verify(expected.hash, data, key, padTo(signature, modulusBytes));
    }
    return signature.length === 64 && verify(null, data, key, signature);
  } catch (error) {
    if (error instanceof SshProtocolError) throw error;
    return false; // OpenSSL refused the signature's shape: it does not verify
  }
}

/** A server's host key: its public blob, the algorithms it can sign with, and the signer. */
export interface HostKeySigner {
  blob: Buffer;
  algorithms: string[];
  sign(algorithm: string, data: Buffer): Buffer;
}

/**
 * Wrap a private key (Ed25519, P-256 or RSA) for the server side of a key exchange.
 * @example hostKeySigner(generateKeyPairSync('ed25519').privateKey).algorithms // ['ssh-ed25519']
 */
export function hostKeySigner(privateKey: KeyObject): HostKeySigner {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const raw = (field: string | undefined) => Buffer.from(field ?? '', 'base64url');
  switch (privateKey.asymmetricKeyType) {
    case 'ed25519':
      return {
        blob: Buffer.concat([sshString('ssh-ed25519'), sshString(raw(jwk.x))]),
        algorithms: ['ssh-ed25519'],
        sign: (algorithm, data) => Buffer.concat([sshString(algorithm), sshString(sign(null, data, privateKey))]),
      };
    case 'ec': {
      if (jwk.crv !== 'P-256') throw new Error(`unsupported curve ${jwk.crv}`);
      const point = Buffer.concat([Buffer.from([4]), raw(jwk.x), raw(jwk.y)]);
      return {
        blob: Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point)]),
        algorithms: ['ecdsa-sha2-nistp256'],
        sign(algorithm, data) {
          const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
          const inner = Buffer.concat([sshMpint(signature.subarray(0, 32)), sshMpint(signature.subarray(32))]);
          return Buffer.concat([sshString(algorithm), sshString(inner)]);
        },
      };
    }
    case 'rsa':
      return {
        blob: Buffer.concat([sshString('ssh-rsa'), sshMpint(raw(jwk.e)), sshMpint(raw(jwk.n))]),
        algorithms: ['rsa-sha2-256', 'ssh-rsa'],
        sign: (algorithm, data) => Buffer.concat([sshString(algorithm), sshString(sign(algorithm === 'ssh-rsa' ? 'sha1' : 'sha256', data, privateKey))]),
      };
    default:
      throw new Error(`unsupported host key type ${privateKey.asymmetricKeyType}`);
  }
}
