/**
 * The SNMP request a sweep sends every target: the grab's first one, a v2c GetRequest with
 * community `public` for the system group. Any well-formed Response PDU is the answer
 * (structure only: the grab checks its own request-id; a sweep keeps no per-target state).
 * An agent that speaks only v1 drops the v2c request and stays silent to the sweep.
 */
import { randomInt } from 'node:crypto';
import type { ProtocolDetection } from '../protocol.ts';
import { decodeResponse, encodeGetRequest, systemOids } from './codec.ts';
import { surveyCommunity } from './grabber.ts';

const askedOids = [systemOids.sysDescr, systemOids.sysObjectId, systemOids.sysUpTime, systemOids.sysName];

/**
 * @example snmpProbe.matches(getResponseBytes) // true; a GetRequest or garbage: false
 */
export const snmpProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeGetRequest({ version: 'v2c', community: surveyCommunity, requestId: randomInt(1, 0x7fffffff), oids: askedOids }),
  matches: (reply) => decodeResponse(reply).state === 'complete',
};
