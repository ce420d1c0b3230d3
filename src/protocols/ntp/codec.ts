/**
 * NTP mode 6 control messages (RFC 9327, formerly RFC 1305 appendix B) as a survey needs them:
 * one READVAR of the system variables (association 0), and the response fragments, put back
 * together by offset. The variables are `name=value` pairs separated by commas, values
 * optionally quoted. Pure functions; everything a reply announces is checked against its size.
 */

/** Mode 6 header: 12 bytes, then data padded to a multiple of four. */
const headerBytes = 12;
export const opcodes = { readStatus: 1, readVariables: 2 } as const;
/** Most data a reply may hold in total: ntpd's system variables take about 1 KB. */
const maxDataBytes = 8192;
const maxVariables = 128;

export interface ControlFragment {
  sequence: number;
  opcode: number;
  error: boolean;
  more: boolean;
  status: number;
  associationId: number;
  offset: number;
  data: Buffer;
}

/**
 * A READVAR request for the system variables: version 2 (what ntpq sends), mode 6, our sequence.
 * @example encodeReadVariables(0x4242) // <Buffer 16 02 42 42 00 00 00 00 00 00 00 00>
 */
export function encodeReadVariables(sequence: number): Buffer {
  const request = Buffer.alloc(headerBytes);
  request[0] = (2 << 3) | 6;
  request[1] = opcodes.readVariables;
  request.writeUInt16BE(sequence & 0xffff, 2);
  return request;
}

/**
 * A mode 6 response fragment, or undefined when the datagram is not one (not mode 6, not a
 * response, a count past the datagram).
 * @example decodeControl(reply.data)?.data.toString() // 'version="ntpd ntpsec-1.2.2", …'
 */
export function decodeControl(datagram: Buffer): ControlFragment | undefined {
  if (datagram.length < headerBytes) return undefined;
  const version = (datagram[0] >> 3) & 0x07;
  if ((datagram[0] & 0x07) !== 6 || version < 1 || version > 4) return undefined;
  if ((datagram[1] & 0x80) === 0) return undefined; // a request, not a response
  const offset = datagram.readUInt16BE(8);
  const count = datagram.readUInt16BE(10);
  if (headerBytes + count > datagram.length || offset + count > maxDataBytes) return undefined;
  return {
    sequence: datagram.readUInt16BE(2),
    opcode: datagram[1] & 0x1f,
    error: (datagram[1] & 0x40) !== 0,
    more: (datagram[1] & 0x20) !== 0,
    status: datagram.readUInt16BE(4),
    associationId: datagram.readUInt16BE(6),
    offset,
    data: datagram.subarray(headerBytes, headerBytes + count),
  };
}

/**
 * The fragments of our answer put together by offset; `complete` when the last one (no
 * "more" bit) came and nothing is missing before it.
 * @example reassembleControl(fragments) // { text: 'version="ntpd …", stratum=16, …', complete: true }
 */
export function reassembleControl(fragments: readonly ControlFragment[]): { text: string; complete: boolean } {
  const ordered = [...fragments].sort((a, b) => a.offset - b.offset);
  const parts: Buffer[] = [];
  let next = 0;
  let sawLast = false;
  let gap = false;
  for (const fragment of ordered) {
    if (fragment.offset < next) continue; // a repeat
    if (fragment.offset > next) gap = true;
    parts.push(fragment.data);
    next = fragment.offset + fragment.data.length;
    if (!fragment.more) sawLast = true;
  }
  return { text: Buffer.concat(parts).toString('latin1'), complete: sawLast && !gap };
}

/**
 * `name=value` pairs of a READVAR answer, quotes removed, bounded in count and size.
 * @example parseVariables('version="ntpd 4.2.8p15", stratum=2,\r\nprocessor="x86_64"') // { version: 'ntpd 4.2.8p15', stratum: '2', processor: 'x86_64' }
 */
export function parseVariables(text: string): Record<string, string> {
  const variables = new Map<string, string>();
  let position = 0;
  const length = Math.min(text.length, maxDataBytes);
  for (let round = 0; round < maxVariables && position < length; round++) {
    while (position < length && /[\s,]/.test(text[position])) position++;
    const nameStart = position;
    while (position < length && !/[=,\s]/.test(text[position])) position++;
    const name = text.slice(nameStart, position);
    let value = '';
    if (text[position] === '=') {
      position++;
      if (text[position] === '"') {
        const end = text.indexOf('"', position + 1);
        const close = end < 0 || end > length ? length : end;
        value = text.slice(position + 1, close);
        position = close + 1;
      } else {
        const valueStart = position;
        while (position < length && text[position] !== ',') position++;
        value = text.slice(valueStart, position).trim();
      }
    }
    if (name && /^[A-Za-z0-9_.-]{1,64}$/.test(name) && !variables.has(name)) variables.set(name, value.replace(/[^\x20-\x7e]/g, '').slice(0, 256));
  }
  return Object.fromEntries(variables);
}
