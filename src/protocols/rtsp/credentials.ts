import type { GrabStatus, Target } from '../../core/records.ts';
import { createAttemptLog } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import type { GrabContext } from '../grab.ts';
import { createPaceCounter, defaultLoginTiming, loginContext, type PaceCounter } from '../login-pacing.ts';
import { parseAuthChallenges, type AuthChallenge } from '../http/auth-challenge.ts';
import { digestAuthorization, pickDigestChallenge } from '../http/digest.ts';
import { rtspUrl, type RtspResponse } from './codec.ts';
import type { RtspResult } from './grabber.ts';
import { createRtspSession, type RtspAnswer, type RtspSession } from './session.ts';

/** How long the checker watches a connection for a hang-up before its next try (see RtspSessionOptions). */
const hangUpCheckMs = 20;
/** Tries in a row without a usable answer (no answer, or an unexpected status) after which the camera is left alone. */
const maxConsecutiveErrors = 2;

interface RtspLogin {
  scheme: 'basic' | 'digest';
  path: string;
  realm?: string;
}

/** The login the grab saw: a DESCRIBE (or OPTIONS) answered 401 with a Basic or Digest challenge on `authPath`. */
function loginOf(service: ObservedService<RtspResult>): RtspLogin | undefined {
  const { auth, authPath } = service.result;
  if (!auth || typeof authPath !== 'string' || !authPath.startsWith('/')) return undefined;
  if (auth.scheme !== 'basic' && auth.scheme !== 'digest') return undefined;
  return { scheme: auth.scheme, path: authPath, ...(typeof auth.realm === 'string' ? { realm: auth.realm } : {}) };
}

/** A stream the grab's DESCRIBE, sent without any credential, was answered with. */
function openStreamOf(service: ObservedService<RtspResult>): { path: string; sessionName?: string; media: string[] } | undefined {
  const { status, sdp, auth, path } = service.result;
  if (status !== 200 || !sdp || auth !== undefined || typeof path !== 'string') return undefined;
  return { path, ...(sdp.sessionName !== undefined ? { sessionName: sdp.sessionName } : {}), media: Array.isArray(sdp.media) ? sdp.media : [] };
}

/**
 * RTSP Basic and Digest (the HTTP schemes, RFC 2326 §D) on the URL whose DESCRIBE answered 401.
 * One DESCRIBE per try, several tries per connection while the camera keeps it open, a new
 * connection when it closes. 200 is acceptance, 401 and 403 refusals; after acceptance the
 * connection is closed at once: no SETUP, no PLAY, nothing. A stream the grab described
 * without any credential is reported as no-authentication, and nothing is sent for it.
 * @example rtspChecker.check(ctx, service, entries, { maxAttempts: 10, audit })
 */
export const rtspChecker: CredentialChecker<RtspResult> = {
  appliesTo: (service) =>
    service.protocol === 'rtsp' && service.status === 'success' && (loginOf(service) !== undefined || openStreamOf(service) !== undefined),
  concludeFromGrab: openStreamOutcome,
  check: (ctx, service, entries, limits) => checkRtsp(ctx, service, entries, limits),
};

/** A stream the grab described without credentials: no-authentication, nothing to send. */
function openStreamOutcome(service: ObservedService<RtspResult>): CredentialCheckOutcome | undefined {
  const open = openStreamOf(service);
  return open ? { status: 'success', noAuthentication: true, attempts: 0, evidence: { openStream: true, ...open } } : undefined;
}

async function checkRtsp(
  ctx: GrabContext,
  service: ObservedService<RtspResult>,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
): Promise<CredentialCheckOutcome> {
  const open = openStreamOutcome(service);
  if (open) return open;
  const login = loginOf(service);
  if (!login) return { status: 'protocol-error', attempts: 0, evidence: {}, error: 'no Basic or Digest login recorded for this service' };
  const target: Target = { ip: service.ip, port: service.port };
  const timing = limits.timing ?? defaultLoginTiming;
  const pace = createPaceCounter(timing);
  // The login timing's answer wait, not the grab's: a camera slow to answer one DESCRIBE (or a
  // loaded network) must not turn the right pair into "no answer".
  const session = createRtspSession(loginContext(ctx, timing), target, {
    hangUpCheckMs,
    onConnected: () => pace.connected(),
    answerWaitMs: timing.answerWaitMs,
  });
  try {
    return await tryEntries(ctx, session, pace, target, login, entries, limits);
  } finally {
    session.close();
  }
}

async function tryEntries(
  ctx: GrabContext,
  session: RtspSession,
  pace: PaceCounter,
  target: Target,
  login: RtspLogin,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
): Promise<CredentialCheckOutcome> {
  const log = createAttemptLog(target, 'rtsp', limits);
  const url = rtspUrl(target, login.path);
  const maxConnections = limits.maxAttempts + 2;
  const baseEvidence = { scheme: login.scheme, path: login.path, ...(login.realm !== undefined ? { realm: login.realm } : {}) };
  const evidence = (extra: Record<string, unknown> = {}) => ({ ...baseEvidence, connections: session.connections, ...extra });
  const outcome = (result: Omit<CredentialCheckOutcome, 'pace'>): CredentialCheckOutcome => ({ ...result, pace: pace.pace() });
  const describe = (authorization?: string) =>
    session.request('DESCRIBE', login.path, [['Accept', 'application/sdp'], ...(authorization ? [['Authorization', authorization] as const] : [])]);

  let challenge: AuthChallenge | undefined;
  /** The connection the challenge's nonce belongs to. */
  let challengeConnection = 0;
  let nonceCount = 0;
  let answered = 0;
  let consecutiveErrors = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  let retriedIndex = -1;
  let index = 0;
  const hangUps = createHangUpLearner(session);
  for (let round = 0; round < 2 * entries.length + 2 && index < entries.length; round++) {
    if (!log.hasRoom() || ctx.signal.aborted || consecutiveErrors >= maxConsecutiveErrors) break;
    hangUps.closeBeforeHangUp();
    if (!session.connected && session.connections >= maxConnections) break;
    const entry = entries[index];
    // RFC 7617: a user name with a colon cannot be sent in Basic.
    if (login.scheme === 'basic' && entry.username.includes(':')) {
      index++;
      continue;
    }
    if (login.scheme === 'digest' && (!session.connected || !challenge)) {
      // Cameras tie nonces to their connection: each new one starts with a challenge (not a try).
      const first = await describe();
      hangUps.observe(first);
      const picked = first.kind === 'response' && first.response.status === 401 ? pickDigestChallenge(challengesOf(first.response)) : undefined;
      if (!picked) {
        const failure =
          first.kind === 'failed' ? first : { status: 'protocol-error' as const, error: `no usable Digest challenge (status ${first.response.status})` };
        if (log.count === 0) return outcome({ status: failure.status, attempts: 0, evidence: evidence(), error: failure.error });
        lastFailure = failure.status;
        consecutiveErrors++;
        continue;
      }
      challenge = picked;
      challengeConnection = session.connections;
      nonceCount = 0;
    }

    let answer: RtspAnswer | undefined;
    // One retry only when the nonce, not the password, was wrong: the camera says it was stale,
    // or the camera had hung up and the try went over a new connection with the old one's nonce.
    for (let stale = 0; stale < 2; stale++) {
      const authorization = challenge
        ? digestAuthorization(challenge, { method: 'DESCRIBE', uri: url, username: entry.username, password: entry.password, nonceCount: ++nonceCount })
        : `Basic ${Buffer.from(`${entry.username}:${entry.password}`, 'utf8').toString('base64')}`;
      answer = await describe(authorization);
      hangUps.observe(answer);
      if (answer.kind !== 'response' || !challenge || answer.response.status !== 401) break;
      const renewed = pickDigestChallenge(challengesOf(answer.response));
      if (!renewed) break;
      const otherConnection = session.connections !== challengeConnection;
      // A new nonce starts its own count; the same nonce keeps counting (replay protection).
      if (renewed.params.nonce !== challenge.params.nonce) nonceCount = 0;
      challenge = renewed;
      challengeConnection = session.connections;
      if (renewed.params.stale?.toLowerCase() !== 'true' && !otherConnection) break;
      // The camera counted the stale try as a refused login on this connection.
      hangUps.refused();
    }
    if (!answer) break;
    pace.tried();

    if (answer.kind === 'failed') {
      lastFailure = answer.status;
      // A try that went unanswered (the camera hung up without a word, or the answer did not come
      // in time) proves nothing about the pair: once more on a new connection.
      // One that began an answer and then stalled (a status line, then silence) is hostile, not slow.
      const unanswered =
        answer.closedSilently || (answer.statusLine === undefined && (answer.status === 'io-timeout' || answer.status === 'deadline-exceeded'));
      if (unanswered && retriedIndex !== index) {
        retriedIndex = index;
        pace.retried();
        session.close();
        log.record(entry, 'error', `${answer.error}; tried again on a new connection`);
      } else if (retriedIndex === index) {
        // Unanswered twice in a row on fresh connections: the camera stopped answering.
        log.record(entry, 'error', answer.error);
        break;
      } else {
        log.record(entry, 'error', answer.error);
        consecutiveErrors++;
        index++;
      }
      continue;
    }
    index++;
    const verdict = judge(answer.response);
    log.record(entry, verdict.outcome, verdict.detail);
    if (verdict.outcome === 'accepted') {
      session.close(); // nothing after acceptance: no SETUP, no PLAY, no TEARDOWN
      return outcome({ status: 'success', accepted: entry, attempts: log.count, evidence: evidence({ responseStatus: answer.response.status }) });
    }
    if (verdict.outcome === 'rejected') {
      hangUps.refused();
      answered++;
      consecutiveErrors = 0;
    } else {
      lastFailure = 'protocol-error';
      consecutiveErrors++;
    }
  }
  if (log.count > 0 && answered === 0)
    return outcome({ status: lastFailure, attempts: log.count, evidence: evidence(), error: 'no login attempt got an answer' });
  return outcome({ status: 'success', attempts: log.count, evidence: evidence() });
}

/**
 * Learns how many refused logins the camera takes on one connection before it hangs up, and from
 * then on closes each connection itself after that many. Without it the checker only learns of a
 * hang-up by watching `hangUpCheckMs` after each refusal; when the camera (or a loaded network)
 * is slower than that, the next try goes over a dying connection and costs a try for nothing —
 * on a camera that hangs up after every second refusal, a third of the per-service cap.
 */
function createHangUpLearner(session: RtspSession) {
  let refusalsOnConnection = 0;
  let connection = session.connections;
  let hangsUpAfter: number | undefined;
  const learn = () => {
    if (refusalsOnConnection > 0) hangsUpAfter = Math.min(hangsUpAfter ?? refusalsOnConnection, refusalsOnConnection);
    refusalsOnConnection = 0;
    connection = session.connections;
  };
  return {
    /** Before a try: close the connection the camera is about to hang up. */
    closeBeforeHangUp(): void {
      if (session.connected && hangsUpAfter !== undefined && refusalsOnConnection >= hangsUpAfter) {
        session.close();
        refusalsOnConnection = 0;
      }
    },
    /**
     * After a request: one that went unanswered on a used connection, or had to dial again, saw
     * the camera hang up after the refusals counted. Any other failure ends the connection
     * without saying why, so its refusals teach nothing.
     */
    observe(answer: RtspAnswer): void {
      if (answer.kind === 'response') {
        if (session.connections !== connection) learn();
        return;
      }
      if (answer.closedSilently && answer.reusedConnection) learn();
      refusalsOnConnection = 0;
      connection = session.connections;
    },
    /** The try was refused on the connection it went over. */
    refused(): void {
      if (session.connections !== connection) {
        refusalsOnConnection = 0;
        connection = session.connections;
      }
      refusalsOnConnection++;
    },
  };
}

function challengesOf(response: RtspResponse): AuthChallenge[] {
  return parseAuthChallenges(response.headers['www-authenticate'] ?? '');
}

function judge(response: RtspResponse): { outcome: 'accepted' | 'rejected' | 'error'; detail: string } {
  const { status } = response;
  if (status === 200) return { outcome: 'accepted', detail: 'DESCRIBE answered 200' };
  if (status === 401 || status === 403) return { outcome: 'rejected', detail: `DESCRIBE answered ${status}` };
  return { outcome: 'error', detail: `unexpected status ${status}` };
}

export default rtspChecker;
