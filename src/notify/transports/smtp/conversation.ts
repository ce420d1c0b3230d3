/**
 * One SMTP connection as a sequence of awaited replies: every wait has its own timeout, an
 * abort signal ends the connection at once, and a server that sends too much or breaks the
 * reply syntax ends it with an error. After STARTTLS the conversation moves to the TLS socket.
 */
import type { RelaySocket as Socket, RelayTlsSocket as TLSSocket } from '../../../scope/relay-socket.ts';
import { createReplyParser, SmtpProtocolError, type ReplyLimits, type SmtpReply } from './codec.ts';

/** Why a conversation stopped before the exchange finished; the client maps it to an outcome. */
export class SmtpConnectionError extends Error {
  override name = 'SmtpConnectionError';
  readonly kind: 'timeout' | 'closed' | 'network' | 'protocol' | 'aborted';

  constructor(kind: SmtpConnectionError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface SmtpConversation {
  /** Wait for the next reply (the greeting, or the answer to what was written); `timeoutMs` overrides the default. */
  read(step: string, timeoutMs?: number): Promise<SmtpReply>;
  /** Send one command line and wait for its reply. */
  command(line: string, step: string): Promise<SmtpReply>;
  /** Write raw bytes (the DATA content). */
  write(data: string): void;
  /** Hand the connection to a TLS socket wrapping the current one (after "220" to STARTTLS). */
  upgrade(wrap: (socket: Socket) => TLSSocket): Promise<TLSSocket>;
  readonly tls: boolean;
  close(): void;
}

/**
 * @example const conversation = createConversation(socket, { timeoutMs: 30_000 }); const greeting = await conversation.read('greeting');
 */
export function createConversation(initial: Socket, options: { timeoutMs: number; limits?: ReplyLimits; signal?: AbortSignal }): SmtpConversation {
  let socket: Socket = initial;
  let parser = createReplyParser(options.limits);
  const ready: SmtpReply[] = [];
  let failure: SmtpConnectionError | undefined;
  let waiter: { resolve: (reply: SmtpReply) => void; reject: (error: SmtpConnectionError) => void } | undefined;
  let isTls = false;

  const fail = (error: SmtpConnectionError) => {
    failure ??= error;
    socket.destroy();
    const pending = waiter;
    waiter = undefined;
    pending?.reject(failure);
  };
  const deliver = () => {
    if (!waiter || ready.length === 0) return;
    const pending = waiter;
    waiter = undefined;
    pending.resolve(ready.shift()!);
  };
  const onData = (chunk: Buffer) => {
    try {
      ready.push(...parser.push(chunk));
    } catch (error) {
      return fail(new SmtpConnectionError('protocol', error instanceof SmtpProtocolError ? error.message : String(error)));
    }
    deliver();
  };
  const onError = (error: Error) => fail(new SmtpConnectionError('network', error.message));
  const onClose = () => fail(new SmtpConnectionError('closed', 'the server closed the connection'));
  const attach = (target: Socket) => {
    target.on('data', onData);
    target.on('error', onError);
    target.on('close', onClose);
  };
  const detach = (target: Socket) => {
    target.off('data', onData);
    target.off('error', onError);
    target.off('close', onClose);
  };
  const onAbort = () => fail(new SmtpConnectionError('aborted', 'the delivery was aborted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  attach(socket);

  const read = (step: string, timeoutMs = options.timeoutMs) => {
    if (ready.length > 0) return Promise.resolve(ready.shift()!);
    if (failure) return Promise.reject(failure);
    return new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => fail(new SmtpConnectionError('timeout', `no reply to ${step} within ${timeoutMs} ms`)), timeoutMs);
      waiter = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  };
  const write = (data: string) => {
    if (!failure) socket.write(data);
  };

  return {
    read,
    write,
    command(line, step) {
      write(`${line}\r\n`);
      return read(step);
    },
    async upgrade(wrap) {
      // Bytes the server sent after its "220" would be read as if they came over TLS: a known injection (CVE-2011-0411 class).
      if (ready.length > 0 || parser.pendingBytes > 0) {
        fail(new SmtpConnectionError('protocol', 'the server sent data after agreeing to STARTTLS'));
        throw failure;
      }
      detach(socket);
      const plain = socket;
      const secure = wrap(plain);
      socket = secure;
      parser = createReplyParser(options.limits);
      attach(secure);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => fail(new SmtpConnectionError('timeout', `TLS handshake not finished within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
        waiter = {
          resolve: () => undefined,
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        secure.once('secureConnect', () => {
          clearTimeout(timer);
          waiter = undefined;
          resolve();
        });
      });
      isTls = true;
      return secure;
    },
    get tls() {
      return isTls;
    },
    close() {
      options.signal?.removeEventListener('abort', onAbort);
      failure ??= new SmtpConnectionError('closed', 'the conversation was closed');
      socket.destroy();
    },
  };
}
