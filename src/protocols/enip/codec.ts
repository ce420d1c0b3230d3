/**
 * EtherNet/IP encapsulation as a survey needs it: the ListIdentity command (0x63), which any
 * EtherNet/IP device answers without a session, and the CIP Identity item of its reply. All
 * multi-byte integers are little-endian, except the socket address item's (network order).
 * Pure functions; every announced length is checked against what arrived.
 */

const headerBytes = 24;
export const encapsulationCommands = { listIdentity: 0x0063 } as const;
/** Common packet format item type of a CIP Identity. */
const identityItemType = 0x000c;
/** Longest reply we accept: one identity is under 100 bytes; several items stay far below this. */
export const maxReplyBytes = 1024;

export interface EnipIdentity {
  encapsulationVersion: number;
  vendorId: number;
  deviceType: number;
  productCode: number;
  revisionMajor: number;
  revisionMinor: number;
  /** Identity object status word (attribute 5): owned, configured, faults. */
  status: number;
  serialNumber: number;
  productName: string;
  /** Identity object state (attribute 8): 3 operational …; absent in some old replies. */
  state?: number;
}

export type DecodedReply =
  | { state: 'incomplete' }
  | { state: 'invalid'; reason: string }
  | { state: 'complete'; identity: EnipIdentity; senderContext: Buffer };

/**
 * A ListIdentity request: the 24-byte encapsulation header alone, session 0, our sender context.
 * @example encodeListIdentity(Buffer.from('opennote')).subarray(0, 2) // <Buffer 63 00>
 */
export function encodeListIdentity(senderContext: Buffer): Buffer {
  const request = Buffer.alloc(headerBytes);
  request.writeUInt16LE(encapsulationCommands.listIdentity, 0);
  // length, session handle, status: 0
  senderContext.copy(request, 12, 0, 8);
  return request;
}

/**
 * The ListIdentity reply at the start of `bytes`, its first Identity item decoded.
 * @example decodeListIdentity(reply) // { state: 'complete', identity: { vendorId: 1, productName: '1756-L61/B LOGIX5561', … } }
 */
export function decodeListIdentity(bytes: Buffer): DecodedReply {
  if (bytes.length >= 2 && bytes.readUInt16LE(0) !== encapsulationCommands.listIdentity)
    return { state: 'invalid', reason: `encapsulation command 0x${bytes.readUInt16LE(0).toString(16)}, not ListIdentity` };
  if (bytes.length < headerBytes) return { state: 'incomplete' };
  const length = bytes.readUInt16LE(2);
  if (headerBytes + length > maxReplyBytes) return { state: 'invalid', reason: `announced length ${length} past ${maxReplyBytes - headerBytes}` };
  if (bytes.length < headerBytes + length) return { state: 'incomplete' };
  const encapsulationStatus = bytes.readUInt32LE(8);
  if (encapsulationStatus !== 0) return { state: 'invalid', reason: `encapsulation status 0x${encapsulationStatus.toString(16)}` };
  const senderContext = Buffer.from(bytes.subarray(12, 20));
  const data = bytes.subarray(headerBytes, headerBytes + length);
  if (data.length < 2) return { state: 'invalid', reason: 'no item count' };
  const itemCount = data.readUInt16LE(0);
  let position = 2;
  for (let index = 0; index < itemCount; index++) {
    if (position + 4 > data.length) return { state: 'invalid', reason: `item ${index + 1} of ${itemCount} past the end` };
    const type = data.readUInt16LE(position);
    const itemLength = data.readUInt16LE(position + 2);
    const item = data.subarray(position + 4, position + 4 + itemLength);
    if (item.length < itemLength) return { state: 'invalid', reason: `item announces ${itemLength} bytes, past the end` };
    if (type === identityItemType) {
      const identity = decodeIdentityItem(item);
      return typeof identity === 'string' ? { state: 'invalid', reason: identity } : { state: 'complete', identity, senderContext };
    }
    position += 4 + itemLength;
  }
  return { state: 'invalid', reason: 'no CIP Identity item' };
}

/** The Identity item: version, socket address (16), then the Identity object's attributes. */
function decodeIdentityItem(item: Buffer): EnipIdentity | string {
  const fixedBytes = 2 + 16 + 2 + 2 + 2 + 2 + 2 + 4 + 1;
  if (item.length < fixedBytes) return `Identity item of ${item.length} bytes`;
  const nameLength = item[fixedBytes - 1]!;
  if (fixedBytes + nameLength > item.length) return `product name of ${nameLength} bytes past the item`;
  const identity: EnipIdentity = {
    encapsulationVersion: item.readUInt16LE(0),
    vendorId: item.readUInt16LE(18),
    deviceType: item.readUInt16LE(20),
    productCode: item.readUInt16LE(22),
    revisionMajor: item[24]!,
    revisionMinor: item[25]!,
    status: item.readUInt16LE(26),
    serialNumber: item.readUInt32LE(28),
    productName: item
      .subarray(fixedBytes, fixedBytes + nameLength)
      .toString('latin1')
      .replace(/[^\x20-\x7e]/g, '')
      .trim(),
  };
  if (item.length > fixedBytes + nameLength) identity.state = item[fixedBytes + nameLength]!;
  return identity;
}

/**
 * Whether what arrived is a ListIdentity reply (detection on any port): structure only.
 * @example isListIdentityReply(reply) // true
 */
export function isListIdentityReply(bytes: Buffer): boolean {
  return decodeListIdentity(bytes).state === 'complete';
}
