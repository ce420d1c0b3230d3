/**
 * Ubiquiti's discovery protocol (UDP 10001) as public descriptions give it (nmap's
 * ubiquiti-discovery script, the 2019 reflection advisories): a version 1 request is four bytes,
 * `01 00 00 00`; the reply is a header — version 1, command 0, length of what follows — then
 * type–length–value fields (one byte of type, two of length). The protocol has no token to
 * echo: a reply is ours when it has that header, a length that fits and fields that parse.
 * Pure functions; every field is bounded.
 */

/** The version 1 discovery request. */
export const discoveryRequest: Buffer = Buffer.from([0x01, 0x00, 0x00, 0x00]);

/** Field types of a version 1 reply. */
export const fieldTypes = {
  mac: 0x01,
  macIp: 0x02,
  firmware: 0x03,
  uptime: 0x0a,
  hostname: 0x0b,
  modelShort: 0x0c,
  essid: 0x0d,
  wirelessMode: 0x0e,
  systemId: 0x10,
  modelFull: 0x14,
  model: 0x15,
} as const;

export interface DiscoveryField {
  type: number;
  value: Buffer;
}

export interface DiscoveryReply {
  mac?: string;
  /** IPv4 addresses of its interfaces (MAC+IP fields), at most 16. */
  addresses: string[];
  firmware?: string;
  hostname?: string;
  modelShort?: string;
  modelFull?: string;
  essid?: string;
  /** Seconds since boot. */
  uptime?: number;
  wirelessMode?: number;
  fields: number;
}

export type DiscoveryDecode = { state: 'invalid'; reason: string } | { state: 'complete'; reply: DiscoveryReply };

const maxFields = 64;
const maxAddresses = 16;
const maxText = 256;

/**
 * The fields after the header, or why the datagram is not a version 1 reply.
 * @example decodeDiscoveryReply(Buffer.from('0100000a0b00074e616e6f4d32', 'hex')) // hostname 'NanoM2' …
 */
export function decodeDiscoveryReply(datagram: Buffer): DiscoveryDecode {
  const invalid = (reason: string): DiscoveryDecode => ({ state: 'invalid', reason });
  if (datagram.length < 4) return invalid('shorter than the header');
  if (datagram[0] !== 0x01 || datagram[1] !== 0x00) return invalid(`version ${datagram[0]} command ${datagram[1]}: not a version 1 reply`);
  const length = datagram.readUInt16BE(2);
  if (length === 0) return invalid('an empty reply (or our own request)');
  if (4 + length > datagram.length) return invalid(`announces ${length} bytes, has ${datagram.length - 4}`);
  const fields: DiscoveryField[] = [];
  let offset = 4;
  const end = 4 + length;
  while (offset < end) {
    if (fields.length >= maxFields) return invalid(`more than ${maxFields} fields`);
    if (offset + 3 > end) return invalid('a field header cut short');
    const size = datagram.readUInt16BE(offset + 1);
    if (offset + 3 + size > end) return invalid('a field runs past the reply');
    fields.push({ type: datagram[offset], value: datagram.subarray(offset + 3, offset + 3 + size) });
    offset += 3 + size;
  }
  return { state: 'complete', reply: readFields(fields) };
}

function readFields(fields: readonly DiscoveryField[]): DiscoveryReply {
  const reply: DiscoveryReply = { addresses: [], fields: fields.length };
  const text = (value: Buffer) =>
    value
      .subarray(0, maxText * 2)
      .toString('latin1')
      .replace(/[^\x20-\x7e]/g, '')
      .slice(0, maxText);
  for (const { type, value } of fields) {
    switch (type) {
      case fieldTypes.mac:
        if (value.length === 6) reply.mac ??= macText(value);
        break;
      case fieldTypes.macIp:
        if (value.length === 10) {
          reply.mac ??= macText(value.subarray(0, 6));
          const address = [...value.subarray(6)].join('.');
          if (reply.addresses.length < maxAddresses && !reply.addresses.includes(address)) reply.addresses.push(address);
        }
        break;
      case fieldTypes.firmware:
        reply.firmware ??= text(value);
        break;
      case fieldTypes.hostname:
        reply.hostname ??= text(value);
        break;
      case fieldTypes.modelShort:
        reply.modelShort ??= text(value);
        break;
      case fieldTypes.modelFull:
      case fieldTypes.model:
        reply.modelFull ??= text(value);
        break;
      case fieldTypes.essid:
        reply.essid ??= text(value);
        break;
      case fieldTypes.uptime:
        if (value.length === 4) reply.uptime ??= value.readUInt32BE(0);
        break;
      case fieldTypes.wirelessMode:
        if (value.length === 1) reply.wirelessMode ??= value[0];
        break;
    }
  }
  return reply;
}

function macText(bytes: Buffer): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
