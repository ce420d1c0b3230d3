import type { GrabStatus, Target } from '../../core/records.ts';
import type { Connection } from '../../scope/connection.ts';
import { dialOrStatus, type GrabContext, type GrabOutcome } from '../grab.ts';
import { cotpType, encodeConnectionRequest, encodeReadSzl, encodeSetupCommunication, negotiatedPduLength } from './codec.ts';
import { exchangeS7, frameReader, type FrameReader } from './session.ts';
import { componentIdentification, decodeSzlReply, moduleIdentification, szlComponentIdentification, szlModuleIdentification } from './szl.ts';

/** What an S7 grab records: the TSAP the CPU accepted, and what its two identification lists say. */
export type S7Result = {
  /** The destination TSAP the CPU accepted: 0x0102 (258, rack 0 slot 2) or 0x0101 (257, slot 1). */
  destinationTsap: number;
  /** PDU size the CPU granted in Setup Communication. */
  pduLength: number;
  orderNumber?: string;
  hardwareVersion?: string;
  firmwareVersion?: string;
  plcName?: string;
  moduleName?: string;
  plantIdentification?: string;
  copyright?: string;
  serialNumber?: string;
  moduleType?: string;
  location?: string;
  /** Why an identification list could not be read, when one could not (the other may still be). */
  szlError?: string;
};

/**
 * The TSAPs tried, in order, as public scanners do: rack 0 slot 2 (S7-300 and most CPUs),
 * then slot 1 (S7-1200, S7-1500 and S7-400 in slot 1). A CPU that refuses one TSAP closes
 * the connection, so each try is a connection of its own: at most two.
 */
export const destinationTsaps: readonly number[] = [0x0102, 0x0101];

/**
 * COTP connection request, Setup Communication, then "read SZL" for 0x0011 and 0x001C, and
 * close. A Setup Communication acknowledgement makes the grab a success (the endpoint is an
 * S7 CPU); what the lists add is identification.
 * @example const { result } = await grabS7(ctx, { ip: '192.0.2.7', port: 102 }) // result.orderNumber: '6ES7 214-1AG40-0XB0'
 */
export async function grabS7(ctx: GrabContext, target: Target): Promise<GrabOutcome<S7Result>> {
  let last: { status: GrabStatus; error: string } = { status: 'protocol-error', error: 'no TSAP tried' };
  for (const tsap of destinationTsaps) {
    const dialed = await dialOrStatus(ctx, target);
    if (!('conn' in dialed)) return { status: dialed.status, result: {}, error: dialed.error };
    const { conn } = dialed;
    try {
      const reader = frameReader(conn);
      await conn.write(encodeConnectionRequest(tsap));
      const confirm = await reader.next();
      if ('cotp' in confirm && confirm.cotp.type === cotpType.connectionConfirm) return await readIdentity(conn, reader, tsap);
      last =
        'cotp' in confirm
          ? { status: 'protocol-error', error: `TSAP 0x${tsap.toString(16).padStart(4, '0')} refused (COTP 0x${confirm.cotp.type.toString(16)})` }
          : confirm;
      // Only a refusal or a hang-up is worth another TSAP; silence or garbage will not improve.
      const refused = 'cotp' in confirm ? confirm.cotp.type === cotpType.disconnectRequest : confirm.closed === true;
      if (!refused || ctx.signal.aborted) break;
    } finally {
      conn.close();
    }
  }
  return { status: last.status, result: {}, error: last.error };
}

async function readIdentity(conn: Connection, reader: FrameReader, tsap: number): Promise<GrabOutcome<S7Result>> {
  const setup = await exchangeS7(conn, reader, encodeSetupCommunication(1));
  if (!('pdu' in setup)) return { status: setup.status, result: { destinationTsap: tsap }, error: `Setup Communication: ${setup.error}` };
  const pduLength = negotiatedPduLength(setup.pdu);
  if (pduLength === undefined) return { status: 'protocol-error', result: { destinationTsap: tsap }, error: 'Setup Communication was not acknowledged' };
  const result: S7Result = { destinationTsap: tsap, pduLength };
  const errors: string[] = [];
  for (const [reference, szlId] of [
    [2, szlModuleIdentification],
    [3, szlComponentIdentification],
  ] as const) {
    const reply = await exchangeS7(conn, reader, encodeReadSzl(reference, szlId, 0));
    if (!('pdu' in reply)) {
      // The endpoint already proved to be S7; a list it will not give is noted, the grab stands.
      errors.push(`SZL 0x${szlId.toString(16).padStart(4, '0')}: ${reply.error}`);
      if (reply.status !== 'protocol-error') break;
      continue;
    }
    const decoded = decodeSzlReply(reply.pdu);
    if ('error' in decoded) {
      errors.push(`SZL 0x${szlId.toString(16).padStart(4, '0')}: ${decoded.error}`);
      continue;
    }
    Object.assign(result, szlId === szlModuleIdentification ? moduleIdentification(decoded.list) : componentIdentification(decoded.list));
  }
  if (errors.length > 0) result.szlError = errors.join('; ');
  return { status: 'success', result };
}
