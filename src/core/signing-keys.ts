/**
 * Ed25519 key files, shared by everything opennotice signs: blocklist exports
 * (blocklist/signing.ts) and the audit trail's checkpoints (audit/checkpoint.ts). A key pair is
 * KEY (PKCS#8 PEM, owner-only) and KEY.pub (SPKI PEM); a signature is base64 text.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { OpenNoticeError } from './errors.ts';

/** An Ed25519 signature in base64: 64 bytes. */
const signatureShape = /^[A-Za-z0-9+/]{86}==$/;

/**
 * Reads an Ed25519 key from a PEM file; anything else is CONFIG_INVALID naming the file.
 * @example const key = readSigningKey('audit.key', 'private')
 */
export function readSigningKey(file: string, kind: 'private' | 'public'): KeyObject {
  let key: KeyObject;
  try {
    const pem = readFileSync(file);
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `cannot read the ${kind} key ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new OpenNoticeError('CONFIG_INVALID', `${file} is a ${key.asymmetricKeyType} key, not Ed25519`, { file });
  return key;
}

/**
 * Write a new key pair: KEY (PKCS#8 PEM, readable by the owner only) and KEY.pub (SPKI PEM).
 * Never overwrites a key: what was signed with it would no longer verify.
 * @example generateSigningKey('audit-signing.key') // { privateKeyFile: 'audit-signing.key', publicKeyFile: 'audit-signing.key.pub' }
 */
export function generateSigningKey(privateKeyFile: string): { privateKeyFile: string; publicKeyFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new OpenNoticeError(
      'CONFIG_INVALID',
      `cannot write the key ${privateKeyFile}: ${(error as Error).message}`,
      { file: privateKeyFile },
      { cause: error },
    );
  }
  const publicKeyFile = `${privateKeyFile}.pub`;
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKeyFile, publicKeyFile };
}

/** @example signBytes(privateKey, Buffer.from('…')) // 'q83v…==' */
export function signBytes(privateKey: KeyObject, bytes: Uint8Array): string {
  return sign(null, bytes, privateKey).toString('base64');
}

/**
 * Whether `signature` (base64) is the key's signature of `bytes`; a malformed signature is a "no".
 * @example signatureValid(publicKey, bytes, signBytes(privateKey, bytes)) // true
 */
export function signatureValid(publicKey: KeyObject, bytes: Uint8Array, signature: string): boolean {
  if (!signatureShape.test(signature)) return false;
  return verify(null, bytes, publicKey, Buffer.from(signature, 'base64'));
}

/** Whether text looks like an Ed25519 signature in base64 (a file's shape check). */
export function isSignatureText(text: string): boolean {
  return signatureShape.test(text);
}

/**
 * The public key of either half of a pair as SPKI PEM, to hand to whoever verifies.
 * @example publicKeyPem(readSigningKey('audit.key', 'private'))
 */
export function publicKeyPem(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * A key's fingerprint: SHA-256 (hex) of its public key's DER encoding, the same for both
 * halves of a pair, so a checkpoint can say which key signed it.
 * @example keyFingerprint(readSigningKey('audit.key.pub', 'public')).slice(0, 16)
 */
export function keyFingerprint(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}
