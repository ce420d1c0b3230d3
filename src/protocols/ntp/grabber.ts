import { randomInt } from 'node:crypto';
import type { ReflectionMeasure, Target } from '../../core/records.ts';
import type { DatagramReply } from '../../scope/datagram.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { reflectionOf } from '../udp-reflection.ts';
import { type ControlFragment, decodeControl, encodeReadVariables, opcodes, parseVariables, reassembleControl } from './codec.ts';
import { decodeMonlistReply, encodeMonlistRequest, type ModeSevenReply } from './monlist.ts';

/** What an NTP grab records. */
export type NtpResult = {
  /** System variables of the READVAR answer. */
  version?: string;
  system?: string;
  processor?: string;
  stratum?: number;
  refid?: string;
  leap?: number;
  /** The server answered MON_GETLIST_1 (mode 7 monlist) with a list, not with an error. */
  monlist: boolean;
  /** Entries of the monitor list it returned. */
  monlistEntries?: number;
  /** monlist's figures when it was answered, else READVAR's. */
  reflection?: ReflectionMeasure;
};

/** Fragments or packets collected per request; a monitor list of 600 entries takes 100. */
const maxReplies = 128;
const quietMs = 300;

/**
 * A mode 6 READVAR of the system variables (the version, system, processor, stratum that ntpq
 * shows), with a random sequence a reply must echo. Only when that was answered — the server
 * takes queries at all — one mode 7 MON_GETLIST_1 request: whether the monitor list comes back
 * decides whether the server is the amplifier of the 2014 attacks. A server that ignored mode 6
 * gets nothing more: no client (mode 3) packet is ever sent, nothing is configured.
 * @example const { result } = await grabNtp(ctx, { ip: '192.0.2.1', port: 123 }) // result.monlist === false, result.version
 */
export async function grabNtp(ctx: GrabContext, target: Target): Promise<GrabOutcome<NtpResult>> {
  const sequence = randomInt(1, 0x10000);
  const readvar = encodeReadVariables(sequence);
  const exchange = await ctx.query(target, readvar, { limits: { maxReplies, quietMs } });
  const answers: Array<{ reply: DatagramReply; fragment: ControlFragment }> = [];
  for (const reply of exchange.replies) {
    const fragment = decodeControl(reply.data);
    if (fragment && fragment.sequence === sequence && fragment.opcode === opcodes.readVariables) answers.push({ reply, fragment });
  }
  if (answers.length === 0) {
    if (exchange.replies.length > 0) return { status: 'protocol-error', result: {}, error: 'no mode 6 answer to our READVAR' };
    return { status: exchange.status, result: {}, ...(exchange.error ? { error: exchange.error } : {}) };
  }
  const variables = parseVariables(reassembleControl(answers.filter((answer) => !answer.fragment.error).map((answer) => answer.fragment)).text);
  const number = (name: string) => (variables[name] !== undefined && /^\d{1,9}$/.test(variables[name]) ? Number(variables[name]) : undefined);
  const result: NtpResult = { monlist: false };
  if (variables.version) result.version = variables.version;
  if (variables.system) result.system = variables.system;
  if (variables.processor) result.processor = variables.processor;
  if (variables.refid) result.refid = variables.refid;
  const stratum = number('stratum');
  if (stratum !== undefined) result.stratum = stratum;
  const leap = number('leap');
  if (leap !== undefined) result.leap = leap;

  const monlist = await askMonlist(ctx, target);
  if (monlist.replies.length > 0) {
    result.monlist = true;
    result.monlistEntries = monlist.entries;
    result.reflection = reflectionOf('monlist', monlist.requestBytes, monlist.replies);
  } else {
    result.reflection = reflectionOf(
      'READVAR',
      readvar.length,
      answers.map((answer) => answer.reply),
    );
  }
  return { status: 'success', result };
}

async function askMonlist(ctx: GrabContext, target: Target): Promise<{ requestBytes: number; replies: DatagramReply[]; entries: number }> {
  const request = encodeMonlistRequest();
  const exchange = await ctx.query(target, request, { limits: { maxReplies, quietMs } });
  const replies: DatagramReply[] = [];
  const seen = new Set<number>();
  let entries = 0;
  for (const reply of exchange.replies) {
    const decoded: ModeSevenReply | undefined = decodeMonlistReply(reply.data);
    // An error answer (no data, monitoring off, not authorised) is not a monitor list; each
    // packet of the list counts once (its sequence), whatever order they came in.
    if (decoded?.error !== 0 || seen.has(decoded.sequence)) continue;
    seen.add(decoded.sequence);
    replies.push(reply);
    entries += decoded.items;
  }
  return { requestBytes: request.length, replies, entries };
}
