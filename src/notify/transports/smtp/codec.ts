/**
 * Pure pieces of the SMTP client (RFC 5321): reading replies incrementally with hard size
 * bounds, EHLO keywords, dot-stuffing, and the mapping from reply codes to outcomes.
 */
import type { DeliveryOutcome } from '../types.ts';

export interface SmtpReply {
  code: number;
  /** The text of each line, without code and separator. */
  lines: string[];
}

export interface ReplyLimits {
  /** Longest reply line accepted (RFC 5321 §4.5.3.1.5 allows 512 octets; servers exceed it a little). */
  maxLineBytes: number;
  /** Most lines in one multi-line reply. */
  maxLines: number;
}

export const defaultReplyLimits: Readonly<ReplyLimits> = Object.freeze({ maxLineBytes: 4096, maxLines: 128 });

/** What the reply parser reports when the server breaks the protocol or the bounds. */
export class SmtpProtocolError extends Error {
  override name = 'SmtpProtocolError';
}

export interface ReplyParser {
  /** Feed received bytes; returns every reply completed by them, in order. Throws SmtpProtocolError. */
  push(chunk: Uint8Array): SmtpReply[];
  /** Bytes received but not yet part of a complete reply. */
  readonly pendingBytes: number;
}

/**
 * An incremental reply reader. Memory stays bounded whatever the server sends: a line
 * longer than maxLineBytes or a reply with more than maxLines lines is an error at once.
 * @example const parser = createReplyParser(); parser.push(Buffer.from('250-a\r\n250 b\r\n')) // [{ code: 250, lines: ['a', 'b'] }]
 */
export function createReplyParser(limits: ReplyLimits = defaultReplyLimits): ReplyParser {
  let partial = Buffer.alloc(0);
  let lines: string[] = [];
  let code: number | undefined;

  const takeLine = (line: string, replies: SmtpReply[]) => {
    const match = /^(\d{3})([ -]|$)(.*)$/s.exec(line);
    if (!match) throw new SmtpProtocolError(`malformed reply line ${JSON.stringify(line.slice(0, 80))}`);
    const lineCode = Number(match[1]);
    if (code !== undefined && lineCode !== code) throw new SmtpProtocolError(`reply code changed from ${code} to ${lineCode} inside a multi-line reply`);
    code = lineCode;
    lines.push(match[3]);
    if (lines.length > limits.maxLines) throw new SmtpProtocolError(`reply longer than ${limits.maxLines} lines`);
    if (match[2] !== '-') {
      replies.push({ code: lineCode, lines });
      lines = [];
      code = undefined;
    }
  };

  return {
    push(chunk) {
      const replies: SmtpReply[] = [];
      let data = partial.length === 0 ? Buffer.from(chunk) : Buffer.concat([partial, chunk]);
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10)) {
        const end = newline > 0 && data[newline - 1] === 13 ? newline - 1 : newline;
        if (end > limits.maxLineBytes) break;
        takeLine(data.subarray(0, end).toString('latin1'), replies);
        data = data.subarray(newline + 1);
      }
      if (data.indexOf(10) !== -1 || data.length > limits.maxLineBytes) throw new SmtpProtocolError(`reply line longer than ${limits.maxLineBytes} bytes`);
      partial = Buffer.from(data);
      return replies;
    },
    get pendingBytes() {
      return partial.length;
    },
  };
}

/**
 * EHLO keywords (upper-case) with their parameters.
 * @example ehloExtensions({ code: 250, lines: ['mx.example', 'AUTH PLAIN LOGIN', 'STARTTLS'] }).get('AUTH') // ['PLAIN', 'LOGIN']
 */
export function ehloExtensions(reply: SmtpReply): Map<string, string[]> {
  const extensions = new Map<string, string[]>();
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...parameters] = line.trim().split(/\s+/);
    if (keyword)
      extensions.set(
        keyword.toUpperCase(),
        parameters.map((parameter) => parameter.toUpperCase()),
      );
  }
  return extensions;
}

/**
 * The message as DATA content: line ends made CRLF, every line starting with "." doubled
 * (RFC 5321 §4.5.2), closed by the "." line.
 * @example dotStuff('a\r\n.b\r\n') // 'a\r\n..b\r\n.\r\n'
 */
export function dotStuff(message: string): string {
  const canonical = message.replace(/\r\n|\r|\n/g, '\r\n');
  const body = canonical.endsWith('\r\n') || canonical === '' ? canonical : `${canonical}\r\n`;
  return `${body.replace(/^\./gm, '..')}.\r\n`;
}

/** One line of reply text for details and logs. */
export function replyText(reply: SmtpReply): string {
  return `${reply.code} ${reply.lines.join(' / ')}`.slice(0, 500);
}

/**
 * What an unexpected reply means for the delivery: 4xx is worth retrying, 5xx is not
 * (RFC 5321 §4.2.1), anything else is a broken server and treated as temporary.
 * @example failureFromReply({ code: 451, lines: ['try later'] }, 'MAIL FROM').status // 'temporary-failure'
 */
export function failureFromReply(reply: SmtpReply, step: string): DeliveryOutcome {
  const detail = `${step}: ${replyText(reply)}`;
  if (reply.code >= 500 && reply.code < 600) return { status: 'permanent-failure', detail };
  return { status: 'temporary-failure', detail };
}
