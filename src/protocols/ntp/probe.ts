/**
 * The NTP request a sweep sends every target: the grab's first one, a mode 6 READVAR. A mode 6
 * READVAR response fragment (error or not) is the answer (structure only: the grab checks its
 * own sequence). A server that ignores mode 6 is silent to the sweep, as it is to the grab.
 */
import { randomInt } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeControl, encodeReadVariables, opcodes } from './codec.ts';

/**
 * @example ntpProbe.matches(encodeReadVariables(1)) // false: a request, not a response
 */
export const ntpProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeReadVariables(randomInt(1, 0x10000)),
  matches: (reply) => decodeControl(reply)?.opcode === opcodes.readVariables,
};
