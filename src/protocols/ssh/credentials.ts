import type { Target } from '../../core/records.ts';
import { statusForReadEnd } from '../../scope/connection.ts';
import type { GrabContext } from '../grab.ts';
import type { SshResult } from './grabber.ts';
import { createAttemptLog, type AttemptLog } from '../../assess/credentials/attempts.ts';
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
  evidence: Record<string, unknown>;
  connections: number;
  answered: number;
  /** Authentication methods the server said can continue, once known. */
  methods?: string[];
  /** Refusals a server takes on one connection before it hangs up, once seen. */
  failuresPerConnection?: number;
  /** Entries already tried again after a connection ended without an answer. */
  retried: Set<string>;
  session?: LiveSession;
}

/**
 * SSH password checker. Per connection: key exchange (the host key signature is
 * verified, its fingerprint recorded), ssh-userauth, then one user name — servers hang up
 * when it changes — with "password", or "keyboard-interactive" answering password
 * prompts when password is not offered. The first connection asks "none" first to learn
 * the methods. After USERAUTH_SUCCESS the TCP connection is closed at once: no channel,
 * no command.
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
  const state: CheckState = { log: createAttemptLog(target, 'ssh', limits), evidence: {}, connections: 0, answered: 0, retried: new Set() };
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    state.session?.ssh.close();
    return { ...outcome, attempts: state.log.count, evidence: { ...state.evidence, connections: state.connections, ...extra } };
  };
  try {
    return await tryEntries(ctx, target, entries, limits.maxAttempts, settings, state, finish);
  } catch (error) {
    // Garbage mid-authentication: a protocol error, with what was learned so far.
    return finish(failureOf(error));
  }
}

type Finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra?: Record<string, unknown>) => CredentialCheckOutcome;

async function tryEntries(
  ctx: GrabContext,
  target: Target,
  entries: readonly DictionaryEntry[],
  maxAttempts: number,
  settings: SshClientOptions,
  state: CheckState,
  finish: Finish,
): Promise<CredentialCheckOutcome> {
  // Each reconnection needs an attempt under the cap to justify it (as for telnet).
  const maxConnections = maxAttempts + 1;
  let index = 0;
  // Every pass consumes an entry, retries one at most once, or opens a capped connection: bounded.
  for (let pass = 0; pass < 2 * entries.length + maxConnections + 2; pass++) {
    if (!state.log.hasRoom() || index >= entries.length || ctx.signal.aborted) break;
    const entry = entries[index]!;
    const current = state.session;
    const reusable =
      current && current.username === entry.username && (state.failuresPerConnection === undefined || current.failures < state.failuresPerConnection);
    if (!reusable) {
      current?.ssh.close();
      state.session = undefined;
      if (state.connections >= maxConnections) break;
      state.connections++;
      const opened = await openSshLoginSession(ctx, target, settings);
      if ('error' in opened) return finish({ status: opened.status, error: opened.error });
      state.session = { ssh: opened.session, username: entry.username, failures: 0 };
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
    index++;
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
        if (answer.end !== 'closed') {
          state.log.record(entry, 'error', `no answer (${answer.end})`);
          return finish({ status: statusForReadEnd(answer.end), error: answer.error ?? `connection ${answer.end} after an authentication request` });
        }
        if (session.failures > 0 && !state.retried.has(entry.id)) {
          // Hung up after earlier refusals: either this attempt was refused by hanging up
          // (OpenSSH at MaxAuthTries) or the server left before reading it (dropbear).
          // Try it once more on a new connection, and from now on stop short of that count.
          state.failuresPerConnection = Math.min(state.failuresPerConnection ?? Number.POSITIVE_INFINITY, session.failures);
          state.retried.add(entry.id);
          state.log.record(entry, 'error', 'connection closed before an answer; tried again on a new connection');
          index--;
        } else {
          state.log.record(entry, 'rejected', answer.disconnect ? `disconnected: ${answer.disconnect}` : 'connection closed after the attempt');
          state.answered++;
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
