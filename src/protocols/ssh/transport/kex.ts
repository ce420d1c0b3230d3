/**
 * Key agreement methods, the exchange hash and key derivation (RFC 4253 §7.2, §8;
 * RFC 5656 §4 for ECDH; RFC 8731 for Curve25519; RFC 8268 for group14-sha256). Each
 * method is symmetric — both sides make a key pair and combine it with the peer's
 * public value — so the same code serves the client and the lab's server.
 */
import { createECDH, createHash, createPublicKey, diffieHellman, generateKeyPairSync, getDiffieHellman } from 'node:crypto';
import type { CipherSpec, MacSpec } from './algorithms.ts';
import type { DirectionKeys } from './packet.ts';
import { sshMpint, sshString, SshProtocolError } from './wire.ts';

export type KexHash = 'sha256' | 'sha1';

/** One side's ephemeral key pair. */
export interface KeyAgreement {
  /** What goes on the wire: Q_C/Q_S (ECDH, Curve25519) or the magnitude of e/f (DH). */
  publicValue: Buffer;
  /** The shared secret K as an unsigned big-endian magnitude. Throws SshProtocolError for an invalid peer value. */
  computeSecret(peerPublic: Buffer): Buffer;
}

export interface KexMethod {
  name: string;
  hash: KexHash;
  /** How the public values enter messages and the exchange hash: as strings (ECDH) or mpints (DH). */
  publicEncoding: 'string' | 'mpint';
  create(): KeyAgreement;
}

function curve25519(): KeyAgreement {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    publicValue: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'),
    computeSecret(peerPublic) {
      if (peerPublic.length !== 32) throw new SshProtocolError(`Curve25519 public key of ${peerPublic.length} bytes, expected 32`);
      try {
        const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: peerPublic.toString('base64url') }, format: 'jwk' });
        const secret = diffieHellman({ privateKey, publicKey: peer });
        // RFC 8731 §3: an all-zero result means a low-order point; OpenSSL already refuses it.
        if (secret.every((byte) => byte === 0)) throw new Error('all-zero shared secret');
        return secret;
      } catch (error) {
        throw new SshProtocolError(`invalid Curve25519 public key: ${(error as Error).message}`);
      }
    },
  };
}

function nistp256(): KeyAgreement {
  const ecdh = createECDH('prime256v1');
  return {
    publicValue: ecdh.generateKeys(),
    computeSecret(peerPublic) {
      // RFC 5656 §4: uncompressed points only; OpenSSL checks the point is on the curve.
      if (peerPublic.length !== 65 || peerPublic[0] !== 4) throw new SshProtocolError('ECDH public key is not an uncompressed P-256 point');
      try {
        return ecdh.computeSecret(peerPublic);
      } catch (error) {
        throw new SshProtocolError(`invalid ECDH public key: ${(error as Error).message}`);
      }
    },
  };
}

function group14(): KeyAgreement {
  // RFC 3526 group 14 is SSH's diffie-hellman-group14 (RFC 4253 §8.2, RFC 8268).
  const group = getDiffieHellman('modp14');
  const publicValue = group.generateKeys();
  const prime = BigInt(`0x${group.getPrime('hex')}`);
  return {
    publicValue,
    computeSecret(peerPublic) {
      const value = peerPublic.length === 0 ? 0n : BigInt(`0x${peerPublic.toString('hex')}`);
      // RFC 4253 §8: values outside [1, p-1] (and the trivial 1, p-1) must be refused.
      if (value <= 1n || value >= prime - 1n) throw new SshProtocolError('Diffie-Hellman public value out of range');
      return group.computeSecret(peerPublic);
    },
  };
}

export const kexMethods: Readonly<Record<string, KexMethod>> = {
  'curve25519-sha256': { name: 'curve25519-sha256', hash: 'sha256', publicEncoding: 'string', create: curve25519 },
  'curve25519-sha256@libssh.org': { name: 'curve25519-sha256@libssh.org', hash: 'sha256', publicEncoding: 'string', create: curve25519 },
  'ecdh-sha2-nistp256': { name: 'ecdh-sha2-nistp256', hash: 'sha256', publicEncoding: 'string', create: nistp256 },
  'diffie-hellman-group14-sha256': { name: 'diffie-hellman-group14-sha256', hash: 'sha256', publicEncoding: 'mpint', create: group14 },
  'diffie-hellman-group14-sha1': { name: 'diffie-hellman-group14-sha1', hash: 'sha1', publicEncoding: 'mpint', create: group14 },
};

/**
 * A public value as it appears in KEX messages and in the exchange hash.
 * @example encodePublicValue(kexMethods['curve25519-sha256'], q) // string(Q)
 */
export function encodePublicValue(method: KexMethod, value: Buffer): Buffer {
  return method.publicEncoding === 'string' ? sshString(value) : sshMpint(value);
}

export interface ExchangeHashInput {
  clientVersion: string;
  serverVersion: string;
  clientKexInit: Buffer;
  serverKexInit: Buffer;
  hostKeyBlob: Buffer;
  clientPublic: Buffer;
  serverPublic: Buffer;
  sharedSecret: Buffer;
}

/**
 * H = HASH(V_C || V_S || I_C || I_S || K_S || Q_C/e || Q_S/f || K), RFC 4253 §8 / RFC 5656 §4.
 * @example const h = exchangeHash(kexMethods['curve25519-sha256'], input)
 */
export function exchangeHash(method: KexMethod, input: ExchangeHashInput): Buffer {
  return createHash(method.hash)
    .update(sshString(Buffer.from(input.clientVersion, 'latin1')))
    .update(sshString(Buffer.from(input.serverVersion, 'latin1')))
    .update(sshString(input.clientKexInit))
    .update(sshString(input.serverKexInit))
    .update(sshString(input.hostKeyBlob))
    .update(encodePublicValue(method, input.clientPublic))
    .update(encodePublicValue(method, input.serverPublic))
    .update(sshMpint(input.sharedSecret))
    .digest();
}

/**
 * One derived key of RFC 4253 §7.2: HASH(K || H || letter || session_id), extended with
 * HASH(K || H || K1 || …) until `length` bytes.
 * @example deriveKey('sha256', k, h, sessionId, 'C', 16) // client-to-server encryption key
 */
export function deriveKey(hash: KexHash, sharedSecret: Buffer, exchange: Buffer, sessionId: Buffer, letter: string, length: number): Buffer {
  const secret = sshMpint(sharedSecret);
  let key = createHash(hash).update(secret).update(exchange).update(letter, 'ascii').update(sessionId).digest();
  // Each round adds a full digest: bounded by the longest key we ever need.
  for (let round = 0; key.length < length && round < 16; round++) {
    key = Buffer.concat([key, createHash(hash).update(secret).update(exchange).update(key).digest()]);
  }
  return key.subarray(0, length);
}

export interface SessionKeys {
  clientToServer: DirectionKeys;
  serverToClient: DirectionKeys;
}

/**
 * All six keys of a session, for the negotiated ciphers and MACs.
 * @example deriveSessionKeys('sha256', k, h, h, negotiated)
 */
export function deriveSessionKeys(
  hash: KexHash,
  sharedSecret: Buffer,
  exchange: Buffer,
  sessionId: Buffer,
  algorithms: { cipherClientToServer: CipherSpec; cipherServerToClient: CipherSpec; macClientToServer?: MacSpec; macServerToClient?: MacSpec },
): SessionKeys {
  const derive = (letter: string, length: number) => deriveKey(hash, sharedSecret, exchange, sessionId, letter, length);
  const direction = (cipher: CipherSpec, mac: MacSpec | undefined, ivLetter: string, keyLetter: string, macLetter: string): DirectionKeys => {
    const keys: DirectionKeys = { cipher, key: derive(keyLetter, cipher.keyLength), iv: derive(ivLetter, cipher.ivLength) };
    if (mac) {
      keys.mac = mac;
      keys.macKey = derive(macLetter, mac.keyLength);
    }
    return keys;
  };
  return {
    clientToServer: direction(algorithms.cipherClientToServer, algorithms.macClientToServer, 'A', 'C', 'E'),
    serverToClient: direction(algorithms.cipherServerToClient, algorithms.macServerToClient, 'B', 'D', 'F'),
  };
}
