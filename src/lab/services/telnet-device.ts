/**
 * What a telnet device does with what a client sends, once the protocol's codec
 * (src/protocols/telnet/codec.ts) has decoded it: the few option answers a device owes,
 * without ever entering a negotiation loop (RFC 1143), and the terminal line discipline that
 * assembles typed lines.
 */
import { IAC, type NegotiationVerb, OPTION_ECHO, OPTION_NAWS, OPTION_SGA, OPTION_TTYPE, verbCommand } from '../../protocols/telnet/codec.ts';

/**
 * Decides the device's answers to a client's option requests. Answers to our own
 * requests are never answered back, and each (command, option) is answered at most
 * once, so two peers can never ping-pong forever.
 * @example const policy = createNegotiationPolicy(); policy.answer('do', OPTION_TTYPE) // <Buffer ff fc 18> (WONT TTYPE)
 */
export function createNegotiationPolicy(): { answer(verb: NegotiationVerb, option: number): Buffer | undefined } {
  const answered = new Set<string>();
  // What a busybox-like device is willing to do: it echoes and suppresses go-ahead; it
  // asks for (and accepts) the window size and lets the client echo off.
  const weWill = new Set<number>([OPTION_ECHO, OPTION_SGA]);
  const theyMay = new Set<number>([OPTION_NAWS, OPTION_ECHO, OPTION_SGA, OPTION_TTYPE]);
  return {
    answer(verb, option) {
      const key = `${verb} ${option}`;
      if (answered.has(key)) return undefined;
      let reply: NegotiationVerb | undefined;
      if (verb === 'do' && !weWill.has(option)) reply = 'wont';
      else if (verb === 'will' && !theyMay.has(option)) reply = 'dont';
      if (reply === undefined) return undefined;
      answered.add(key);
      return Buffer.from([IAC, verbCommand[reply], option]);
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
