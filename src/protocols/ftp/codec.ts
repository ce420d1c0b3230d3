/**
 * FTP control-connection replies (RFC 959 §4.2): "220 text" or a multi-line
 * "220-first … 220 last" whose middle lines may carry any text. Pure functions.
 */

const maxReplyLines = 200;
const maxReplyBytes = 16 * 1024;
/** Preliminary replies ("120 ready in 5 minutes") skipped while waiting for the greeting. */
const maxPreliminaryReplies = 5;

export interface FtpReply {
  code: number;
  /** Text of every line, reply codes stripped, joined with "\n". */
  text: string;
  /** Offset just past the reply's last line. */
  end: number;
}

export type ReplyParse = { state: 'incomplete' } | { state: 'invalid'; reason: string } | ({ state: 'complete' } & FtpReply);

/**
 * Parse one reply starting at `offset`. Bare LF line ends are accepted.
 * @example parseFtpReply(Buffer.from('220-Welcome\r\n220 ready\r\n')) // { state: 'complete', code: 220, text: 'Welcome\nready', end: 24 }
 */
export function parseFtpReply(bytes: Buffer, offset = 0): ReplyParse {
  const lines: string[] = [];
  let code: string | undefined;
  let position = offset;
  for (;;) {
    const lineEnd = bytes.indexOf(0x0a, position);
    if (lineEnd < 0) {
      if (bytes.length - offset > maxReplyBytes) return { state: 'invalid', reason: 'reply longer than 16 KiB' };
      // A first line that already cannot be a reply need not wait for its end.
      if (code === undefined && !/^\d{0,3}$|^\d{3}[ \r-]/.test(bytes.subarray(position, position + 4).toString('latin1'))) return notFtp(bytes, position);
      return { state: 'incomplete' };
    }
    const line = bytes.subarray(position, lineEnd).toString('latin1').replace(/\r$/, '');
    position = lineEnd + 1;
    if (code === undefined) {
      const first = /^(\d{3})([ -]|$)(.*)$/.exec(line);
      if (!first) return notFtp(bytes, offset);
      code = first[1];
      lines.push(first[3]);
      if (first[2] !== '-') return complete(code, lines, position);
      continue;
    }
    // Inside a multi-line reply: it ends at "<code> text" (or the bare code).
    if (line.startsWith(code) && (line.length === 3 || line[3] === ' ')) {
      lines.push(line.slice(4));
      return complete(code, lines, position);
    }
    lines.push(line.startsWith(`${code}-`) ? line.slice(4) : line);
    if (lines.length > maxReplyLines || position - offset > maxReplyBytes) return { state: 'invalid', reason: 'reply too long' };
  }
}

function complete(code: string, lines: string[], end: number): ReplyParse {
  return {
    state: 'complete',
    code: Number(code),
    text: lines
      .map((line) => line.trimEnd())
      .join('\n')
      .trim(),
    end,
  };
}

function notFtp(bytes: Buffer, offset: number): ReplyParse {
  const sample = bytes.subarray(offset, offset + 40).toString('latin1');
  return { state: 'invalid', reason: `not an FTP reply: ${JSON.stringify(sample)}` };
}

/**
 * The server's greeting: the first reply that is not preliminary (1xx), so a
 * "120 Service ready in 2 minutes" is read past.
 * @example parseGreeting(Buffer.from('120 wait\r\n220 ok\r\n')) // { state: 'complete', code: 220, text: 'ok', … }
 */
export function parseGreeting(bytes: Buffer): ReplyParse {
  let offset = 0;
  for (let replies = 0; replies <= maxPreliminaryReplies; replies++) {
    const reply = parseFtpReply(bytes, offset);
    if (reply.state !== 'complete' || reply.code >= 200) return reply;
    offset = reply.end;
  }
  return { state: 'invalid', reason: 'too many preliminary replies' };
}

/**
 * One command line; CR and LF are removed from the argument so it cannot add commands.
 * @example ftpCommand('USER', 'admin') // "USER admin\r\n"
 */
export function ftpCommand(verb: string, argument: string): Buffer {
  return Buffer.from(`${verb} ${argument.replace(/[\r\n]/g, '')}\r\n`, 'utf8');
}

/**
 * A command line as a server reads it (the lab's FTP devices): the verb upper-cased, the rest as its argument.
 * @example parseFtpCommand('user admin') // { verb: 'USER', argument: 'admin' }
 */
export function parseFtpCommand(line: string): { verb: string; argument: string } {
  const space = line.indexOf(' ');
  return { verb: (space === -1 ? line : line.slice(0, space)).toUpperCase(), argument: space === -1 ? '' : line.slice(space + 1) };
}

/**
 * Whether a volunteered greeting is FTP's: a 220 (or 120 "wait") reply, and not a mail
 * server's 220, which looks the same but names SMTP.
 * @example looksLikeFtp(Buffer.from('220 (vsFTPd 3.0.3)\r\n')) // true
 */
export function looksLikeFtp(bytes: Buffer): boolean {
  const text = bytes.subarray(0, 512).toString('latin1');
  if (!/^(220|120)[ -]/.test(text)) return false;
  return !/\bE?SMTP\b|\bPostfix\b|\bSendmail\b|\bExim\b/i.test(text.split('\n')[0] ?? '');
}
