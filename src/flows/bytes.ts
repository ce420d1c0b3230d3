/** Big-endian reads for the flow decoders: NetFlow and IPFIX are network byte order throughout. */

export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) >>> 0) + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!);
}

/**
 * An unsigned integer of 1 to 8 bytes: IPFIX allows reduced-size encoding (RFC 7011 §6.2), so a
 * counter may come in any width. Above 2^53 precision is lost, which no real counter reaches.
 */
export function readUnsigned(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + bytes[offset + i]!;
  return value;
}
