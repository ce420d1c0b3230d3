import type { Connection, ReadEnd } from '../../scope/connection.ts';
import {
  createNegotiator,
  createTelnetDecoder,
  classifyPrompt,
  deviceText,
  emptyNegotiationSummary,
  encodeLine,
  lastLine,
  recordNegotiation,
  type NegotiationSummary,
  type PromptKind,
} from './codec.ts';

export interface TelnetSessionOptions {
  /** With text but no prompt yet, how long a silence means "nothing more is coming". */
  quietMs: number;
  /** After a shell-like prompt, how long to wait for more output before believing it. */
  settleMs: number;
  /** Negotiation replies allowed on this connection (IAC storm guard). */
  maxReplies: number;
  /** Commands seen without any text before the peer is declared a negotiation storm. */
  maxCommandsWithoutText: number;
  /**
   * Longest one wait for a prompt may take in all, however its bytes trickle in (a login
   * checker's answer wait). The quiet period and io timeout end only a silence: a device that
   * drips a byte every 200 ms would otherwise hold the wait until the connection's deadline.
   * Absent: no bound but those.
   */
  maxWaitMs?: number;
}

export const defaultTelnetSessionOptions: TelnetSessionOptions = {
  quietMs: 1500,
  settleMs: 250,
  maxReplies: 64,
  maxCommandsWithoutText: 1000,
};

/** Where a wait for a prompt stopped. */
export interface PromptWait {
  /** Kind of the unfinished last line ('none' when no prompt was recognised). */
  kind: PromptKind;
  /** Clean text received since the last line was sent (or since connecting). */
  text: string;
  /** Set when the connection ended while waiting. */
  end?: ReadEnd;
  error?: string;
  /** True when the wait ended because the peer went quiet after some text. */
  quiet?: boolean;
  /** True when the peer sent only negotiation, past the storm limit. */
  storm?: boolean;
}

export interface TelnetSession {
  /**
   * Read until a prompt, a quiet period after text, a storm, or the end of the stream.
   * `quietMs` overrides the session's quiet period for this wait (a failed login is
   * often followed by seconds of silence before the next prompt).
   */
  waitForPrompt(overrides?: { quietMs?: number }): Promise<PromptWait>;
  /** Send one line of input (pending negotiation answers go first). */
  sendLine(text: string): Promise<void>;
  /** Close at once; pending negotiation answers are dropped, never sent. */
  close(): void;
  readonly negotiation: NegotiationSummary;
  /** Everything received since connecting (commands removed), first 64 KiB. */
  readonly received: Buffer;
  /** True once the negotiation reply cap was reached and the peer went unanswered. */
  readonly negotiationExhausted: boolean;
}

const keptBytes = 64 * 1024;
const promptWindowBytes = 1024;
/** Hard bound on chunks handled in one wait, on top of the connection's own limits. */
const maxChunksPerWait = 100_000;

/**
 * Telnet over one dialed connection: strips and answers negotiation, keeps the text,
 * and waits for prompts. Negotiation answers for the chunk that completes a prompt are
 * held back and sent only with the next line, so closing right after a recognised
 * shell prompt sends nothing at all.
 * @example
 * const session = createTelnetSession(await ctx.dial(target), defaultTelnetSessionOptions);
 * const wait = await session.waitForPrompt(); // { kind: 'login', text: 'DVR login: ' }
 */
export function createTelnetSession(conn: Connection, options: TelnetSessionOptions = defaultTelnetSessionOptions): TelnetSession {
  const decoder = createTelnetDecoder();
  const negotiator = createNegotiator({ maxReplies: options.maxReplies });
  const negotiation = emptyNegotiationSummary();
  let received: Buffer = Buffer.alloc(0);
  let sinceLine: Buffer = Buffer.alloc(0);
  let heldAnswers: Buffer[] = [];
  let commandsWithoutText = 0;
  let textSinceLine = false;

  const promptKindNow = (): PromptKind => classifyPrompt(lastLine(deviceText(sinceLine.subarray(-promptWindowBytes))));

  /** Decode one chunk; answers are written now unless the chunk completed a prompt. */
  const absorb = async (chunk: Buffer): Promise<PromptKind> => {
    const decoded = decoder.push(chunk);
    recordNegotiation(negotiation, decoded.commands);
    const answers = decoded.commands.map((command) => negotiator.answer(command)).filter((bytes) => bytes !== undefined);
    if (decoded.data.length > 0) {
      if (received.length < keptBytes) received = Buffer.concat([received, decoded.data.subarray(0, keptBytes - received.length)]);
      sinceLine = Buffer.concat([sinceLine, decoded.data]).subarray(-keptBytes);
      commandsWithoutText = 0;
      if (!textSinceLine) textSinceLine = deviceText(decoded.data).trim().length > 0;
    } else {
      commandsWithoutText += decoded.commands.length;
    }
    heldAnswers.push(...answers);
    const kind = promptKindNow();
    if (kind === 'none') await flushAnswers();
    return kind;
  };

  const flushAnswers = async () => {
    if (heldAnswers.length === 0) return;
    const bytes = Buffer.concat(heldAnswers);
    heldAnswers = [];
    await conn.write(bytes);
  };

  const hasText = () => textSinceLine;
  const result = (kind: PromptKind, extra: Partial<PromptWait> = {}): PromptWait => ({ kind, text: deviceText(sinceLine), ...extra });

  return {
    get negotiation() {
      return negotiation;
    },
    get received() {
      return received;
    },
    get negotiationExhausted() {
      return negotiator.exhausted;
    },
    async waitForPrompt(overrides = {}) {
      const quietMs = overrides.quietMs ?? options.quietMs;
      const startedAt = performance.now();
      // Quiet after text (or the whole wait spent): what came is all there is. Spent with no text at all: a timeout.
      const quietResult = (kind: PromptKind) =>
        result(kind, kind === 'shell' ? {} : hasText() ? { quiet: true } : { end: 'io-timeout', error: `no prompt within ${options.maxWaitMs} ms` });
      let kind = promptKindNow();
      for (let chunks = 0; chunks < maxChunksPerWait; chunks++) {
        if (kind === 'login' || kind === 'password') return result(kind);
        // A shell prompt must survive a short settle: "####" decoration or a half-sent
        // motd can look like one for a moment.
        const waitMs = kind === 'shell' ? options.settleMs : hasText() ? quietMs : undefined;
        const leftMs = options.maxWaitMs === undefined ? undefined : options.maxWaitMs - (performance.now() - startedAt);
        if (leftMs !== undefined && leftMs <= 0) return quietResult(kind);
        const boundedMs = leftMs === undefined ? waitMs : Math.min(waitMs ?? leftMs, leftMs);
        const step = boundedMs === undefined ? await conn.next() : await conn.poll(boundedMs);
        if ('quiet' in step) return quietResult(kind);
        if ('end' in step) return result(kind, { end: step.end, ...(step.error ? { error: step.error } : {}) });
        kind = await absorb(step.chunk);
        if (commandsWithoutText > options.maxCommandsWithoutText && !hasText()) return result(kind, { storm: true });
      }
      return result(kind, { storm: true });
    },
    async sendLine(text) {
      await flushAnswers();
      sinceLine = Buffer.alloc(0);
      textSinceLine = false;
      await conn.write(encodeLine(text));
    },
    close() {
      heldAnswers = [];
      conn.close();
    },
  };
}
