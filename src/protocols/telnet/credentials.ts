import type { GrabStatus, Target } from '../../core/records.ts';
import { DialFailure, statusForReadEnd } from '../../scope/connection.ts';
import type { GrabContext } from '../grab.ts';
import type { TelnetResult } from './grabber.ts';
import { lastLine, type PromptKind } from './codec.ts';
import { createTelnetSession, defaultTelnetSessionOptions, type PromptWait, type TelnetSession, type TelnetSessionOptions } from './session.ts';
import { createAttemptLog, redact } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';

export interface TelnetCheckerOptions extends TelnetSessionOptions {
  /**
   * Silence after a password that ends the wait for an answer. Long, because devices
   * pause for seconds after a failed login (busybox: 3 s); the connection's io timeout
   * still bounds it.
   */
  responseQuietMs: number;
}

const defaultOptions: TelnetCheckerOptions = { ...defaultTelnetSessionOptions, responseQuietMs: 5000 };

/** Words devices print when a login fails. */
const failureText = /incorrect|fail|denied|invalid|wrong|bad (?:user|pass|login)|not allowed|refused|error/i;

/** How one tried entry ended, and where the device is now. */
interface EntryResult {
  outcome: 'accepted' | 'rejected' | 'no-prompt' | 'error';
  detail: string;
  /** The wait that followed the attempt; its prompt is reused when the device asks again. */
  after: PromptWait;
  /** The device gave a shell without asking for a password at all. */
  withoutPassword?: boolean;
}

/**
 * Telnet login checker. Login prompt → user name → password prompt → password; a shell
 * prompt means accepted, a new login/password prompt or a failure message means
 * rejected. After an accepted login the connection is closed at once: no command, no
 * "exit", not even a pending negotiation answer is sent.
 * @example const checker = createTelnetChecker({ responseQuietMs: 2000 })
 */
export function createTelnetChecker(options: Partial<TelnetCheckerOptions> = {}): CredentialChecker<TelnetResult> {
  const settings = { ...defaultOptions, ...options };
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
  const target: Target = { ip: service.ip, port: service.port };
  const log = createAttemptLog(target, 'telnet', limits);
  // Each reconnection (devices hang up after 3 failures or so) needs an attempt to justify it.
  const maxConnections = limits.maxAttempts + 1;
  const passwordsTriedWithoutUser = new Set<string>();
  const evidence: Record<string, unknown> = {};
  let connections = 0;
  let answeredAttempts = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  let session: TelnetSession | undefined;
  let prompt: PromptWait | undefined;

  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    session?.close();
    return { ...outcome, attempts: log.count, evidence: { ...evidence, connections, ...extra } };
  };

  let index = 0;
  // Every pass either consumes an entry or opens a connection, both capped: the loop is bounded.
  for (let pass = 0; pass < entries.length + maxConnections + 1; pass++) {
    if (!log.hasRoom() || index >= entries.length || ctx.signal.aborted) break;
    if (!session || !prompt) {
      if (connections >= maxConnections) break;
      connections++;
      const opened = await openSession(ctx, target, settings);
      if ('error' in opened) return finish({ status: opened.status, error: opened.error });
      ({ session, prompt } = opened);
      evidence.loginPrompt ??= promptLine(prompt);
      if (prompt.kind === 'shell') {
        // A shell with nothing asked: no credential involved, nothing to try.
        return finish({ status: 'success', noAuthentication: true }, { shellPrompt: promptLine(prompt) });
      }
      if (prompt.kind === 'none') {
        const detail = connections > 1 ? 'no login prompt after reconnecting' : 'no login prompt';
        return finish({ status: statusOfSilentWait(prompt), error: detail });
      }
    }

    const entry = entries[index++];
    const passwordOnly = prompt.kind === 'password';
    if (passwordOnly) {
      evidence.passwordOnly = true;
      // The user name is never asked: a password tried once need not be tried again.
      if (passwordsTriedWithoutUser.has(entry.password)) continue;
      passwordsTriedWithoutUser.add(entry.password);
    }

    const result = await tryEntry(session, prompt.kind, entry, settings);
    if (result.outcome === 'accepted') {
      session.close(); // before anything else: not one more byte to the device
      log.record(entry, 'accepted', result.detail);
      const extra = { shellPrompt: redact(promptLine(result.after), entry.password), ...(result.withoutPassword ? { withoutPassword: true } : {}) };
      return finish({ status: 'success', accepted: entry }, extra);
    }
    log.record(entry, result.outcome, result.detail);
    const next = result.after;
    if (result.outcome === 'rejected') answeredAttempts++;
    else lastFailure = next.end ? statusForReadEnd(next.end) : 'protocol-error';
    if (!next.end && (next.kind === 'login' || next.kind === 'password')) {
      prompt = next; // the device asks again on the same connection
    } else {
      session.close();
      session = undefined;
      prompt = undefined;
    }
  }
  // Attempts that never got an answer prove nothing about the credentials.
  if (log.count > 0 && answeredAttempts === 0) return finish({ status: lastFailure, error: 'the device never answered a login attempt' });
  return finish({ status: 'success' });
}

async function openSession(
  ctx: GrabContext,
  target: Target,
  settings: TelnetCheckerOptions,
): Promise<{ session: TelnetSession; prompt: PromptWait } | { status: GrabStatus; error: string }> {
  try {
    const session = createTelnetSession(await ctx.dial(target), settings);
    return { session, prompt: await session.waitForPrompt() };
  } catch (error) {
    if (error instanceof DialFailure) return { status: error.status, error: error.message };
    throw error;
  }
}

/** One dictionary entry from the prompt the device is showing. */
async function tryEntry(session: TelnetSession, kind: PromptKind, entry: DictionaryEntry, settings: TelnetCheckerOptions): Promise<EntryResult> {
  if (kind === 'login') {
    await session.sendLine(entry.username);
    const afterUser = await session.waitForPrompt();
    if (afterUser.kind === 'shell') return { outcome: 'accepted', detail: 'shell prompt without a password prompt', after: afterUser, withoutPassword: true };
    if (afterUser.kind === 'login') return { outcome: 'rejected', detail: 'login prompt again after the user name', after: afterUser };
    if (afterUser.kind !== 'password') {
      const failed = failureText.test(afterUser.text);
      return failed
        ? { outcome: 'rejected', detail: 'failure message after the user name', after: afterUser }
        : { outcome: 'no-prompt', detail: 'no password prompt after the user name', after: afterUser };
    }
  }
  await session.sendLine(entry.password);
  const answer = await session.waitForPrompt({ quietMs: settings.responseQuietMs });
  switch (answer.kind) {
    case 'shell':
      return { outcome: 'accepted', detail: 'shell prompt after the password', after: answer };
    case 'login':
    case 'password':
      return { outcome: 'rejected', detail: `${answer.kind} prompt again${failureText.test(answer.text) ? ' with a failure message' : ''}`, after: answer };
    case 'none':
      if (failureText.test(answer.text)) return { outcome: 'rejected', detail: 'failure message', after: answer };
      if (answer.end === 'closed') return { outcome: 'rejected', detail: 'connection closed after the password', after: answer };
      return { outcome: 'error', detail: answer.end ? `no answer (${answer.end})` : 'unrecognised answer', after: answer };
  }
}

function promptLine(wait: PromptWait): string {
  const line = lastLine(wait.text.trimEnd()) || lastLine(wait.text);
  return line.trim().slice(0, 256);
}

function statusOfSilentWait(wait: PromptWait): GrabStatus {
  if (wait.end) return statusForReadEnd(wait.end);
  return 'protocol-error';
}

export default createTelnetChecker();
