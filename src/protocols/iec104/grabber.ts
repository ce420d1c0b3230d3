import type { Target } from '../../core/records.ts';
import { statusForReadEnd } from '../../scope/connection.ts';
import { grabOver, type GrabContext, type GrabOutcome } from '../grab.ts';
import { type Apdu, apduName, asduHead, decodeApdu, encodeTestFrame, uFunction } from './codec.ts';

/** What an IEC 104 grab records: whether the station confirmed the link test, and what else it sent. */
export type Iec104Result = {
  /** The station answered TESTFR act with TESTFR con: a telecontrol endpoint that takes anyone's connection. */
  testConfirmed: boolean;
  /** Frames the station sent that were not the confirmation (it sent them unasked). */
  unprompted: number;
  /** Their formats in order, "I S U:TESTFR-act" (at most the first 16). */
  unpromptedFrames?: string;
  /** The first unasked I-format frame's ASDU: type id, cause of transmission, common address. */
  firstAsduType?: number;
  firstAsduCause?: number;
  commonAddress?: number;
};

/** Frames read before the grab stops waiting for the confirmation: a station sends none unasked before STARTDT. */
const maxFrames = 32;
/** Unasked frames named in `unpromptedFrames`. */
const maxNamedFrames = 16;

/**
 * Send TESTFR act, read until TESTFR con (or the read ends), close. Nothing else is ever sent:
 * not STARTDT, so the station never starts transmitting its data to us.
 * @example const { result } = await grabIec104(ctx, { ip: '192.0.2.7', port: 2404 }) // result.testConfirmed: true
 */
export async function grabIec104(ctx: GrabContext, target: Target): Promise<GrabOutcome<Iec104Result>> {
  return grabOver(ctx, target, async (conn) => {
    await conn.write(encodeTestFrame());
    const result: Iec104Result = { testConfirmed: false, unprompted: 0 };
    const names: string[] = [];
    const record = (apdu: Apdu) => {
      result.unprompted++;
      if (names.length < maxNamedFrames) names.push(apduName(apdu));
      if (apdu.format === 'I' && result.firstAsduType === undefined) {
        const head = asduHead(apdu.asdu);
        if (head) Object.assign(result, { firstAsduType: head.typeId, firstAsduCause: head.cause, commonAddress: head.commonAddress });
      }
    };
    const finish = () => (names.length > 0 ? { ...result, unpromptedFrames: names.join(' ') } : result);
    let pending = Buffer.alloc(0);
    for (let frames = 0; frames < maxFrames; frames++) {
      const settled = (data: Buffer) => decodeApdu(Buffer.concat([pending, data])).state !== 'incomplete';
      const read = settled(Buffer.alloc(0)) ? { data: Buffer.alloc(0) } : await conn.readUntil(settled);
      const bytes = Buffer.concat([pending, read.data]);
      const decoded = decodeApdu(bytes);
      if (decoded.state === 'invalid') return { status: 'protocol-error', result: finish(), error: decoded.reason };
      if (decoded.state === 'incomplete') {
        const end = 'end' in read ? (read.end ?? 'closed') : 'closed';
        // Frames of the protocol did come: it is a 104 station, however the read ended.
        if (result.unprompted > 0) return { status: 'success', result: finish() };
        const error = end === 'closed' ? 'closed before a TESTFR con' : (('error' in read ? read.error : undefined) ?? `read ended: ${end}`);
        return { status: statusForReadEnd(end), result: {}, error };
      }
      pending = bytes.subarray(decoded.length);
      const { apdu } = decoded;
      if (apdu.format === 'U' && apdu.function === uFunction.testfrCon) return { status: 'success', result: { ...finish(), testConfirmed: true } };
      record(apdu);
    }
    return { status: 'success', result: finish() };
  });
}
