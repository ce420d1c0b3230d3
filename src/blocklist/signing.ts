/**
 * Ed25519 signatures over an exported file's exact bytes, kept beside it as FILE.sig
 * (base64, one line). A resolver or router operator who has the public key checks a file
 * before loading it; any changed byte fails the check.
 */
import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';
import { isSignatureText, readSigningKey, signBytes, signatureValid } from '../core/signing-keys.ts';

export { generateSigningKey } from '../core/signing-keys.ts';

/** Where a file's detached signature lives. */
export const signaturePath = (file: string) => `${file}.sig`;

/** A loaded private key that signs bytes. */
export interface BlocklistSigner {
  sign(bytes: Buffer): string;
}

/** @example loadSigner('blocklist-signing.key').sign(Buffer.from('…')) */
export function loadSigner(privateKeyFile: string): BlocklistSigner {
  const key = readSigningKey(privateKeyFile, 'private');
  return { sign: (bytes) => `${signBytes(key, bytes)}\n` };
}

/**
 * Whether FILE.sig is a valid signature of FILE's bytes by the key in publicKeyFile. A missing
 * or malformed signature file is an error, not a "no".
 * @example verifyFileSignature('v3/blocklist.rpz', 'blocklist-signing.key.pub') // true
 */
export function verifyFileSignature(file: string, publicKeyFile: string): boolean {
  const key = readSigningKey(publicKeyFile, 'public');
  let bytes: Buffer;
  let signatureText: string;
  try {
    bytes = readFileSync(file);
    signatureText = readFileSync(signaturePath(file), 'utf8').trim();
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `cannot read ${file} and its signature: ${(error as Error).message}`, { file }, { cause: error });
  }
  if (!isSignatureText(signatureText)) throw new OpenNoticeError('CONFIG_INVALID', `${signaturePath(file)} is not an Ed25519 signature`, { file });
  return signatureValid(key, bytes, signatureText);
}

/**
 * Whether `signatureText` (base64, as FILE.sig holds it) is a valid signature of `bytes` by the
 * key in publicKeyFile: for signed bytes that are not a file (a gateway policy's blocklist).
 * A malformed signature is an error, not a "no".
 * @example verifySignature(Buffer.from(policy.blocklist.indicatorsJson), policy.blocklist.signature, 'blocklist-signing.key.pub') // true
 */
export function verifySignature(bytes: Buffer, signatureText: string, publicKeyFile: string): boolean {
  const key = readSigningKey(publicKeyFile, 'public');
  const trimmed = signatureText.trim();
  if (!isSignatureText(trimmed)) throw new OpenNoticeError('CONFIG_INVALID', 'the signature is not an Ed25519 signature (base64)', { file: publicKeyFile });
  return signatureValid(key, bytes, trimmed);
}
