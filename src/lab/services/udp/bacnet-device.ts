/**
 * A BACnet/IP controller's answers on UDP 47808, written from ASHRAE 135 (Annex J framing,
 * Clause 20 encoding) and independently of the survey's codec. It answers ReadProperty of its
 * Device object (by its instance or the wildcard 4194303) with the persona's character strings,
 * an Error for anything it does not have, and refuses every other confirmed service with an
 * Error, counting it: a survey must never send WriteProperty or any other such service.
 */

export interface BacnetDevicePersona {
  instance: number;
  /** Property identifier → its CharacterString value. */
  properties: ReadonlyMap<number, string>;
  /** Old stacks that do not take the wildcard instance answer it with Error unknown-object. */
  acceptsWildcard: boolean;
}

export interface BacnetDeviceCounters {
  readProperty: number;
  /** Confirmed services other than ReadProperty: a survey must send none. */
  otherServices: number;
}

const wildcard = 4194303;

/**
 * The answers to one request datagram (none for anything that is not a confirmed request).
 * @example bacnetResponses(readPropertyRequest, persona, counters) // [ComplexACK]
 */
export function bacnetResponses(request: Buffer, persona: BacnetDevicePersona, counters: BacnetDeviceCounters): Buffer[] {
  if (request.length < 8 || request[0] !== 0x81 || request.readUInt16BE(2) !== request.length) return [];
  if (request[1] !== 0x0a && request[1] !== 0x0b) return [];
  if (request[4] !== 0x01) return [];
  const control = request[5]!;
  if (control & 0xa8) return []; // network messages and routed requests are not for this simple device
  const apdu = request.subarray(6);
  if (apdu.length < 4 || apdu[0]! >> 4 !== 0) return [];
  const invokeId = apdu[2]!;
  const service = apdu[3]!;
  const error = (errorClass: number, errorCode: number) => frame(Buffer.from([0x50, invokeId, service, 0x91, errorClass, 0x91, errorCode]));
  if (service !== 0x0c) {
    counters.otherServices++;
    return [error(2, 40)]; // property / write-access-denied
  }
  counters.readProperty++;
  if (apdu[4] !== 0x0c || apdu.length < 11 || apdu[9] !== 0x19) return [frame(Buffer.from([0x60, invokeId, 0x04]))]; // reject: invalid tag
  const objectId = apdu.readUInt32BE(5);
  const type = objectId >>> 22;
  const instance = objectId & 0x3fffff;
  const property = apdu[10]!;
  if (type !== 8 || (instance !== persona.instance && !(instance === wildcard && persona.acceptsWildcard))) return [error(1, 31)]; // object / unknown-object
  const value = persona.properties.get(property);
  if (value === undefined) return [error(2, 32)]; // property / unknown-property
  const text = Buffer.concat([Buffer.from([0x00]), Buffer.from(value, 'utf8')]);
  const tag = text.length < 5 ? Buffer.from([0x70 | text.length]) : Buffer.from([0x75, text.length]);
  const ownId = Buffer.alloc(4);
  ownId.writeUInt32BE(((8 << 22) | persona.instance) >>> 0, 0);
  return [frame(Buffer.concat([Buffer.from([0x30, invokeId, 0x0c, 0x0c]), ownId, Buffer.from([0x19, property, 0x3e]), tag, text, Buffer.from([0x3f])]))];
}

/** BVLC Original-Unicast around an NPDU without addresses. */
function frame(apdu: Buffer): Buffer {
  const length = 6 + apdu.length;
  return Buffer.concat([Buffer.from([0x81, 0x0a, length >> 8, length & 0xff, 0x01, 0x00]), apdu]);
}
