/**
 * The SMTP transport: one real ESMTP exchange per message with a configured mail relay
 * (RFC 5321): EHLO (HELO for old servers), STARTTLS (RFC 3207) as configured, AUTH only over
 * TLS or to loopback, MAIL / RCPT (recipients refused one by one are reported), DATA with
 * dot-stuffing, QUIT. Every wait has a timeout and replies are size-bounded, so neither a
 * silent nor a hostile server can hang or exhaust the sender. Sockets go only to the relay
 * named in the configuration, never to survey targets.
 */
import { isLoopbackHost, openRelaySocket, upgradeRelaySocket } from '../../../scope/relay-socket.ts';
import { OpenNoticeError } from '../../../core/errors.ts';
import { buildMimeMessage } from '../mime.ts';
import type { DeliveryOutcome, OutgoingMessage, RejectedRecipient, Transport } from '../types.ts';
import { authenticate, type SmtpCredentials } from './auth.ts';
import { dotStuff, ehloExtensions, failureFromReply, replyText, type SmtpReply } from './codec.ts';
import { createConversation, type SmtpConversation } from './conversation.ts';

export interface SmtpTransportOptions {
  host: string;
  port: number;
  /** Our host name in EHLO; also the Message-ID domain unless messageIdDomain is given. */
  heloName: string;
  /** 'opportunistic' (default): use STARTTLS when offered; 'required': never send without it. */
  startTls?: 'never' | 'opportunistic' | 'required';
  auth?: SmtpCredentials;
  /** Bound on each wait: connect + greeting, every reply, the TLS handshake (default 60 s). */
  timeoutMs?: number;
  tls?: { ca?: string; rejectUnauthorized?: boolean };
  messageIdDomain?: string;
  /** The clock for the Date header (tests pass a fixed one). */
  now?: () => Date;
}

const defaultTimeoutMs = 60_000;
/** QUIT after a delivered message is a courtesy; a server that does not answer it is not waited for long. */
const quitTimeoutMs = 2_000;
const hostName = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function validate(options: SmtpTransportOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) problems.push(`port ${options.port} is not 1..65535`);
  if (options.host.trim() === '' || /[\s\u0000-\u001f]/.test(options.host)) problems.push(`host ${JSON.stringify(options.host)} is not a host name or address`);
  if (!hostName.test(options.heloName)) problems.push(`heloName ${JSON.stringify(options.heloName)} is not a host name`);
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) problems.push('timeoutMs must be positive');
  if (options.auth && /[\r\n\u0000]/.test(options.auth.username + options.auth.password))
    problems.push('the SMTP username and password must not contain CR, LF or NUL');
  if (problems.length > 0) throw new OpenNoticeError('CONFIG_INVALID', `SMTP transport: ${problems.join('; ')}`, { host: options.host, port: options.port });
}

/**
 * @example
 * const smtp = createSmtpTransport({ host: 'mail.cert.example', port: 587, heloName: 'notice.cert.example', startTls: 'required', auth: { username, password } });
 * const outcome = await smtp.send(message); // { status: 'delivered', detail: '250 2.0.0 Ok: queued as 4F2' }
 */
export function createSmtpTransport(options: SmtpTransportOptions): Transport {
  validate(options);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const startTls = options.startTls ?? 'opportunistic';
  const now = options.now ?? (() => new Date());

  const hello = async (conversation: SmtpConversation): Promise<Map<string, string[]> | DeliveryOutcome> => {
    const reply = await conversation.command(`EHLO ${options.heloName}`, 'EHLO');
    if (reply.code === 250) return ehloExtensions(reply);
    if (reply.code < 500 || reply.code >= 600) return failureFromReply(reply, 'EHLO');
    // A server that does not know EHLO (RFC 5321 §3.2) still speaks plain SMTP.
    const helo = await conversation.command(`HELO ${options.heloName}`, 'HELO');
    return helo.code === 250 ? new Map() : failureFromReply(helo, 'HELO');
  };

  const exchange = async (conversation: SmtpConversation, message: OutgoingMessage, raw: string, progress: { step: string }): Promise<DeliveryOutcome> => {
    const expect = async (reply: Promise<SmtpReply>, codes: number[], step: string): Promise<SmtpReply | DeliveryOutcome> => {
      progress.step = step;
      const answer = await reply;
      return codes.includes(answer.code) ? answer : failureFromReply(answer, step);
    };
    progress.step = 'greeting';
    const greeting = await expect(conversation.read('greeting'), [220], 'greeting');
    if ('status' in greeting) return greeting;
    progress.step = 'EHLO';
    let extensions = await hello(conversation);
    if (!(extensions instanceof Map)) return extensions;

    if (startTls !== 'never' && extensions.has('STARTTLS')) {
      const reply = await expect(conversation.command('STARTTLS', 'STARTTLS'), [220], 'STARTTLS');
      if ('status' in reply && startTls === 'required') return { ...reply, status: 'temporary-failure' };
      if (!('status' in reply)) {
        progress.step = 'TLS handshake';
        await conversation.upgrade((socket) =>
          upgradeRelaySocket(socket, { host: options.host, ca: options.tls?.ca, rejectUnauthorized: options.tls?.rejectUnauthorized }),
        );
        // RFC 3207 §4.2: forget everything learned before TLS and ask again.
        progress.step = 'EHLO after STARTTLS';
        extensions = await hello(conversation);
        if (!(extensions instanceof Map)) return extensions;
      }
    }
    if (startTls === 'required' && !conversation.tls) {
      // Temporary: the relay may be reconfigured, or someone on the path stripped STARTTLS.
      return { status: 'temporary-failure', detail: 'STARTTLS is required but the server did not offer it (or it failed)' };
    }
    if (options.auth) {
      if (!conversation.tls && !isLoopbackHost(options.host)) {
        return { status: 'temporary-failure', detail: 'AUTH: refusing to send credentials without TLS to a relay that is not on this host' };
      }
      progress.step = 'AUTH';
      const failure = await authenticate(conversation, extensions.get('AUTH') ?? [], options.auth);
      if (failure) return failure;
    }

    const size = extensions.has('SIZE') ? ` SIZE=${Buffer.byteLength(raw)}` : '';
    const mail = await expect(conversation.command(`MAIL FROM:<${message.from}>${size}`, 'MAIL FROM'), [250], 'MAIL FROM');
    if ('status' in mail) return mail;
    const accepted: string[] = [];
    const rejected: RejectedRecipient[] = [];
    for (const recipient of message.to) {
      progress.step = `RCPT TO ${recipient}`;
      const reply = await conversation.command(`RCPT TO:<${recipient}>`, progress.step);
      if (reply.code === 250 || reply.code === 251) accepted.push(recipient);
      else rejected.push({ address: recipient, code: reply.code, reply: replyText(reply) });
    }
    if (accepted.length === 0) {
      const detail = `RCPT TO: every recipient refused (${rejected.map((entry) => `${entry.address}: ${entry.reply}`).join('; ')})`;
      const anyTemporary = rejected.some((entry) => entry.code < 500 || entry.code >= 600);
      return anyTemporary ? { status: 'temporary-failure', detail } : { status: 'permanent-failure', detail };
    }
    const data = await expect(conversation.command('DATA', 'DATA'), [354], 'DATA');
    if ('status' in data) return data;
    progress.step = 'end of data';
    conversation.write(dotStuff(raw));
    const final = await expect(conversation.read('end of data'), [250], 'end of data');
    if ('status' in final) return final;
    progress.step = 'QUIT';
    try {
      conversation.write('QUIT\r\n');
      await conversation.read('QUIT', Math.min(quitTimeoutMs, timeoutMs));
    } catch {
      // The message is already accepted; a server that hangs up instead of answering QUIT changes nothing.
    }
    const detail = rejected.length === 0 ? replyText(final) : `${replyText(final)} (${accepted.length} of ${message.to.length} recipients)`;
    return rejected.length === 0 ? { status: 'delivered', detail } : { status: 'delivered', detail, rejectedRecipients: rejected };
  };

  return {
    name: 'smtp',
    async send(message, signal) {
      if (message.to.length === 0) return { status: 'permanent-failure', detail: 'the message has no recipient' };
      let raw: string;
      try {
        raw = buildMimeMessage(message, { date: now(), messageIdDomain: options.messageIdDomain ?? options.heloName });
      } catch (error) {
        return { status: 'permanent-failure', detail: `the message cannot be built: ${error instanceof Error ? error.message : String(error)}` };
      }
      const socket = openRelaySocket({ host: options.host, port: options.port });
      const conversation = createConversation(socket, { timeoutMs, signal });
      const progress = { step: 'connect' };
      try {
        return await exchange(conversation, message, raw, progress);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // After the end-of-data dot the server may have accepted the message without our hearing it (RFC 1047).
        const ambiguity =
          progress.step === 'end of data' ? '; the server may have accepted the message, its Message-ID lets the receiver drop a duplicate' : '';
        return { status: 'temporary-failure', detail: `${progress.step}: ${reason}${ambiguity}` };
      } finally {
        conversation.close();
      }
    },
  };
}
