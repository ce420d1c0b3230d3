/**
 * Telnet wire codec (RFC 854/855, negotiation after RFC 1143): separates data from
 * commands across chunk boundaries, answers option negotiation without ever looping,
 * turns device output into clean text and classifies prompts. No I/O here.
 */

export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;

/** Option codes a login client reasonably agrees to (RFC 857 ECHO, RFC 858 SUPPRESS-GO-AHEAD). */
export const OPTION_ECHO = 1;
export const OPTION_SGA = 3;
/** Options devices ask clients for: terminal type (RFC 1091), window size (RFC 1073), line mode (RFC 1184). */
export const OPTION_TTYPE = 24;
export const OPTION_NAWS = 31;
export const OPTION_LINEMODE = 34;

export type NegotiationVerb = 'do' | 'dont' | 'will' | 'wont';

/** The command byte of each negotiation verb. */
export const verbCommand: Readonly<Record<NegotiationVerb, number>> = { do: DO, dont: DONT, will: WILL, wont: WONT };

/** One command found in the stream. Other two-byte commands (NOP, GA, AYT…) are dropped. */
export type TelnetCommand =
  | { kind: 'negotiation'; verb: NegotiationVerb; option: number }
  | {
      kind: 'subnegotiation';
      option: number;
      length: number;
      /** The body's first bytes (IAC IAC unescaped): enough for NAWS and TTYPE, never more. */
      data: Buffer;
    };

/** Data and commands in the order they came: what a device (the lab's) acts on. */
export type TelnetEvent = { kind: 'data'; bytes: Buffer } | TelnetCommand;

export interface DecodedChunk {
  /** Application bytes with every command removed (IAC IAC becomes one 255). */
  data: Buffer;
  commands: TelnetCommand[];
  /** The same, interleaved in arrival order. */
  events: TelnetEvent[];
}

/** Longest subnegotiation body kept track of; anything longer is skipped, not stored. */
const maxSubnegotiationBytes = 4096;
/** Subnegotiation bytes kept (NAWS needs 4 bytes, TTYPE a few dozen). */
const keptSubnegotiationBytes = 64;

const verbOf: Record<number, NegotiationVerb> = { [DO]: 'do', [DONT]: 'dont', [WILL]: 'will', [WONT]: 'wont' };

/**
 * A stateful decoder for either end of a connection: feed it chunks as they arrive; a
 * command split across two chunks is completed by the second. Never throws, whatever the
 * bytes. The survey's client and the lab's devices decode with it alike.
 * @example
 * const decoder = createTelnetDecoder();
 * decoder.push(Buffer.from([255, 253])); decoder.push(Buffer.from([1, 0x6c])) // → data "l", DO ECHO
 */
export function createTelnetDecoder(): { push(chunk: Buffer): DecodedChunk } {
  let state: 'data' | 'iac' | 'verb' | 'sb-option' | 'sb' | 'sb-iac' = 'data';
  let pendingVerb: NegotiationVerb = 'do';
  let subOption = 0;
  let subLength = 0;
  let subData: number[] = [];

  return {
    push(chunk: Buffer): DecodedChunk {
      const data = Buffer.allocUnsafe(chunk.length);
      let dataLength = 0;
      let segmentStart = 0;
      const commands: TelnetCommand[] = [];
      const events: TelnetEvent[] = [];
      const command = (found: TelnetCommand) => {
        if (dataLength > segmentStart) events.push({ kind: 'data', bytes: data.subarray(segmentStart, dataLength) });
        segmentStart = dataLength;
        commands.push(found);
        events.push(found);
      };
      const keepSubByte = (byte: number) => {
        if (subData.length < keptSubnegotiationBytes) subData.push(byte);
      };
      for (const byte of chunk) {
        switch (state) {
          case 'data':
            if (byte === IAC) state = 'iac';
            else data[dataLength++] = byte;
            break;
          case 'iac':
            if (byte === IAC) {
              data[dataLength++] = IAC;
              state = 'data';
            } else if (verbOf[byte]) {
              pendingVerb = verbOf[byte];
              state = 'verb';
            } else if (byte === SB) {
              state = 'sb-option';
            } else {
              state = 'data'; // NOP, GA, DM, AYT…: nothing to keep
            }
            break;
          case 'verb':
            command({ kind: 'negotiation', verb: pendingVerb, option: byte });
            state = 'data';
            break;
          case 'sb-option':
            subOption = byte;
            subLength = 0;
            subData = [];
            state = 'sb';
            break;
          case 'sb':
            if (byte === IAC) state = 'sb-iac';
            else {
              subLength = Math.min(subLength + 1, maxSubnegotiationBytes);
              keepSubByte(byte);
            }
            break;
          case 'sb-iac':
            if (byte === SE) {
              command({ kind: 'subnegotiation', option: subOption, length: subLength, data: Buffer.from(subData) });
              state = 'data';
            } else {
              // IAC IAC is an escaped 255 inside the body; any other byte is a peer
              // error that real clients tolerate by staying in the subnegotiation.
              subLength = Math.min(subLength + 1, maxSubnegotiationBytes);
              if (byte === IAC) keepSubByte(IAC);
              state = 'sb';
            }
            break;
        }
      }
      if (dataLength > segmentStart) events.push({ kind: 'data', bytes: data.subarray(segmentStart, dataLength) });
      return { data: data.subarray(0, dataLength), commands, events };
    },
  };
}

export interface NegotiatorOptions {
  /** Options we let the peer enable (peer's WILL answered with DO). Default: ECHO and SGA. */
  acceptRemote?: readonly number[];
  /** Most replies ever sent on one connection; past it the peer is ignored (IAC storm). */
  maxReplies?: number;
}

export interface Negotiator {
  /** Bytes to send in answer to a command, or undefined when no answer is due. */
  answer(command: TelnetCommand): Buffer | undefined;
  /** Replies sent so far. */
  readonly replies: number;
  /** True once the reply cap was hit and further requests went unanswered. */
  readonly exhausted: boolean;
}

/**
 * Answers option negotiation the way RFC 1143 prescribes for a client that supports
 * nothing but ECHO/SGA from the server: refuse what we don't support, acknowledge only
 * changes of state (so a well-behaved peer cannot loop with us), and stop answering
 * altogether after `maxReplies` (so a misbehaving one cannot either).
 * @example createNegotiator().answer({ kind: 'negotiation', verb: 'do', option: 24 }) // IAC WONT 24
 */
export function createNegotiator(options: NegotiatorOptions = {}): Negotiator {
  const acceptRemote = new Set(options.acceptRemote ?? [OPTION_ECHO, OPTION_SGA]);
  const maxReplies = options.maxReplies ?? 64;
  // Which of the peer's options are enabled (we never enable any of ours).
  const remoteEnabled = new Set<number>();
  let replies = 0;
  let exhausted = false;

  const reply = (verb: number, option: number): Buffer | undefined => {
    if (replies >= maxReplies) {
      exhausted = true;
      return undefined;
    }
    replies++;
    return Buffer.from([IAC, verb, option]);
  };

  return {
    get replies() {
      return replies;
    },
    get exhausted() {
      return exhausted;
    },
    answer(command) {
      if (command.kind !== 'negotiation') return undefined;
      const { verb, option } = command;
      switch (verb) {
        case 'do':
          // Our side of every option stays disabled: always a refusal.
          return reply(WONT, option);
        case 'dont':
          return undefined; // already disabled on our side, nothing changes
        case 'will':
          if (remoteEnabled.has(option)) return undefined;
          if (acceptRemote.has(option)) {
            remoteEnabled.add(option);
            return reply(DO, option);
          }
          return reply(DONT, option);
        case 'wont':
          if (!remoteEnabled.has(option)) return undefined;
          remoteEnabled.delete(option);
          return reply(DONT, option);
      }
    },
  };
}

/** Options the peer asked about, per verb, each listed once in order of first appearance. */
export interface NegotiationSummary {
  do: number[];
  will: number[];
  dont: number[];
  wont: number[];
}

export function emptyNegotiationSummary(): NegotiationSummary {
  return { do: [], will: [], dont: [], wont: [] };
}

/**
 * Add the peer's negotiation commands to a summary (mutates and returns it).
 * @example recordNegotiation(emptyNegotiationSummary(), decoded.commands)
 */
export function recordNegotiation(summary: NegotiationSummary, commands: readonly TelnetCommand[]): NegotiationSummary {
  for (const command of commands) {
    if (command.kind !== 'negotiation') continue;
    const list = summary[command.verb];
    if (!list.includes(command.option)) list.push(command.option);
  }
  return summary;
}

/**
 * Bytes for one line of user input: IAC doubled, ended with CR LF as the NVT requires.
 * @example encodeLine('admin') // 61 64 6d 69 6e 0d 0a
 */
export function encodeLine(text: string): Buffer {
  const raw = Buffer.from(text, 'utf8');
  const escaped: number[] = [];
  for (const byte of raw) {
    escaped.push(byte);
    if (byte === IAC) escaped.push(IAC);
  }
  return Buffer.concat([Buffer.from(escaped), Buffer.from('\r\n')]);
}

import { classifyPrompt, deviceText, isMostlyBinary, lastLine } from './text.ts';

export { classifyPrompt, deviceText, isMostlyBinary, splitPrompt, lastLine } from './text.ts';
export type { PromptKind, PromptSplit } from './text.ts';

/**
 * Whether a volunteered greeting is telnet: option negotiation (IAC DO/WILL/DONT/WONT/SB) in
 * its first bytes, or readable text that ends in a login, password or shell prompt.
 * @example looksLikeTelnet(Buffer.from([255, 253, 1])) // true
 */
export function looksLikeTelnet(bytes: Buffer): boolean {
  const start = bytes.subarray(0, 64);
  for (let index = 0; index + 1 < start.length; index++) {
    if (start[index] === IAC && (start[index + 1]! >= SB || start[index + 1] === SE)) return true;
  }
  if (isMostlyBinary(bytes)) return false;
  return classifyPrompt(lastLine(deviceText(bytes))) !== 'none';
}
