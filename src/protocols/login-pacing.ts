/**
 * How every login checker paces itself against a real device: how long it waits for the
 * answer to one try, how long one login connection may live, how it backs off when the
 * device says it has too many connections, and what it reports about its tries and
 * connections. docs/credentials.md ("Waits, retries and backoff") explains the numbers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GrabContext } from './grab.ts';

/** The limits one login check works within. */
export interface LoginTiming {
  /**
   * Longest wait for the answer to one try. Longer than any real fail delay, so that a
   * refusal that comes late is read as a refusal: login(1) with PAM waits 3 s ± 25 %,
   * busybox login 3 s, sshd with PAM 2 s ± 25 %, vsftpd 1 s plus PAM's.
   */
  answerWaitMs: number;
  /**
   * Lifetime of one login connection (its dialer deadline): room for several tries with
   * their fail delays (five at 3.75 s is under 20 s), below login(1)'s own 60 s timeout.
   */
  connectionDeadlineMs: number;
  /** First wait after a device refuses a connection as busy ("too many connections"); doubled each time. */
  backoffMs: number;
  /** Backoffs on one service before the check ends with what it has. */
  maxBackoffs: number;
}

/** The defaults a survey uses (the survey's own io timeout raises the answer wait when it is longer). */
export const defaultLoginTiming: LoginTiming = {
  answerWaitMs: 8000,
  connectionDeadlineMs: 45_000,
  backoffMs: 2000,
  maxBackoffs: 3,
};

/** What a check reports about its pace, besides the tries the attempt log counts. */
export interface LoginPace {
  /** Connections opened for the check (busy refusals included). */
  connections: number;
  /** Most tries made on one connection: the device's tries per connection as the check saw it. */
  maxTriesPerConnection: number;
  /** Tries made again on a new connection because the first went unanswered (dropped or timed out). */
  retries: number;
  /** Waits after the device refused a connection as busy. */
  backoffs: number;
}

export interface PaceCounter {
  /** A new connection is open: its tries start at zero. */
  connected(): void;
  /** One try was made on the current connection. */
  tried(): void;
  /** A try is being made again after going unanswered. */
  retried(): void;
  readonly connections: number;
  readonly backoffs: number;
  /**
   * Wait before reconnecting to a busy device: false (and no wait) once `maxBackoffs` are
   * used up or the survey is interrupted.
   */
  backOff(signal: AbortSignal): Promise<boolean>;
  pace(): LoginPace;
}

/**
 * Counts connections, tries per connection, retries and backoffs of one check.
 * @example const pace = createPaceCounter(timing); pace.connected(); pace.tried(); pace.pace().maxTriesPerConnection // 1
 */
export function createPaceCounter(timing: LoginTiming): PaceCounter {
  let connections = 0;
  let onThisConnection = 0;
  let maxTriesPerConnection = 0;
  let retries = 0;
  let backoffs = 0;
  return {
    connected() {
      connections++;
      onThisConnection = 0;
    },
    tried() {
      onThisConnection++;
      maxTriesPerConnection = Math.max(maxTriesPerConnection, onThisConnection);
    },
    retried() {
      retries++;
    },
    get connections() {
      return connections;
    },
    get backoffs() {
      return backoffs;
    },
    async backOff(signal) {
      if (backoffs >= timing.maxBackoffs || signal.aborted) return false;
      const waitMs = timing.backoffMs * 2 ** backoffs;
      backoffs++;
      try {
        await sleep(waitMs, undefined, { signal });
      } catch {
        return false; // interrupted while waiting
      }
      return true;
    },
    pace: () => ({ connections, maxTriesPerConnection, retries, backoffs }),
  };
}

/**
 * The context a checker dials through: every connection gets the login timing's answer
 * wait as its idle timeout and its connection deadline (the dialer's byte cap, scope and
 * admission still apply).
 * @example const login = loginContext(ctx, defaultLoginTiming); await login.dial(target)
 */
export function loginContext(ctx: GrabContext, timing: LoginTiming): GrabContext {
  const limits = { ioTimeoutMs: timing.answerWaitMs, deadlineMs: timing.connectionDeadlineMs };
  return { ...ctx, dial: (target, overrides) => ctx.dial(target, { ...limits, ...overrides }) };
}

/**
 * Whether a connection opened at `openedAt` still has room for one more try before its
 * deadline: a try started too late would be cut off and look like a dropped answer.
 * @example hasRoomForTry(performance.now() - 40_000, defaultLoginTiming) // false
 */
export function hasRoomForTry(openedAt: number, timing: LoginTiming, now = performance.now()): boolean {
  return now - openedAt + timing.answerWaitMs < timing.connectionDeadlineMs;
}
