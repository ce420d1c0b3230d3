import { createHash, randomBytes } from 'node:crypto';
import type { AuthChallenge } from './codec.ts';

/** Digest algorithms we can answer, strongest first (RFC 7616 §3.3: the client picks the strongest). */
const supportedAlgorithms = ['SHA-512-256', 'SHA-256', 'MD5'] as const;
const hashNames: Record<(typeof supportedAlgorithms)[number], string> = { 'SHA-512-256': 'sha512-256', 'SHA-256': 'sha256', MD5: 'md5' };

export interface DigestRequest {
  method: string;
  /** Request target exactly as sent on the request line. */
  uri: string;
  username: string;
  password: string;
  /** Nonce count for this nonce, starting at 1. */
  nonceCount: number;
  /** Client nonce; random when omitted (tests pass a fixed one). */
  cnonce?: string;
}

/**
 * Choose the Digest challenge to answer: the strongest supported algorithm (with or
 * without "-sess") whose qop, if present, allows "auth" or "auth-int".
 * @example pickDigestChallenge(parseAuthChallenges(header))
 */
export function pickDigestChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  const usable = challenges.filter(
    (challenge) => challenge.scheme === 'digest' && challenge.params.nonce !== undefined && algorithmOf(challenge) && qopOf(challenge) !== null,
  );
  return usable.sort((a, b) => supportedAlgorithms.indexOf(algorithmOf(a)!.base) - supportedAlgorithms.indexOf(algorithmOf(b)!.base))[0];
}

function algorithmOf(challenge: AuthChallenge): { base: (typeof supportedAlgorithms)[number]; session: boolean } | undefined {
  const name = (challenge.params.algorithm ?? 'MD5').toUpperCase();
  const session = name.endsWith('-SESS');
  const base = supportedAlgorithms.find((algorithm) => algorithm === (session ? name.slice(0, -5) : name));
  return base ? { base, session } : undefined;
}

/** 'auth', 'auth-int', undefined for the RFC 2069 form without qop, or null when nothing usable is offered. */
function qopOf(challenge: AuthChallenge): 'auth' | 'auth-int' | undefined | null {
  const offered = challenge.params.qop;
  if (offered === undefined) return undefined;
  const options = offered.split(',').map((option) => option.trim().toLowerCase());
  if (options.includes('auth')) return 'auth';
  if (options.includes('auth-int')) return 'auth-int';
  return null;
}

/**
 * The Authorization header value answering a Digest challenge (RFC 7616; RFC 2069
 * form when the server offers no qop). GET requests only: auth-int hashes an empty body.
 * @example digestAuthorization(challenge, { method: 'GET', uri: '/', username: 'admin', password: 'admin', nonceCount: 1 })
 */
export function digestAuthorization(challenge: AuthChallenge, request: DigestRequest): string {
  const algorithm = algorithmOf(challenge) ?? { base: 'MD5' as const, session: false };
  const hash = (text: string) => createHash(hashNames[algorithm.base]).update(text, 'utf8').digest('hex');
  const realm = challenge.params.realm ?? '';
  const nonce = challenge.params.nonce ?? '';
  const qop = qopOf(challenge) ?? undefined;
  const cnonce = request.cnonce ?? randomBytes(12).toString('hex');
  const nc = request.nonceCount.toString(16).padStart(8, '0');

  let ha1 = hash(`${request.username}:${realm}:${request.password}`);
  if (algorithm.session) ha1 = hash(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? hash(`${request.method}:${request.uri}:${hash('')}`) : hash(`${request.method}:${request.uri}`);
  const response = qop ? hash(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : hash(`${ha1}:${nonce}:${ha2}`);

  const userhash = challenge.params.userhash?.toLowerCase() === 'true';
  const fields: Array<[string, string, boolean]> = [
    ['username', userhash ? hash(`${request.username}:${realm}`) : request.username, true],
    ['realm', realm, true],
    ['nonce', nonce, true],
    ['uri', request.uri, true],
    ...(challenge.params.algorithm !== undefined ? [['algorithm', challenge.params.algorithm, false] as [string, string, boolean]] : []),
    ['response', response, true],
    ...(qop
      ? ([
          ['qop', qop, false],
          ['nc', nc, false],
          ['cnonce', cnonce, true],
        ] as Array<[string, string, boolean]>)
      : []),
    ...(challenge.params.opaque !== undefined ? [['opaque', challenge.params.opaque, true] as [string, string, boolean]] : []),
    ...(userhash ? [['userhash', 'true', false] as [string, string, boolean]] : []),
  ];
  return `Digest ${fields.map(([name, value, quoted]) => (quoted ? `${name}="${value.replace(/(["\\])/g, '\\$1')}"` : `${name}=${value}`)).join(', ')}`;
}
