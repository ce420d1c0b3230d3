/**
 * Ed25519 signatures over an exported file's exact bytes, kept beside it as FILE.sig
 * (base64, one line). A resolver or router operator who has the public key checks a file
 * before loading it; any changed byte fails the check.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';

/** Where a file's detached signature lives. */
export const signaturePath = (file: string) => `${file}.sig`;

function readKey(file: string, kind: 'private' | 'public'): KeyObject {
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
 * @example generateSigningKey('blocklist-signing.key')
 */
export function generateSigningKey(privateKeyFile: string): { privateKeyFile: string; publicKeyFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  try {
    // 'wx': never overwrite a key, the lists signed with it would no longer verify.
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

/** A loaded private key that signs bytes. */
export interface BlocklistSigner {
  sign(bytes: Buffer): string;
}

/** @example loadSigner('blocklist-signing.key').sign(Buffer.from('…')) */
export function loadSigner(privateKeyFile: string): BlocklistSigner {
  const key = readKey(privateKeyFile, 'private');
  return { sign: (bytes) => `${sign(null, bytes, key).toString('base64')}\n` };
}

/** The signature bytes of base64 text, or undefined when it is not one Ed25519 signature. */
function signatureBytes(signatureText: string): Buffer | undefined {
  const trimmed = signatureText.trim();
  return /^[A-Za-z0-9+/]{86}==$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
}

/**
 * Whether `signatureText` (base64, as FILE.sig holds it) is a valid signature of `bytes` by the
 * key in publicKeyFile. A malformed signature is an error, not a "no".
 * @example verifySignature(Buffer.from(policy.blocklist.indicatorsJson), policy.blocklist.signature, 'blocklist-signing.key.pub') // true
 */
export function verifySignature(bytes: Buffer, signatureText: string, publicKeyFile: string): boolean {
  const key = readKey(publicKeyFile, 'public');
  const signature = signatureBytes(signatureText);
  if (!signature) throw new OpenNoticeError('CONFIG_INVALID', 'the signature is not an Ed25519 signature (base64)', { file: publicKeyFile });
  return verify(null, bytes, key, signature);
}

/**
 * Whether FILE.sig is a valid signature of FILE's bytes by the key in publicKeyFile. A missing
 * or malformed signature file is an error, not a "no".
 * @example verifyFileSignature('v3/blocklist.rpz', 'blocklist-signing.key.pub') // true
 */
export function verifyFileSignature(file: string, publicKeyFile: string): boolean {
  const key = readKey(publicKeyFile, 'public');
  let bytes: Buffer;
  let signatureText: string;
  try {
    bytes = readFileSync(file);
    signatureText = readFileSync(signaturePath(file), 'utf8');
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `cannot read ${file} and its signature: ${(error as Error).message}`, { file }, { cause: error });
  }
  const signature = signatureBytes(signatureText);
  if (!signature) throw new OpenNoticeError('CONFIG_INVALID', `${signaturePath(file)} is not an Ed25519 signature`, { file });
  return verify(null, bytes, key, signature);
}
