/**
 * The SNMP request a sweep sends every target: the grab's first one, a v2c GetRequest with
 * community `public` for the system group. Any well-formed Response PDU is the answer
 * (structure only: the grab checks its own request-id; a sweep keeps no per-target state).
 * An agent that speaks only v1 drops the v2c request and stays silent to the sweep.
 */
import { randomInt } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeResponse, encodeGetRequestFor, encodeNullVarbinds, systemOids } from './codec.ts';
import { surveyCommunity } from './grabber.ts';

const askedOids = [systemOids.sysDescr, systemOids.sysObjectId, systemOids.sysUpTime, systemOids.sysName];
/** The same OIDs go to every target of a sweep: encoded once (never changed after). */
const askedVarbinds = encodeNullVarbinds(askedOids);

/**
 * @example snmpProbe.matches(getResponseBytes) // true; a GetRequest or garbage: false
 */
export const snmpProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeGetRequestFor('v2c', surveyCommunity, randomInt(1, 0x7fffffff), askedVarbinds),
  matches: (reply) => decodeResponse(reply).state === 'complete',
};
