import type { GrabStatus, Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd } from '../../scope/connection.ts';
import type { GrabContext } from '../grab.ts';
import type { TelnetResult } from './grabber.ts';
import { lastLine, type PromptKind } from './codec.ts';
import { createTelnetSession, defaultTelnetSessionOptions, type PromptWait, type TelnetSession, type TelnetSessionOptions } from './session.ts';
import { createAttemptLog, redact } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import { createPaceCounter, defaultLoginTiming, hasRoomForTry, loginContext } from '../login-pacing.ts';

export interface TelnetCheckerOptions extends TelnetSessionOptions {
  /**
   * Silence after text that follows a password that ends the wait for the answer. The
   * login timing's answer wait when absent: devices pause for seconds after a failed
   * login (login(1) with PAM 3 s ± 25 %) and may print a blank line first.
   */
  responseQuietMs?: number;
}

/** Words devices print when a login fails. */
const failureText = /incorrect|fail|denied|invalid|wrong|bad (?:user|pass|login)|not allowed|refused|error/i;

/** How one tried entry ended, and where the device is now. */
interface EntryResult {
  /** `unanswered`: the device went silent, showed no password prompt, or hung up without a word. */
  outcome: 'accepted' | 'rejected' | 'unanswered';
  /** What the audit log records for an unanswered try. */
  audited?: 'no-prompt' | 'error';
  detail: string;
  /** The wait that followed the attempt; its prompt is reused when the device asks again. */
  after: PromptWait;
  /** The device gave a shell without asking for a password at all. */
  withoutPassword?: boolean;
}

type Opened = { session: TelnetSession; prompt: PromptWait } | { status: GrabStatus; error: string; busy?: 'hung-up' | 'refused' };

/**
 * Telnet login checker. Login prompt → user name → password prompt → password; a shell
 * prompt means accepted, a new login/password prompt or a failure message means
 * rejected. It keeps trying on one connection for as long as the device asks again
 * (login(1) allows 5 tries, busybox 3), waits out fail delays, tries an unanswered entry
 * once more on a new connection, and backs off when the device hangs up at once (busy).
 * After an accepted login the connection is closed at once: no command, no "exit", not
 * even a pending negotiation answer is sent.
 * @example const checker = createTelnetChecker({ responseQuietMs: 2000 })
 */
export function createTelnetChecker(options: Partial<TelnetCheckerOptions> = {}): CredentialChecker<TelnetResult> {
  const settings: TelnetCheckerOptions = { ...defaultTelnetSessionOptions, ...options };
  return {
    appliesTo: (service) =>
      service.protocol === 'telnet' && service.status === 'success' && ['login', 'password', 'shell'].includes(String(service.result.promptKind)),
    check: (ctx, service, entries, limits) => checkTelnet(ctx, service, entries, limits, settings),
  };
}

async function checkTelnet(
  ctx: GrabContext,
  service: ObservedService<TelnetResult>,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
  settings: TelnetCheckerOptions,
): Promise<CredentialCheckOutcome> {
  const timing = limits.timing ?? defaultLoginTiming;
  const login = loginContext(ctx, timing);
  const answerQuietMs = settings.responseQuietMs ?? timing.answerWaitMs;
  const target: Target = { ip: service.ip, port: service.port };
  const log = createAttemptLog(target, 'telnet', limits);
  const pace = createPaceCounter(timing);
  // Each reconnection (devices hang up after 3 to 5 failures) needs an attempt to justify it.
  const maxConnections = limits.maxAttempts + timing.maxBackoffs + 1;
  const passwordsTriedWithoutUser = new Set<string>();
  const triedAgain = new Set<string>();
  const evidence: Record<string, unknown> = {};
  let answeredAttempts = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  let session: TelnetSession | undefined;
  let prompt: PromptWait | undefined;
  let openedAt = 0;
  let retry: DictionaryEntry | undefined;

  const closeSession = () => {
    session?.close();
    session = undefined;
    prompt = undefined;
  };
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    session?.close();
    return { ...outcome, attempts: log.count, pace: pace.pace(), evidence: { ...evidence, connections: pace.connections, ...extra } };
  };

  let index = 0;
  // Every pass consumes an entry, repeats one at most once, or opens a capped connection: bounded.
  for (let pass = 0; pass < 2 * entries.length + maxConnections + 2; pass++) {
    if (!log.hasRoom() || (index >= entries.length && !retry) || ctx.signal.aborted) break;
    if (session && !hasRoomForTry(openedAt, timing)) closeSession();
    if (!session || !prompt) {
      if (pace.connections >= maxConnections) break;
      pace.connected();
      // Every wait for a prompt is bounded as a whole too: a dripping device must not hold it to the deadline.
      const opened = await openSession(login, target, { ...settings, maxWaitMs: Math.max(timing.answerWaitMs, answerQuietMs) });
      if ('error' in opened) {
        // Hung up before any prompt though the grab saw one, or refused once the check is under
        // way: busy (too many connections). A port refused on the first connection is just closed.
        const busy = opened.busy === 'hung-up' || (opened.busy === 'refused' && pace.connections > 1);
        if (busy && (await pace.backOff(ctx.signal))) continue;
        return finish({ status: opened.status, error: opened.error });
      }
      ({ session, prompt } = opened);
      openedAt = performance.now();
      evidence.loginPrompt ??= promptLine(prompt);
      if (prompt.kind === 'shell') {
        // A shell with nothing asked: no credential involved, nothing to try.
        return finish({ status: 'success', noAuthentication: true }, { shellPrompt: promptLine(prompt) });
      }
    }

    const entry = retry ?? entries[index++]!;
    const isRetry = retry !== undefined;
    retry = undefined;
    const passwordOnly = prompt.kind === 'password';
    if (passwordOnly && !isRetry) {
      evidence.passwordOnly = true;
      // The user name is never asked: a password tried once need not be tried again.
      if (passwordsTriedWithoutUser.has(entry.password)) continue;
      passwordsTriedWithoutUser.add(entry.password);
    }

    pace.tried();
    const result = await tryEntry(session, prompt.kind, entry, answerQuietMs);
    if (result.outcome === 'accepted') {
      session.close(); // before anything else: not one more byte to the device
      log.record(entry, 'accepted', result.detail);
      const extra = { shellPrompt: redact(promptLine(result.after), entry.password), ...(result.withoutPassword ? { withoutPassword: true } : {}) };
      return finish({ status: 'success', accepted: entry }, extra);
    }
    const next = result.after;
    if (result.outcome === 'rejected') {
      log.record(entry, 'rejected', result.detail);
      answeredAttempts++;
    } else if (!triedAgain.has(entry.id)) {
      // Dropped or timed out: the entry proves nothing yet. Once more, on a new connection.
      triedAgain.add(entry.id);
      pace.retried();
      log.record(entry, result.audited ?? 'error', `${result.detail}; tried again on a new connection`);
      lastFailure = statusOf(next);
      retry = entry;
      closeSession();
      continue;
    } else if (next.end === 'closed') {
      // Hung up without a word after the same entry twice: that is how this device refuses.
      log.record(entry, 'rejected', 'connection closed after the password, twice');
      answeredAttempts++;
    } else {
      log.record(entry, result.audited ?? 'error', result.detail);
      closeSession();
      return finish({ status: statusOf(next), error: `the device stopped answering (${result.detail})` });
    }
    if (!next.end && (next.kind === 'login' || next.kind === 'password')) {
      prompt = next; // the device asks again on the same connection
    } else {
      closeSession();
    }
  }
  // Attempts that never got an answer prove nothing about the credentials.
  if (log.count > 0 && answeredAttempts === 0) return finish({ status: lastFailure, error: 'the device never answered a login attempt' });
  return finish({ status: 'success' });
}

async function openSession(ctx: GrabContext, target: Target, settings: TelnetCheckerOptions): Promise<Opened> {
  let session: TelnetSession;
  try {
    session = createTelnetSession(await ctx.dial(target), settings);
  } catch (error) {
    if (error instanceof DialFailure)
      return { status: error.status, error: error.message, ...(error.status === 'connection-refused' ? { busy: 'refused' as const } : {}) };
    throw error;
  }
  const prompt = await session.waitForPrompt();
  if (prompt.kind !== 'none') return { session, prompt };
  session.close();
  if (prompt.end === 'closed') return { status: statusOf(prompt), error: 'the device hung up before a login prompt (busy)', busy: 'hung-up' };
  return { status: statusOf(prompt), error: 'no login prompt' };
}

/** One dictionary entry from the prompt the device is showing. */
async function tryEntry(session: TelnetSession, kind: PromptKind, entry: DictionaryEntry, answerQuietMs: number): Promise<EntryResult> {
  if (kind === 'login') {
    await session.sendLine(entry.username);
    const afterUser = await session.waitForPrompt();
    if (afterUser.kind === 'shell') return { outcome: 'accepted', detail: 'shell prompt without a password prompt', after: afterUser, withoutPassword: true };
    if (afterUser.kind === 'login') return { outcome: 'rejected', detail: 'login prompt again after the user name', after: afterUser };
    if (afterUser.kind !== 'password') {
      return failureText.test(afterUser.text)
        ? { outcome: 'rejected', detail: 'failure message after the user name', after: afterUser }
        : { outcome: 'unanswered', audited: 'no-prompt', detail: describeSilence('no password prompt after the user name', afterUser), after: afterUser };
    }
  }
  await session.sendLine(entry.password);
  const answer = await session.waitForPrompt({ quietMs: answerQuietMs });
  switch (answer.kind) {
    case 'shell':
      return { outcome: 'accepted', detail: 'shell prompt after the password', after: answer };
    case 'login':
    case 'password':
      return { outcome: 'rejected', detail: `${answer.kind} prompt again${failureText.test(answer.text) ? ' with a failure message' : ''}`, after: answer };
    case 'none':
      if (failureText.test(answer.text)) return { outcome: 'rejected', detail: 'failure message', after: answer };
      return { outcome: 'unanswered', audited: 'error', detail: describeSilence('no answer to the password', answer), after: answer };
  }
}

function describeSilence(what: string, wait: PromptWait): string {
  return wait.end ? `${what} (${wait.end})` : `${what} (unrecognised answer)`;
}

function promptLine(wait: PromptWait): string {
  const line = lastLine(wait.text.trimEnd()) || lastLine(wait.text);
  return line.trim().slice(0, 256);
}

function statusOf(wait: PromptWait): GrabStatus {
  return wait.end ? statusForReadEnd(wait.end) : 'protocol-error';
}

export default createTelnetChecker();
