/**
 * The SSDP request a sweep sends every target: the grab's M-SEARCH. Any `HTTP/1.1 200` search
 * response that parses is the answer (structure only: an M-SEARCH carries no token).
 */
import type { ProtocolDetection } from '../protocol.ts';
import { encodeMSearch, parseSearchResponse } from './codec.ts';

/**
 * @example ssdpProbe.matches(Buffer.from('HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n')) // true
 */
export const ssdpProbe: NonNullable<ProtocolDetection['probe']> = {
  request: () => encodeMSearch(),
  matches: (reply) => parseSearchResponse(reply).ok,
};
