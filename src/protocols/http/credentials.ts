import type { GrabStatus, Target } from '../../core/records.ts';
import type { GrabContext } from '../grab.ts';
import type { HttpResult } from './grabber.ts';
import { parseAuthChallenges, type AuthChallenge, type ResponseHead } from './codec.ts';
import { hostHeader, type HttpExchange } from './exchange.ts';
import { createKeepAliveClient } from './keep-alive.ts';
import { createAttemptLog } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import { digestAuthorization, pickDigestChallenge } from './digest.ts';
import { createPaceCounter, defaultLoginTiming, loginContext } from '../login-pacing.ts';

/** A redirect after login that points here is the login form again: a refusal. */
const loginPageLocation = /log[-_]?in|logon|sign[-_]?in|auth|error|fail|denied/i;

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

/** Answers of a server with too many clients: back off and come back. */
const busyStatuses = new Set([429, 503]);

/**
 * HTTP Basic and Digest (RFC 7617, RFC 7616: MD5, SHA-256, SHA-512-256, "-sess", qop
 * auth/auth-int, userhash) on the path that answered 401. Tries ride one kept-alive
 * connection for as long as the server keeps it (keep-alive.ts); a 2xx, or a redirect that
 * is not back to a login page, is acceptance; 401 and 403 are refusals. A try left without
 * an answer is made once more on a new connection; 503 and 429 are met with backoff.
 * Nothing is requested after an accepted try.
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
  const timing = limits.timing ?? defaultLoginTiming;
  const log = createAttemptLog(target, scheme, limits);
  const pace = createPaceCounter(timing);
  if (!login) return { status: 'protocol-error', attempts: 0, evidence: {}, error: 'no Basic or Digest login recorded for this service' };
  const client = createKeepAliveClient(loginContext(ctx, timing), target, {
    onConnected: () => pace.connected(),
    answerWaitMs: timing.answerWaitMs,
  });
  const evidence: Record<string, unknown> = { scheme: login.scheme, path: login.path, ...(login.realm !== undefined ? { realm: login.realm } : {}) };
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence' | 'pace'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    client.close();
    return { ...outcome, attempts: log.count, pace: pace.pace(), evidence: { ...evidence, connections: pace.connections, ...extra } };
  };
  const get = (authorization?: string) =>
    client.get({ path: login.path, host: hostHeader(target, scheme), headers: authorization ? { Authorization: authorization } : {} });

  // Digest needs a fresh nonce: ask once without credentials (not an attempt).
  let challenge: AuthChallenge | undefined;
  let nonceCount = 0;
  if (login.scheme === 'digest') {
    const first = await get();
    if (!first.head) return finish({ status: first.status, ...(first.error ? { error: first.error } : {}) });
    challenge = first.head.status === 401 ? pickDigestChallenge(parseAuthChallenges(first.head.headers['www-authenticate'] ?? '')) : undefined;
    if (!challenge) return finish({ status: 'protocol-error', error: `no usable Digest challenge (status ${first.head.status})` });
  }

  const triedAgain = new Set<string>();
  let answered = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  let retry: DictionaryEntry | undefined;
  let index = 0;
  // Every pass consumes an entry or repeats one (once after silence, at most maxBackoffs after "busy"): bounded.
  for (let pass = 0; pass < 2 * entries.length + timing.maxBackoffs + 2; pass++) {
    if (!log.hasRoom() || (index >= entries.length && !retry) || ctx.signal.aborted) break;
    const entry = retry ?? entries[index++]!;
    retry = undefined;
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
    pace.tried();

    if (!response.head) {
      client.close();
      lastFailure = response.status;
      if (!triedAgain.has(entry.id)) {
        // Dropped or timed out: the entry proves nothing yet. Once more, on a new connection.
        triedAgain.add(entry.id);
        pace.retried();
        log.record(entry, 'error', `${response.error ?? response.status}; tried again on a new connection`);
        retry = entry;
        continue;
      }
      log.record(entry, 'error', response.error ?? response.status);
      return finish({ status: response.status, error: `the server stopped answering (${response.error ?? response.status})` });
    }
    if (busyStatuses.has(response.head.status)) {
      log.record(entry, 'error', `status ${response.head.status}: busy; tried again after a backoff`);
      client.close();
      if (!(await pace.backOff(ctx.signal))) return finish({ status: 'protocol-error', error: `status ${response.head.status} after every backoff` });
      retry = entry;
      continue;
    }
    const verdict = judge(response.head);
    log.record(entry, verdict.outcome, verdict.detail);
    if (verdict.outcome === 'accepted') return finish({ status: 'success', accepted: entry }, { responseStatus: response.head.status });
    if (verdict.outcome === 'rejected') answered++;
    else lastFailure = 'protocol-error';
  }
  if (log.count > 0 && answered === 0) return finish({ status: lastFailure, error: 'no login attempt got an answer' });
  return finish({ status: 'success' });
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
