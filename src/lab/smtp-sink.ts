/**
 * A real SMTP server on loopback that keeps every message it accepts: the lab's stand-in for
 * an ISP's mail relay. It speaks enough ESMTP for our client (EHLO/HELO, optional AUTH
 * PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and injects faults on request — a 451
 * for every Nth transaction, or the connection dropped after the message arrived but before
 * it was acknowledged (the case that makes a sender deliver twice) — so delivery can be
 * tested for exactly-once behaviour. Loopback only; every input is size-bounded.
 */
import { createServer, isIPv4, type Socket } from 'node:net';
import { OpenNoticeError } from '../core/errors.ts';
import { createRandom, type Random } from '../core/random.ts';
import { parseMimeMessage, type ParsedMessage } from '../notify/transports/mime-parse.ts';

export interface SmtpSinkFaults {
  /** Answer 451 at the end of every Nth transaction (with `seed`: each with probability 1/N); the message is not kept. */
  tempFailEvery?: number;
  /** Close the connection at the end of every Nth transaction (with `seed`: probability 1/N); see `dropPoint`. */
  dropConnectionEvery?: number;
  /** 'after-data' (default): the message is kept but never acknowledged; 'before-data': dropped at MAIL FROM, nothing kept. */
  dropPoint?: 'after-data' | 'before-data';
  /**
   * Keep the message of every Nth transaction (seeded: probability 1/N) and never answer its
   * DATA: the connection stays open and silent until the client gives up. Like a drop after
   * the data, the sender cannot know the message arrived.
   */
  stallEvery?: number;
  /** Choose faulty transactions at random (reproducibly) instead of every Nth. */
  seed?: number;
  /** Recipients answered with 550 (user unknown). */
  rejectRecipients?: string[];
}

export interface SmtpSinkOptions {
  /** Loopback address to listen on (default 127.0.0.1); anything else is refused. */
  host?: string;
  port?: number;
  faults?: SmtpSinkFaults;
  /** When set, MAIL needs AUTH PLAIN or LOGIN with these credentials first. */
  auth?: { username: string; password: string };
  /** Mechanisms offered when `auth` is set (default both). */
  authMechanisms?: Array<'PLAIN' | 'LOGIN'>;
  /** Largest message accepted (default 10 MiB); larger ones get 552. */
  maxMessageBytes?: number;
}

export interface SinkMessage extends ParsedMessage {
  envelopeFrom: string;
  envelopeTo: string[];
  /** The message exactly as received, dot-stuffing undone. */
  raw: Buffer;
  /** False when the connection was dropped on purpose before the 250 reached the client. */
  acknowledged: boolean;
  /** 1-based number of the MAIL transaction across all connections. */
  transaction: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Every message kept, in arrival order (copies: callers may not change the sink). */
  messages(): SinkMessage[];
  /** How many faults were injected so far. */
  faultsInjected(): { tempFailures: number; drops: number; stalls: number };
  close(): Promise<void>;
}

const maxCommandBytes = 1000;
const idleTimeoutMs = 60_000;
const maxRecipients = 100;

function isLoopback(host: string): boolean {
  return host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

/** Every Nth, or (seeded) at random with probability 1/N. */
function faultPicker(every: number | undefined, random: Random | undefined): (transaction: number) => boolean {
  if (every === undefined) return () => false;
  if (!Number.isInteger(every) || every < 1) throw new OpenNoticeError('CONFIG_INVALID', `fault frequency must be a positive integer, not ${every}`);
  return random ? () => random.chance(1 / every) : (transaction) => transaction % every === 0;
}

function copyMessage(message: SinkMessage): SinkMessage {
  return {
    ...message,
    headers: { ...message.headers },
    to: [...message.to],
    envelopeTo: [...message.envelopeTo],
    raw: Buffer.from(message.raw),
    attachments: message.attachments.map((attachment) => ({ ...attachment, content: Buffer.from(attachment.content) })),
  };
}

/**
 * @example
 * const sink = await startSmtpSink({ host: '127.0.0.1', port: 0, faults: { tempFailEvery: 3 } });
 * // … send through createSmtpTransport({ host: sink.host, port: sink.port, heloName: 'test.example' })
 * sink.messages()[0].subject; await sink.close();
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host))
    throw new OpenNoticeError('CONFIG_INVALID', `the SMTP sink listens on loopback only (127.0.0.0/8 or ::1), not ${JSON.stringify(host)}`);
  const faults = options.faults ?? {};
  const random = faults.seed === undefined ? undefined : createRandom(faults.seed);
  const tempFails = faultPicker(faults.tempFailEvery, random?.fork('temp-fail'));
  const drops = faultPicker(faults.dropConnectionEvery, random?.fork('drop'));
  const stalls = faultPicker(faults.stallEvery, random?.fork('stall'));
  const rejected = new Set((faults.rejectRecipients ?? []).map((address) => address.toLowerCase()));
  const maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
  const mechanisms = options.authMechanisms ?? ['PLAIN', 'LOGIN'];
  const kept: SinkMessage[] = [];
  const counts = { transactions: 0, tempFailures: 0, drops: 0, stalls: 0 };
  const sockets = new Set<Socket>();

  const serve = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(idleTimeoutMs, () => socket.end('421 4.4.2 Idle timeout\r\n'));
    const reply = (text: string) => {
      if (socket.writable) socket.write(`${text}\r\n`);
    };
    let buffered: Buffer = Buffer.alloc(0);
    let closing = false;
    let authenticated = options.auth === undefined;
    let loginStep: 'username' | 'password' | undefined;
    let loginUser = '';
    let transaction: { number: number; from: string; to: string[]; drop: boolean } | undefined;
    let data: { lines: Buffer[]; bytes: number } | undefined;

    const finishData = () => {
      const current = transaction!;
      const raw = Buffer.concat(data!.lines.flatMap((line) => [line, Buffer.from('\r\n')]));
      const tooLarge = data!.bytes > maxMessageBytes;
      data = undefined;
      transaction = undefined;
      if (tooLarge) return reply('552 5.3.4 Message too big');
      if (!current.drop && tempFails(current.number)) {
        counts.tempFailures++;
        return reply('451 4.3.0 Temporary failure injected by the lab, try again later');
      }
      const stalled = !current.drop && stalls(current.number);
      kept.push({
        ...parseMimeMessage(raw.toString('latin1')),
        envelopeFrom: current.from,
        envelopeTo: current.to,
        raw,
        acknowledged: !current.drop && !stalled,
        transaction: current.number,
      });
      if (current.drop) {
        counts.drops++;
        return void socket.destroy();
      }
      if (stalled) {
        // Silent from here on: whatever the client sends next is read and never answered.
        counts.stalls++;
        closing = true;
        return;
      }
      reply(`250 2.0.0 Ok: queued as ${current.number}`);
    };

    const checkLogin = (username: string, password: string) => {
      loginStep = undefined;
      authenticated = username === options.auth?.username && password === options.auth?.password;
      reply(authenticated ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
    };

    const command = (line: string) => {
      const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
      if (loginStep === 'username') {
        loginUser = decode(line);
        loginStep = 'password';
        return reply('334 UGFzc3dvcmQ6');
      }
      if (loginStep === 'password') return checkLogin(loginUser, decode(line));
      const verb = line.slice(0, 4).toUpperCase();
      const argument = line.slice(5).trim();
      switch (verb) {
        case 'EHLO':
          transaction = undefined;
          return reply(
            [
              '250-opennotice-lab-sink',
              `250-SIZE ${maxMessageBytes}`,
              '250-8BITMIME',
              ...(options.auth ? [`250-AUTH ${mechanisms.join(' ')}`] : []),
              '250 HELP',
            ].join('\r\n'),
          );
        case 'HELO':
          transaction = undefined;
          return reply('250 opennotice-lab-sink');
        case 'AUTH': {
          if (!options.auth) return reply('502 5.5.1 AUTH not available');
          const [mechanism = '', initial] = argument.split(/\s+/);
          if (!mechanisms.includes(mechanism.toUpperCase() as 'PLAIN')) return reply('504 5.5.4 Unrecognized authentication type');
          if (mechanism.toUpperCase() === 'LOGIN') {
            loginStep = 'username';
            return reply('334 VXNlcm5hbWU6');
          }
          if (mechanism.toUpperCase() !== 'PLAIN' || initial === undefined) return reply('504 5.5.4 Unrecognized authentication type');
          const [, username = '', password = ''] = decode(initial).split('\u0000');
          return checkLogin(username, password);
        }
        case 'MAIL': {
          const from = /^FROM:\s*<([^>]*)>/i.exec(argument);
          if (!from) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
          if (!authenticated) return reply('530 5.7.0 Authentication required');
          if (transaction) return reply('503 5.5.1 Nested MAIL command');
          const number = ++counts.transactions;
          const drop = drops(number);
          if (drop && faults.dropPoint === 'before-data') {
            counts.drops++;
            return void socket.destroy();
          }
          transaction = { number, from: from[1], to: [], drop };
          return reply('250 2.1.0 Ok');
        }
        case 'RCPT': {
          const to = /^TO:\s*<([^>]*)>/i.exec(argument);
          if (!transaction) return reply('503 5.5.1 Need MAIL first');
          if (!to) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
          if (transaction.to.length >= maxRecipients) return reply('452 4.5.3 Too many recipients');
          if (rejected.has(to[1].toLowerCase())) return reply('550 5.1.1 User unknown');
          transaction.to.push(to[1]);
          return reply('250 2.1.5 Ok');
        }
        case 'DATA':
          if (!transaction || transaction.to.length === 0) return reply('503 5.5.1 Need RCPT first');
          data = { lines: [], bytes: 0 };
          return reply('354 End data with <CR><LF>.<CR><LF>');
        case 'RSET':
          transaction = undefined;
          return reply('250 2.0.0 Ok');
        case 'NOOP':
          return reply('250 2.0.0 Ok');
        case 'QUIT':
          return void socket.end('221 2.0.0 Bye\r\n');
        default:
          return reply('502 5.5.2 Command not recognized');
      }
    };

    const line = (bytes: Buffer) => {
      if (data) {
        if (bytes.length === 1 && bytes[0] === 0x2e) return finishData();
        const unstuffed = bytes[0] === 0x2e ? bytes.subarray(1) : bytes;
        data.bytes += unstuffed.length + 2;
        // Past the limit the rest is read and dropped, so the 552 comes at the end as RFC 5321 expects.
        if (data.bytes <= maxMessageBytes) data.lines.push(Buffer.from(unstuffed));
        return;
      }
      if (bytes.length > maxCommandBytes) return tooLong();
      command(bytes.toString('latin1'));
    };
    const tooLong = () => {
      closing = true;
      socket.end('500 5.5.2 Line too long\r\n');
      setTimeout(() => socket.destroy(), 1000).unref();
    };

    socket.on('data', (chunk: Buffer) => {
      if (closing) return;
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (let newline = buffered.indexOf(10); newline !== -1 && !socket.destroyed && !closing; newline = buffered.indexOf(10)) {
        const end = newline > 0 && buffered[newline - 1] === 13 ? newline - 1 : newline;
        line(buffered.subarray(0, end));
        buffered = buffered.subarray(newline + 1);
      }
      // A line without end longer than any legal line (RFC 5321 §4.5.3.1.6: 1000 octets) ends the session.
      if (buffered.length > maxCommandBytes && !closing) tooLong();
    });
    reply('220 opennotice-lab-sink ESMTP ready');
  };

  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new OpenNoticeError(
          'LAB_FAILED',
          `SMTP sink cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
          { ip: host, port: options.port ?? 0 },
          { cause: error },
        ),
      ),
    );
    server.listen({ host, port: options.port ?? 0 }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    messages: () => kept.map(copyMessage),
    faultsInjected: () => ({ tempFailures: counts.tempFailures, drops: counts.drops, stalls: counts.stalls }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
