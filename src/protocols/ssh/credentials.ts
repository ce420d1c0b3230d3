import type { Target } from '../../core/records.ts';
import { statusForReadEnd } from '../../scope/connection.ts';
import type { GrabContext } from '../grab.ts';
import type { SshResult } from './grabber.ts';
import { createAttemptLog, type AttemptLog } from '../../assess/credentials/attempts.ts';
import { createPaceCounter, defaultLoginTiming, hasRoomForTry, loginContext, type LoginTiming, type PaceCounter } from '../login-pacing.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import { defaultSshClientOptions, failureOf, openSshLoginSession, type SshClientOptions, type SshLoginSession } from './transport/client.ts';
import type { AuthAnswer } from './transport/userauth.ts';

/** One open connection and what the server has seen on it. */
interface LiveSession {
  ssh: SshLoginSession;
  /** Servers refuse a change of user name within a connection (OpenSSH and dropbear hang up). */
  username: string;
  /** Refused attempts on this connection. */
  failures: number;
}

/** State of one check that lives across reconnections. */
interface CheckState {
  log: AttemptLog;
  pace: PaceCounter;
  timing: LoginTiming;
  evidence: Record<string, unknown>;
  answered: number;
  /** Authentication methods the server said can continue, once known. */
  methods?: string[];
  /** Refusals a server takes on one connection before it hangs up, once seen. */
  failuresPerConnection?: number;
  /** Entries already tried again after a connection ended without an answer. */
  retried: Set<string>;
  session?: LiveSession & { openedAt: number };
}

/**
 * How far ahead in the ordered list a connection looks for another entry with its user
 * name: servers refuse a change of user name within a connection, so taking the next
 * entries of the same user first gives several tries per connection while keeping close
 * to the likeliness order.
 */
export const sameUserLookAhead = 32;

/**
 * SSH password checker. Per connection: key exchange (the host key signature is
 * verified, its fingerprint recorded), ssh-userauth, then one user name — servers hang up
 * when it changes — with "password", or "keyboard-interactive" answering password
 * prompts when password is not offered. Several tries per connection: the next entries
 * with the connection's user name (within `sameUserLookAhead`) go first, up to the
 * refusals the server takes before hanging up. The first connection asks "none" first to
 * learn the methods. Answers are awaited as long as the login timing says (sshd with PAM
 * waits 2 s ± 25 % before a refusal); an attempt left unanswered is tried once more on a
 * new connection; a server that hangs up before its identification line or says "too many
 * connections" is met with backoff. After USERAUTH_SUCCESS the TCP connection is closed
 * at once: no channel, no command.
 * @example const checker = createSshChecker(); await checker.check(ctx, observation, entries, { maxAttempts: 10, audit })
 */
export function createSshChecker(options: Partial<SshClientOptions> = {}): CredentialChecker<SshResult> {
  const settings = { ...defaultSshClientOptions, ...options };
  return {
    appliesTo: (service) => service.protocol === 'ssh' && service.status === 'success' && ['2.0', '1.99'].includes(String(service.result.protocolVersion)),
    check: (ctx, service, entries, limits) => checkSsh(ctx, service, entries, limits, settings),
  };
}

async function checkSsh(
  ctx: GrabContext,
  service: ObservedService<SshResult>,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
  settings: SshClientOptions,
): Promise<CredentialCheckOutcome> {
  const target: Target = { ip: service.ip, port: service.port };
  const timing = limits.timing ?? defaultLoginTiming;
  const state: CheckState = {
    log: createAttemptLog(target, 'ssh', limits),
    pace: createPaceCounter(timing),
    timing,
    evidence: {},
    answered: 0,
    retried: new Set(),
  };
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    state.session?.ssh.close();
    return { ...outcome, attempts: state.log.count, pace: state.pace.pace(), evidence: { ...state.evidence, connections: state.pace.connections, ...extra } };
  };
  try {
    return await tryEntries(loginContext(ctx, timing), ctx.signal, target, entries, limits.maxAttempts, settings, state, finish);
  } catch (error) {
    // Garbage mid-authentication: a protocol error, with what was learned so far.
    return finish(failureOf(error));
  }
}

type Finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra?: Record<string, unknown>) => CredentialCheckOutcome;

/** The next entry to try: the retry first, then one of the connection's user name close ahead, else the likeliest left. */
function takeNext(queue: DictionaryEntry[], state: CheckState): DictionaryEntry | undefined {
  const live = state.session;
  const roomOnConnection = live && (state.failuresPerConnection === undefined || live.failures < state.failuresPerConnection);
  const sameUser = roomOnConnection ? queue.slice(0, sameUserLookAhead).findIndex((entry) => entry.username === live.username) : -1;
  return queue.splice(Math.max(0, sameUser), 1)[0];
}

async function tryEntries(
  ctx: GrabContext,
  signal: AbortSignal,
  target: Target,
  entries: readonly DictionaryEntry[],
  maxAttempts: number,
  settings: SshClientOptions,
  state: CheckState,
  finish: Finish,
): Promise<CredentialCheckOutcome> {
  // Each reconnection needs an attempt under the cap to justify it (as for telnet).
  const maxConnections = maxAttempts + state.timing.maxBackoffs + 1;
  const queue = [...entries];
  let retry: DictionaryEntry | undefined;
  // Every pass consumes an entry, retries one at most once, or opens a capped connection: bounded.
  for (let pass = 0; pass < 2 * entries.length + maxConnections + 2; pass++) {
    if (!state.log.hasRoom() || (queue.length === 0 && !retry) || signal.aborted) break;
    const entry = retry ?? takeNext(queue, state)!;
    retry = undefined;
    const current = state.session;
    const reusable =
      current &&
      current.username === entry.username &&
      (state.failuresPerConnection === undefined || current.failures < state.failuresPerConnection) &&
      hasRoomForTry(current.openedAt, state.timing);
    if (!reusable) {
      current?.ssh.close();
      state.session = undefined;
      if (state.pace.connections >= maxConnections) break;
      state.pace.connected();
      const opened = await openSshLoginSession(ctx, target, settings);
      if ('error' in opened) {
        if (opened.busy && (await state.pace.backOff(signal))) {
          retry = entry; // nothing was tried with it
          continue;
        }
        return finish({ status: opened.status, error: opened.error });
      }
      state.session = { ssh: opened.session, username: entry.username, failures: 0, openedAt: performance.now() };
      recordTransport(state.evidence, opened.session);
      if (!state.methods) {
        const early = await askMethods(state, entry, entries, finish);
        if (early) return early;
      }
    }
    const session = state.session!;
    const method = state.methods!.includes('password') ? 'password' : state.methods!.includes('keyboard-interactive') ? 'keyboard-interactive' : undefined;
    // Only public keys (or host-based logins): no password can be tried, and none would work.
    if (!method) return finish({ status: 'success' }, { passwordLogin: false });
    state.pace.tried();
    const answer =
      method === 'password'
        ? await session.ssh.auth.password(entry.username, entry.password)
        : await session.ssh.auth.keyboardInteractive(entry.username, entry.password);
    noteBanner(state.evidence, session.ssh);
    switch (answer.kind) {
      case 'success':
      case 'password-change':
        session.ssh.close(); // before anything else: not one more byte to the device
        state.log.record(entry, 'accepted', answer.kind === 'success' ? `${method} accepted` : 'password accepted; the server asks for a new one');
        return finish(
          { status: 'success', accepted: entry },
          { method: `userauth-${method}`, ...(answer.kind === 'password-change' ? { passwordChangeRequested: true } : {}) },
        );
      case 'failure':
        state.log.record(entry, 'rejected', answer.partialSuccess ? `${method}: partial success, another method is required too` : `${method} refused`);
        state.answered++;
        session.failures++;
        state.methods = answer.methods;
        break;
      case 'unanswerable':
        state.log.record(entry, 'no-prompt', `keyboard-interactive prompt not understood: ${answer.prompt}`);
        return finish({ status: 'protocol-error', error: `keyboard-interactive asks something other than a password: ${JSON.stringify(answer.prompt)}` });
      case 'ended': {
        session.ssh.close();
        state.session = undefined;
        if (!state.retried.has(entry.id)) {
          // Hung up after earlier refusals: either this attempt was refused by hanging up
          // (OpenSSH at MaxAuthTries) or the server left before reading it (dropbear); or
          // no answer came in time. Try it once more on a new connection, and after a
          // hang-up stop short of that count from now on.
          if (answer.end === 'closed' && session.failures > 0) {
            state.failuresPerConnection = Math.min(state.failuresPerConnection ?? Number.POSITIVE_INFINITY, session.failures);
          }
          state.retried.add(entry.id);
          state.pace.retried();
          state.log.record(
            entry,
            'error',
            `${answer.end === 'closed' ? 'connection closed before an answer' : `no answer (${answer.end})`}; tried again on a new connection`,
          );
          retry = entry;
        } else if (answer.end === 'closed') {
          state.log.record(entry, 'rejected', answer.disconnect ? `disconnected: ${answer.disconnect}` : 'connection closed after the attempt');
          state.answered++;
        } else {
          state.log.record(entry, 'error', `no answer (${answer.end})`);
          return finish({ status: statusForReadEnd(answer.end), error: answer.error ?? `connection ${answer.end} after an authentication request, twice` });
        }
        break;
      }
    }
  }
  // Attempts that never got an answer prove nothing about the credentials.
  if (state.log.count > 0 && state.answered === 0) return finish({ status: 'protocol-error', error: 'no login attempt got an answer' });
  return finish({ status: 'success' });
}

/**
 * "none" with the first user name: learns the methods. A server that lets that user in
 * without any password has a blank password on an account (dropbear -B, OpenSSH
 * PermitEmptyPasswords): that is the dictionary's empty-password entry for the user if
 * there is one, and no authentication at all otherwise.
 */
async function askMethods(
  state: CheckState,
  entry: DictionaryEntry,
  entries: readonly DictionaryEntry[],
  finish: Finish,
): Promise<CredentialCheckOutcome | undefined> {
  const session = state.session!;
  const answer: AuthAnswer = await session.ssh.auth.none(entry.username);
  noteBanner(state.evidence, session.ssh);
  if (answer.kind === 'failure') {
    state.methods = answer.methods;
    // The name-list as the server sent it ("publickey,password"): one text, as on the wire.
    state.evidence.authMethods = answer.methods.join(',');
    return undefined;
  }
  session.ssh.close();
  if (answer.kind === 'success') {
    const blank = entries.find((candidate) => candidate.username === entry.username && candidate.password === '');
    if (!blank) return finish({ status: 'success', noAuthentication: true }, { method: 'userauth-none', username: entry.username });
    state.log.record(blank, 'accepted', 'accepted without a password ("none" method)');
    return finish({ status: 'success', accepted: blank }, { method: 'userauth-none' });
  }
  if (answer.kind === 'ended')
    return finish({
      status: answer.end === 'closed' ? 'protocol-error' : statusForReadEnd(answer.end),
      error: answer.error ?? `connection ${answer.end} before the server listed its methods`,
    });
  return finish({ status: 'protocol-error', error: `unexpected answer to "none": ${answer.kind}` });
}

/** The first USERAUTH_BANNER ("Authorized use only …") often names the device. */
function noteBanner(evidence: Record<string, unknown>, session: SshLoginSession): void {
  if (evidence.authBanner === undefined && session.auth.banners.length > 0) evidence.authBanner = session.auth.banners[0];
}

function recordTransport(evidence: Record<string, unknown>, session: SshLoginSession): void {
  if (evidence.hostKeyFingerprint) return;
  const { negotiated, hostKeyFingerprint, peerVersion } = session.handshake;
  Object.assign(evidence, {
    serverVersion: peerVersion,
    hostKeyAlgorithm: negotiated.hostKey,
    hostKeyFingerprint,
    kex: negotiated.kex,
    cipher: negotiated.cipherClientToServer.name,
    ...(negotiated.macClientToServer ? { mac: negotiated.macClientToServer.name } : {}),
  });
}

export default createSshChecker();
