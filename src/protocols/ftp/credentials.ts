import type { GrabStatus, Target } from '../../core/records.ts';
import { statusForReadEnd, type Connection, type ReadEnd } from '../../scope/connection.ts';
import { dialOrStatus, type GrabContext } from '../grab.ts';
import type { FtpResult } from './grabber.ts';
import { ftpCommand, parseFtpReply, parseGreeting, type FtpReply } from './codec.ts';
import { createAttemptLog } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';

type ReplyRead = { reply: FtpReply } | { end: ReadEnd; error?: string };

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
      if (parsed.state === 'invalid') return { end: 'error', error: parsed.reason };
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
}

async function openSession(ctx: GrabContext, target: Target): Promise<FtpSession | { status: GrabStatus; error: string }> {
  const dialed = await dialOrStatus(ctx, target);
  if (!('conn' in dialed)) return dialed;
  const { conn } = dialed;
  // The greeting may be preceded by "120 ready in n minutes"; later replies never are.
  const greeting = await createReplyReader(conn, parseGreeting)();
  if ('reply' in greeting && greeting.reply.code === 220) return { conn, readReply: createReplyReader(conn, parseFtpReply) };
  conn.close();
  if ('reply' in greeting) return { status: 'protocol-error', error: `greeting ${greeting.reply.code}` };
  return { status: greeting.end === 'closed' ? 'protocol-error' : statusForReadEnd(greeting.end), error: greeting.error ?? `no greeting (${greeting.end})` };
}

/**
 * FTP USER/PASS checker. 230 after PASS is acceptance, 530 refusal. A 230 straight after
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
  const target: Target = { ip: service.ip, port: service.port };
  const log = createAttemptLog(target, 'ftp', limits);
  const maxConnections = limits.maxAttempts + 1;
  let connections = 0;
  let answered = 0;
  let lastFailure: GrabStatus = 'protocol-error';
  let session: FtpSession | undefined;
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => {
    session?.conn.close();
    return { ...outcome, attempts: log.count, evidence: { connections, ...extra } };
  };

  let index = 0;
  for (let pass = 0; pass < entries.length + maxConnections + 1; pass++) {
    if (!log.hasRoom() || index >= entries.length || ctx.signal.aborted) break;
    if (!session) {
      if (connections >= maxConnections) break;
      connections++;
      const opened = await openSession(ctx, target);
      if ('error' in opened) return finish({ status: opened.status, error: opened.error });
      session = opened;
    }
    const entry = entries[index];
    await session.conn.write(ftpCommand('USER', entry.username));
    const userReply = await session.readReply();
    if (!('reply' in userReply)) {
      session.conn.close();
      session = undefined;
      // A server silent after USER is stalling us: leave it.
      if (userReply.end !== 'closed') return finish({ status: statusForReadEnd(userReply.end), error: userReply.error ?? 'no answer to USER' });
      // Gone before answering USER (servers hang up after a few failures): nothing was
      // tried with this entry; reconnect and try it again.
      lastFailure = 'protocol-error';
      continue;
    }
    index++;
    const userCode = userReply.reply.code;
    if (userCode === 230) {
      session.conn.close();
      log.record(entry, 'error', 'logged in without a password: open access, not a weak credential');
      return finish({ status: 'success' }, { loginWithoutPassword: true });
    }
    if (userCode !== 331 && userCode !== 332) {
      const refused = userCode === 530 || (userCode >= 500 && userCode < 600);
      log.record(entry, refused ? 'rejected' : 'error', `USER answered ${userCode}`);
      if (refused) answered++;
      else lastFailure = 'protocol-error';
      if (userCode === 421 || !refused) {
        session.conn.close();
        session = undefined;
      }
      continue;
    }
    await session.conn.write(ftpCommand('PASS', entry.password));
    const passReply = await session.readReply();
    if (!('reply' in passReply)) {
      log.record(entry, passReply.end === 'closed' ? 'rejected' : 'error', `connection ended after PASS (${passReply.end})`);
      if (passReply.end === 'closed') answered++;
      else lastFailure = statusForReadEnd(passReply.end);
      session.conn.close();
      session = undefined;
      continue;
    }
    const passCode = passReply.reply.code;
    if (passCode === 230) {
      session.conn.close(); // no QUIT, no command: the login is the finding
      log.record(entry, 'accepted', 'PASS answered 230');
      return finish({ status: 'success', accepted: entry });
    }
    const refused = passCode === 530 || (passCode >= 500 && passCode < 600);
    log.record(entry, refused ? 'rejected' : 'error', `PASS answered ${passCode}`);
    if (refused) answered++;
    else {
      lastFailure = 'protocol-error';
      session.conn.close();
      session = undefined;
    }
  }
  if (log.count > 0 && answered === 0) return finish({ status: lastFailure, error: 'no login attempt got an answer' });
  if (log.count === 0 && index < entries.length && !ctx.signal.aborted)
    return finish({ status: lastFailure, error: 'the server closed before answering USER' });
  return finish({ status: 'success' });
}

export default ftpChecker;
