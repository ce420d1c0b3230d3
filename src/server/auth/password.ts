/**
 * Password hashes with scrypt. A hash is a self-describing string in the PHC style —
 * `$scrypt$ln=15,r=8,p=1$SALT$HASH` (base64, no padding) — so the cost can be raised
 * later without invalidating existing hashes: each is verified with its own parameters.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { OpenNoticeError } from '../../core/errors.ts';

/** scrypt cost: N = 2^logN, block size r, parallelism p. */
export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

/**
 * 2^15 × 8 × 128 bytes = 32 MiB and roughly 50–100 ms per hash: slow for someone trying
 * passwords, bearable for a login. (Tests pass a lower cost.)
 */
export const defaultScryptCost: ScryptCost = { logN: 15, r: 8, p: 1 };

const keyLength = 32;
const saltLength = 16;
/** Longer input is refused rather than hashed: nobody types this, and it bounds the work. */
export const maxPasswordLength = 1024;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128·N·r (Node's default is exactly 32 MiB, too tight for logN 15).
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function validCost(cost: ScryptCost): boolean {
  // Bounds also protect verification from a tampered hash that asks for gigabytes.
  return (
    Number.isInteger(cost.logN) &&
    cost.logN >= 1 &&
    cost.logN <= 20 &&
    Number.isInteger(cost.r) &&
    cost.r >= 1 &&
    cost.r <= 32 &&
    Number.isInteger(cost.p) &&
    cost.p >= 1 &&
    cost.p <= 16
  );
}

/**
 * Hash a password with a fresh random salt.
 * @example const stored = await hashPassword('correct horse battery staple') // '$scrypt$ln=15,r=8,p=1$…$…'
 */
export async function hashPassword(password: string, cost: ScryptCost = defaultScryptCost): Promise<string> {
  if (!validCost(cost)) throw new OpenNoticeError('CONFIG_INVALID', `scrypt cost out of bounds: ${JSON.stringify(cost)}`);
  if (password.length > maxPasswordLength) throw new OpenNoticeError('USAGE', `passwords are at most ${maxPasswordLength} characters`);
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, cost);
  return `$scrypt$ln=${cost.logN},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{16,128})$/.exec(stored);
  if (!match) return undefined;
  const cost = { logN: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (!validCost(cost)) return undefined;
  return { cost, salt: Buffer.from(match[4]!, 'base64url'), key: Buffer.from(match[5]!, 'base64url') };
}

/**
 * Whether the password matches the stored hash (constant-time comparison). A malformed
 * hash never matches.
 * @example await verifyPassword('correct horse battery staple', stored) // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || password.length > maxPasswordLength) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/**
 * A verifier for logins: `verify(password, hash)` for a known user, and `verify(password,
 * undefined)` for an unknown one, which spends the same scrypt work on a decoy hash so the
 * response time does not tell whether the user exists. The decoy is made once per verifier.
 * @example const verifier = createPasswordVerifier(); await verifier.verify(input, user?.passwordHash)
 */
export function createPasswordVerifier(cost: ScryptCost = defaultScryptCost): { verify(password: string, stored: string | undefined): Promise<boolean> } {
  let decoy: Promise<string> | undefined;
  return {
    async verify(password, stored) {
      if (stored !== undefined) return verifyPassword(password, stored);
      decoy ??= hashPassword(randomBytes(16).toString('hex'), cost);
      await verifyPassword(password, await decoy);
      return false;
    },
  };
}
