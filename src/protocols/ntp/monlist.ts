/**
 * NTP mode 7 ("private", ntpdc's protocol; ntp_request.h of the reference implementation):
 * the MON_GETLIST_1 request (implementation 3, XNTPD; request code 42) that returns the
 * monitor list — the last 600 addresses that spoke to the server — the request of the 2014
 * NTP reflection attacks. Only its replies are read here: the server's answer is what decides
 * whether it amplifies. Pure functions.
 */

export const implementationXntpd = 3;
export const monGetList1 = 42;
/** The reference implementation answers with at most 500 data bytes a packet. */
const maxResponseData = 500;

export interface ModeSevenReply {
  more: boolean;
  sequence: number;
  implementation: number;
  request: number;
  error: number;
  items: number;
  itemSize: number;
}

/**
 * The request: header (response 0, more 0, version 2, mode 7; sequence 0; implementation;
 * request code; no items) and the 40-byte data area a request must carry, all zero.
 * @example encodeMonlistRequest() // 48 bytes starting 17 00 03 2a
 */
export function encodeMonlistRequest(): Buffer {
  const request = Buffer.alloc(8 + 40);
  request[0] = (2 << 3) | 7;
  request[2] = implementationXntpd;
  request[3] = monGetList1;
  return request;
}

/**
 * A mode 7 response to MON_GETLIST_1, or undefined when the datagram is not one (not a
 * response, another request code or implementation, items past the datagram).
 * @example decodeMonlistReply(reply.data)?.items // 6
 */
export function decodeMonlistReply(datagram: Buffer): ModeSevenReply | undefined {
  if (datagram.length < 8) return undefined;
  const first = datagram[0];
  if ((first & 0x80) === 0 || (first & 0x07) !== 7) return undefined;
  const version = (first >> 3) & 0x07;
  if (version < 1 || version > 4) return undefined;
  const implementation = datagram[2];
  const request = datagram[3];
  if (request !== monGetList1 || (implementation !== implementationXntpd && implementation !== 2)) return undefined;
  const errorItems = datagram.readUInt16BE(4);
  const sizeWord = datagram.readUInt16BE(6);
  const items = errorItems & 0x0fff;
  const itemSize = sizeWord & 0x0fff;
  if (items * itemSize > Math.min(datagram.length - 8, maxResponseData)) return undefined;
  return { more: (first & 0x40) !== 0, sequence: datagram[1] & 0x7f, implementation, request, error: errorItems >> 12, items, itemSize };
}
