import type { GrabStatus, Target } from '../../core/records.ts';
import type { GrabContext } from '../grab.ts';
import type { HttpResult } from './grabber.ts';
import { parseAuthChallenges, type AuthChallenge, type ResponseHead } from './codec.ts';
import { hostHeader, httpGet, type HttpExchange } from './exchange.ts';
import { createAttemptLog } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import { digestAuthorization, pickDigestChallenge } from './digest.ts';

/** A redirect after login that points here is the login form again: a refusal. */
const loginPageLocation = /log[-_]?in|logon|sign[-_]?in|auth|error|fail|denied/i;
/** Transport failures in a row after which the device is left alone. */
const maxConsecutiveErrors = 2;

interface HttpLogin {
  scheme: 'basic' | 'digest';
  path: string;
  realm?: string;
}

/** The login the grab saw: a 401 with a Basic or Digest challenge on `authPath`. */
function loginOf(service: ObservedService<HttpResult>): HttpLogin | undefined {
  const auth = service.result.auth;
  const path = service.result.authPath;
  if (!auth || typeof path !== 'string' || !path.startsWith('/')) return undefined;
  if (auth.scheme !== 'basic' && auth.scheme !== 'digest') return undefined;
  return { scheme: auth.scheme, path, ...(typeof auth.realm === 'string' ? { realm: auth.realm } : {}) };
}

/**
 * HTTP Basic and Digest (RFC 7617, RFC 7616: MD5, SHA-256, SHA-512-256, "-sess", qop
 * auth/auth-int, userhash) on the path that answered 401. One connection per try; a
 * 2xx, or a redirect that is not back to a login page, is acceptance; 401 and 403 are
 * refusals. Nothing is requested after an accepted try.
 * @example checker.check(ctx, service, entries, { maxAttempts: 10, audit })
 */
export function createHttpAuthChecker(scheme: 'http' | 'https'): CredentialChecker<HttpResult> {
  return {
    appliesTo: (service) => service.protocol === scheme && service.status === 'success' && loginOf(service) !== undefined,
    check: (ctx, service, entries, limits) => checkHttp(ctx, service, entries, limits, scheme),
  };
}

/** The checker of plain HTTP services. */
export const httpAuthChecker = createHttpAuthChecker('http');

async function checkHttp(
  ctx: GrabContext,
  service: ObservedService<HttpResult>,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
  scheme: 'http' | 'https',
): Promise<CredentialCheckOutcome> {
  const login = loginOf(service);
  const target: Target = { ip: service.ip, port: service.port };
  const log = createAttemptLog(target, scheme, limits);
  if (!login) return { status: 'protocol-error', attempts: 0, evidence: {}, error: 'no Basic or Digest login recorded for this service' };
  const evidence: Record<string, unknown> = { scheme: login.scheme, path: login.path, ...(login.realm !== undefined ? { realm: login.realm } : {}) };
  const get = (authorization?: string) =>
    httpGet(ctx, { target, path: login.path, host: hostHeader(target, scheme), headers: authorization ? { Authorization: authorization } : {} });

  // Digest needs a fresh nonce: ask once without credentials (not an attempt).
  let challenge: AuthChallenge | undefined;
  let nonceCount = 0;
  if (login.scheme === 'digest') {
    const first = await get();
    if (!first.head) return { status: first.status, attempts: 0, evidence, error: first.error };
    challenge = first.head.status === 401 ? pickDigestChallenge(parseAuthChallenges(first.head.headers['www-authenticate'] ?? '')) : undefined;
    if (!challenge) return { status: 'protocol-error', attempts: 0, evidence, error: `no usable Digest challenge (status ${first.head.status})` };
  }

  let answered = 0;
  let consecutiveErrors = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  for (const entry of entries) {
    if (!log.hasRoom() || ctx.signal.aborted || consecutiveErrors >= maxConsecutiveErrors) break;
    // RFC 7617: a user-id with a colon cannot be sent in Basic.
    if (login.scheme === 'basic' && entry.username.includes(':')) continue;

    let response: HttpExchange = { status: 'protocol-error', body: Buffer.alloc(0), truncated: false };
    // One retry only when the server says the nonce, not the password, was stale.
    for (let round = 0; round < 2; round++) {
      const authorization = challenge
        ? digestAuthorization(challenge, { method: 'GET', uri: login.path, username: entry.username, password: entry.password, nonceCount: ++nonceCount })
        : `Basic ${Buffer.from(`${entry.username}:${entry.password}`, 'utf8').toString('base64')}`;
      response = await get(authorization);
      const renewed =
        challenge && response.head?.status === 401 ? pickDigestChallenge(parseAuthChallenges(response.head.headers['www-authenticate'] ?? '')) : undefined;
      if (renewed) {
        // A new nonce starts its own count; the same nonce keeps counting (replay protection).
        if (renewed.params.nonce !== challenge?.params.nonce) nonceCount = 0;
        challenge = renewed;
      }
      if (!(renewed && renewed.params.stale?.toLowerCase() === 'true')) break;
    }

    if (!response.head) {
      log.record(entry, 'error', response.error ?? response.status);
      lastFailure = response.status;
      consecutiveErrors++;
      continue;
    }
    consecutiveErrors = 0;
    const verdict = judge(response.head);
    log.record(entry, verdict.outcome, verdict.detail);
    if (verdict.outcome === 'accepted')
      return { status: 'success', accepted: entry, attempts: log.count, evidence: { ...evidence, responseStatus: response.head.status } };
    if (verdict.outcome === 'rejected') answered++;
    else lastFailure = 'protocol-error';
  }
  if (log.count > 0 && answered === 0) return { status: lastFailure, attempts: log.count, evidence, error: 'no login attempt got an answer' };
  return { status: 'success', attempts: log.count, evidence };
}

function judge(head: ResponseHead): { outcome: 'accepted' | 'rejected' | 'error'; detail: string } {
  const { status } = head;
  if (status >= 200 && status < 300) return { outcome: 'accepted', detail: `status ${status}` };
  if (status >= 300 && status < 400) {
    const location = head.headers.location ?? '';
    if (!location) return { outcome: 'error', detail: `redirect ${status} without a location` };
    return loginPageLocation.test(location)
      ? { outcome: 'rejected', detail: `redirect to a login page (${status})` }
      : { outcome: 'accepted', detail: `redirect ${status}` };
  }
  if (status === 401 || status === 403) return { outcome: 'rejected', detail: `status ${status}` };
  return { outcome: 'error', detail: `unexpected status ${status}` };
}

export default httpAuthChecker;
