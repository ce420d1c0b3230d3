import type { GrabStatus, Target } from '../../core/records.ts';
import { statusForReadEnd, type Connection, type ReadEnd } from '../../scope/connection.ts';
import { dialOrStatus, type GrabContext } from '../grab.ts';
import type { FtpResult } from './grabber.ts';
import { ftpCommand, parseFtpReply, parseGreeting, type FtpReply } from './codec.ts';
import { createAttemptLog } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import { createPaceCounter, defaultLoginTiming, hasRoomForTry, loginContext } from '../login-pacing.ts';

/** `malformed`: the peer sent bytes that are no FTP reply, which is the peer's fault, not ours. */
type ReplyRead = { reply: FtpReply } | { end: ReadEnd; error?: string; malformed?: true };

/**
 * The status of a read that gave no reply. A peer that hangs up or answers with garbage
 * (a tarpit dripping "A"s) broke the protocol: `protocol-error`, never `unknown-error`, which
 * is kept for local trouble.
 */
function statusOfFailedRead(read: { end: ReadEnd; malformed?: true }): GrabStatus {
  return read.malformed || read.end === 'closed' ? 'protocol-error' : statusForReadEnd(read.end);
}

/** Reads FTP replies one at a time from a connection, keeping any bytes past the reply. */
function createReplyReader(conn: Connection, parse: typeof parseFtpReply) {
  let pending: Buffer = Buffer.alloc(0);
  return async (): Promise<ReplyRead> => {
    for (let chunks = 0; chunks < 10_000; chunks++) {
      const parsed = parse(pending);
      if (parsed.state === 'complete') {
        pending = pending.subarray(parsed.end);
        return { reply: parsed };
      }
      if (parsed.state === 'invalid') return { end: 'error', error: parsed.reason, malformed: true };
      const step = await conn.next();
      if ('end' in step) return step.error ? { end: step.end, error: step.error } : { end: step.end };
      pending = Buffer.concat([pending, step.chunk]);
    }
    return { end: 'error', error: 'too many chunks for one reply' };
  };
}

interface FtpSession {
  conn: Connection;
  readReply: () => Promise<ReplyRead>;
  openedAt: number;
}

type Opened = FtpSession | { status: GrabStatus; error: string; busy: boolean };

/** "421 Service not available" (vsftpd's max_clients and max_per_ip, ProFTPD's MaxClients): come back later. */
const busyCode = 421;

async function openSession(ctx: GrabContext, target: Target): Promise<Opened> {
  const dialed = await dialOrStatus(ctx, target);
  if (!('conn' in dialed)) return { ...dialed, busy: false };
  const { conn } = dialed;
  // The greeting may be preceded by "120 ready in n minutes"; later replies never are.
  const greeting = await createReplyReader(conn, parseGreeting)();
  if ('reply' in greeting && greeting.reply.code === 220) return { conn, readReply: createReplyReader(conn, parseFtpReply), openedAt: performance.now() };
  conn.close();
  if ('reply' in greeting) return { status: 'protocol-error', error: `greeting ${greeting.reply.code}`, busy: greeting.reply.code === busyCode };
  const status = statusOfFailedRead(greeting);
  return { status, error: greeting.error ?? `no greeting (${greeting.end})`, busy: greeting.end === 'closed' };
}

/**
 * FTP USER/PASS checker. 230 after PASS is acceptance, 530 refusal; it goes on with the
 * next USER on the same connection until the server hangs up (vsftpd after 3 failures),
 * waits out fail delays (vsftpd 1 s plus PAM's), tries an unanswered entry once more on a
 * new connection, and backs off on "421" (too many connections). A 230 straight after
 * USER (a server that lets any user in) is not a weak-credential finding: it is recorded
 * and the check stops. After acceptance the connection is closed without QUIT.
 * @example ftpChecker.check(ctx, service, entries, { maxAttempts: 10, audit })
 */
export const ftpChecker: CredentialChecker<FtpResult> = {
  appliesTo: (service) => service.protocol === 'ftp' && service.status === 'success' && service.result.code === 220,
  check: (ctx, service, entries, limits) => checkFtp(ctx, service, entries, limits),
};

async function checkFtp(
  ctx: GrabContext,
  service: ObservedService<FtpResult>,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
): Promise<CredentialCheckOutcome> {
  const timing = limits.timing ?? defaultLoginTiming;
  const login = loginContext(ctx, timing);
  const target: Target = { ip: service.ip, port: service.port };
  const log = createAttemptLog(target, 'ftp', limits);
  const pace = createPaceCounter(timing);
  const maxConnections = limits.maxAttempts + timing.maxBackoffs + 1;
  /** Entries whose USER went unanswered once, and entries tried again after PASS went unanswered. */
  const userUnanswered = new Set<string>();
  const triedAgain = new Set<string>();
  let answered = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  let session: FtpSession | undefined;
  let retry: DictionaryEntry | undefined;
  const closeSession = () => {
    session?.conn.close();
    session = undefined;
  };
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    session?.conn.close();
    return { ...outcome, attempts: log.count, pace: pace.pace(), evidence: { connections: pace.connections, ...extra } };
  };

  let index = 0;
  // Every pass consumes an entry, repeats one at most twice, or opens a capped connection: bounded.
  for (let pass = 0; pass < 3 * entries.length + maxConnections + 2; pass++) {
    if (!log.hasRoom() || (index >= entries.length && !retry) || ctx.signal.aborted) break;
    if (session && !hasRoomForTry(session.openedAt, timing)) closeSession();
    if (!session) {
      if (pace.connections >= maxConnections) break;
      pace.connected();
      const opened = await openSession(login, target);
      if ('error' in opened) {
        if (opened.busy && (await pace.backOff(ctx.signal))) continue;
        return finish({ status: opened.status, error: opened.error });
      }
      session = opened;
    }
    const entry = retry ?? entries[index]!;
    await session.conn.write(ftpCommand('USER', entry.username));
    const userReply = await session.readReply();
    if (!('reply' in userReply)) {
      closeSession();
      // Nothing was tried with this entry yet: once more on a new connection (servers hang up
      // after their last failure), then leave a server that does not answer USER.
      if (!userUnanswered.has(entry.id)) {
        userUnanswered.add(entry.id);
        continue;
      }
      const status = statusOfFailedRead(userReply);
      return finish({ status, error: userReply.error ?? `no answer to USER (${userReply.end}), twice` });
    }
    const userCode = userReply.reply.code;
    if (userCode === busyCode) {
      closeSession();
      if (await pace.backOff(ctx.signal)) continue;
      return finish({ status: 'protocol-error', error: 'USER answered 421 (busy) after every backoff' });
    }
    if (retry) retry = undefined;
    else index++;
    pace.tried();
    if (userCode === 230) {
      closeSession();
      log.record(entry, 'error', 'logged in without a password: open access, not a weak credential');
      return finish({ status: 'success' }, { loginWithoutPassword: true });
    }
    if (userCode !== 331 && userCode !== 332) {
      const refused = userCode >= 500 && userCode < 600;
      log.record(entry, refused ? 'rejected' : 'error', `USER answered ${userCode}`);
      if (refused) answered++;
      else {
        lastFailure = 'protocol-error';
        closeSession();
      }
      continue;
    }
    await session.conn.write(ftpCommand('PASS', entry.password));
    const passReply = await session.readReply();
    if (!('reply' in passReply) || passReply.reply.code === busyCode) {
      // Dropped, timed out, or "421 closing": the entry proves nothing yet.
      closeSession();
      const how = 'reply' in passReply ? 'PASS answered 421' : `no answer to PASS (${passReply.end})`;
      if (!triedAgain.has(entry.id)) {
        triedAgain.add(entry.id);
        pace.retried();
        log.record(entry, 'error', `${how}; tried again on a new connection`);
        lastFailure = 'reply' in passReply ? 'protocol-error' : statusOfFailedRead(passReply);
        retry = entry;
        continue;
      }
      if ('reply' in passReply || passReply.end === 'closed') {
        // The same entry ended the connection twice: the server's way of refusing it.
        log.record(entry, 'rejected', `${how}, twice`);
        answered++;
        continue;
      }
      log.record(entry, 'error', how);
      return finish({ status: statusOfFailedRead(passReply), error: `the server stopped answering (${how})` });
    }
    const passCode = passReply.reply.code;
    if (passCode === 230) {
      session.conn.close(); // no QUIT, no command: the login is the finding
      log.record(entry, 'accepted', 'PASS answered 230');
      return finish({ status: 'success', accepted: entry });
    }
    const refused = passCode >= 500 && passCode < 600;
    log.record(entry, refused ? 'rejected' : 'error', `PASS answered ${passCode}`);
    if (refused) answered++;
    else {
      lastFailure = 'protocol-error';
      closeSession();
    }
  }
  if (log.count > 0 && answered === 0) return finish({ status: lastFailure, error: 'no login attempt got an answer' });
  return finish({ status: 'success' });
}

export default ftpChecker;
