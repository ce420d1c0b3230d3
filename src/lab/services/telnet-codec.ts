/**
 * The server side of telnet's wire format (RFC 854/855): split what a client sends into
 * data bytes, option commands and subnegotiations, across chunk boundaries, and decide
 * the few replies a device owes without ever entering a negotiation loop (RFC 1143).
 */
import { telnetCommand, telnetOption } from '../vendors/telnet-kit.ts';

const { IAC, DONT, DO, WONT, WILL, SB, SE } = telnetCommand;

export type TelnetEvent =
  | { kind: 'data'; bytes: Buffer }
  | { kind: 'negotiate'; command: number; option: number }
  | { kind: 'subnegotiation'; option: number; data: Buffer };

/** Subnegotiation payloads longer than this are cut (NAWS needs 4 bytes, TTYPE a few dozen). */
const maxSubnegotiationBytes = 64;

/**
 * A decoder that keeps its parse state between chunks.
 * @example createTelnetDecoder().feed(Buffer.from([255, 251, 31, 65])) // [{kind:'negotiate',command:251,option:31},{kind:'data',bytes:<41>}]
 */
export function createTelnetDecoder(): { feed(chunk: Buffer): TelnetEvent[] } {
  let state: 'data' | 'iac' | 'option' | 'sb-option' | 'sb-data' | 'sb-iac' = 'data';
  let command = 0;
  let subOption = 0;
  let subData: number[] = [];
  return {
    feed(chunk) {
      const events: TelnetEvent[] = [];
      let data: number[] = [];
      const flushData = () => {
        if (data.length > 0) events.push({ kind: 'data', bytes: Buffer.from(data) });
        data = [];
      };
      for (const byte of chunk) {
        switch (state) {
          case 'data':
            if (byte === IAC) state = 'iac';
            else data.push(byte);
            break;
          case 'iac':
            if (byte === IAC) {
              data.push(IAC); // escaped 0xFF data byte
              state = 'data';
            } else if (byte === WILL || byte === WONT || byte === DO || byte === DONT) {
              command = byte;
              state = 'option';
            } else if (byte === SB) state = 'sb-option';
            else state = 'data'; // NOP, GA, AYT …: two-byte commands a device ignores
            break;
          case 'option':
            flushData();
            events.push({ kind: 'negotiate', command, option: byte });
            state = 'data';
            break;
          case 'sb-option':
            subOption = byte;
            subData = [];
            state = 'sb-data';
            break;
          case 'sb-data':
            if (byte === IAC) state = 'sb-iac';
            else if (subData.length < maxSubnegotiationBytes) subData.push(byte);
            break;
          case 'sb-iac':
            if (byte === SE) {
              flushData();
              events.push({ kind: 'subnegotiation', option: subOption, data: Buffer.from(subData) });
              state = 'data';
            } else {
              if (byte === IAC && subData.length < maxSubnegotiationBytes) subData.push(IAC);
              state = 'sb-data';
            }
            break;
        }
      }
      flushData();
      return events;
    },
  };
}

/**
 * Decides the device's answers to a client's option requests. Answers to our own
 * requests are never answered back, and each (command, option) is answered at most
 * once, so two peers can never ping-pong forever.
 * @example const policy = createNegotiationPolicy(); policy.answer(DO, TTYPE) // <Buffer ff fc 18> (WONT TTYPE)
 */
export function createNegotiationPolicy(): { answer(command: number, option: number): Buffer | undefined } {
  const answered = new Set<number>();
  // What a busybox-like device is willing to do: it echoes and suppresses go-ahead; it
  // asks for (and accepts) the window size and lets the client echo off.
  const weWill = new Set<number>([telnetOption.ECHO, telnetOption.SGA]);
  const theyMay = new Set<number>([telnetOption.NAWS, telnetOption.ECHO, telnetOption.SGA, telnetOption.TTYPE]);
  return {
    answer(command, option) {
      const key = command * 256 + option;
      if (answered.has(key)) return undefined;
      let reply: number | undefined;
      if (command === DO && !weWill.has(option)) reply = WONT;
      else if (command === WILL && !theyMay.has(option)) reply = DONT;
      if (reply === undefined) return undefined;
      answered.add(key);
      return Buffer.from([IAC, reply, option]);
    },
  };
}

/**
 * Assembles typed lines the way a terminal line discipline does: CR LF, CR NUL and a
 * bare LF each end a line; backspace/DEL erase; overlong lines are cut.
 * @example const lines = createLineAssembler(); lines.push(0x61); lines.push(0x0d).line // 'a'
 */
export function createLineAssembler(maxLength = 256): {
  /** Feed one data byte; returns the finished line when this byte ended one. `ignored` is true for the LF/NUL that completes a CR. */
  push(byte: number): { line?: string; ignored: boolean };
} {
  let current = '';
  let afterCarriageReturn = false;
  return {
    push(byte) {
      if (afterCarriageReturn) {
        afterCarriageReturn = false;
        if (byte === 0x0a || byte === 0x00) return { ignored: true };
      }
      if (byte === 0x0d || byte === 0x0a) {
        afterCarriageReturn = byte === 0x0d;
        const line = current;
        current = '';
        return { line, ignored: false };
      }
      if (byte === 0x08 || byte === 0x7f) current = current.slice(0, -1);
      else if (byte >= 0x20 && current.length < maxLength) current += String.fromCharCode(byte);
      return { ignored: false };
    },
  };
}
