/**
 * DNS messages as multicast DNS uses them (RFC 1035 §4, RFC 6762): the one query a survey sends
 * (the DNS-SD service type enumeration, RFC 6763 §9) and a defensive decoder — bounded counts and
 * name lengths, compression pointers that may only point backwards (so they cannot loop), never
 * a throw on garbage.
 */

/** The name that lists every service type a responder offers (RFC 6763 §9). */
export const servicesName = '_services._dns-sd._udp.local';

/** Record types read here. */
export const rrType = { A: 1, PTR: 12, HINFO: 13, TXT: 16, AAAA: 28, SRV: 33 } as const;

export interface DnsQuestion {
  name: string;
  type: number;
}

/** One resource record; `data` is decoded for the types read here. */
export interface DnsRecord {
  name: string;
  type: number;
  ttl: number;
  data:
    | { kind: 'name'; name: string }
    | { kind: 'srv'; port: number; target: string }
    | { kind: 'txt'; strings: string[] }
    | { kind: 'hinfo'; cpu: string; os: string }
    | { kind: 'address'; address: string }
    | { kind: 'other' };
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  rcode: number;
  questions: DnsQuestion[];
  /** Answer, authority and additional records, in that order. */
  records: DnsRecord[];
}

export type DnsDecode = { ok: true; message: DnsMessage } | { ok: false; reason: string };

/** Largest mDNS message (RFC 6762 §17: 9000 bytes); a larger one is refused unread. */
export const maxMessageBytes = 9000;
const maxQuestions = 16;
const maxRecords = 128;
/** Pointers followed at most in one name; each must point before the last, so this bounds nothing but a long chain. */
const maxJumps = 32;
const maxTxtStrings = 64;

/**
 * The query: id, no flags, one question `_services._dns-sd._udp.local` PTR, class IN.
 * @example encodeServicesQuery(0x1234).length // 12 + 30 + 4 = 46
 */
export function encodeServicesQuery(id: number): Buffer {
  const header = Buffer.from([(id >> 8) & 0xff, id & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const labels = servicesName.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')]));
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, rrType.PTR, 0, 1])]);
}

class Malformed extends Error {}

/**
 * Decode a DNS message. Never throws.
 * @example decodeDns(reply).ok && decodeDns(reply).message.records.length
 */
export function decodeDns(bytes: Buffer): DnsDecode {
  if (bytes.length < 12) return { ok: false, reason: `${bytes.length} bytes: shorter than a DNS header` };
  if (bytes.length > maxMessageBytes) return { ok: false, reason: `${bytes.length} bytes: larger than ${maxMessageBytes}` };
  const flags = bytes.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((offset) => bytes.readUInt16BE(offset));
  if (counts[0] > maxQuestions) return { ok: false, reason: `${counts[0]} questions` };
  if (counts[1] + counts[2] + counts[3] > maxRecords) return { ok: false, reason: `more than ${maxRecords} records` };
  try {
    let position = 12;
    const questions: DnsQuestion[] = [];
    for (let index = 0; index < counts[0]; index++) {
      const name = readName(bytes, position);
      position = name.next;
      need(bytes, position, 4);
      questions.push({ name: name.name, type: bytes.readUInt16BE(position) });
      position += 4;
    }
    const records: DnsRecord[] = [];
    for (let index = 0; index < counts[1] + counts[2] + counts[3]; index++) {
      const name = readName(bytes, position);
      position = name.next;
      need(bytes, position, 10);
      const type = bytes.readUInt16BE(position);
      const ttl = bytes.readUInt32BE(position + 4);
      const length = bytes.readUInt16BE(position + 8);
      position += 10;
      need(bytes, position, length);
      records.push({ name: name.name, type, ttl, data: readData(bytes, type, position, length) });
      position += length;
    }
    return {
      ok: true,
      message: { id: bytes.readUInt16BE(0), response: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 0x0f, rcode: flags & 0x0f, questions, records },
    };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message };
    return { ok: false, reason: String(error) };
  }
}

function need(bytes: Buffer, position: number, length: number): void {
  if (position + length > bytes.length) throw new Malformed('truncated message');
}

/**
 * A possibly compressed name at `start`: labels joined with dots (dots and control characters
 * inside a label escaped as `\.` / `?`); `next` is where the record continues after it.
 */
function readName(bytes: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let position = start;
  let next: number | undefined;
  let length = 0;
  // Every pointer must point strictly before the smallest offset read so far: no loop can form.
  let floor = start;
  for (let jumps = 0; ; ) {
    need(bytes, position, 1);
    const size = bytes[position];
    if (size === 0) {
      next ??= position + 1;
      break;
    }
    if ((size & 0xc0) === 0xc0) {
      need(bytes, position, 2);
      const target = bytes.readUInt16BE(position) & 0x3fff;
      if (target >= floor) throw new Malformed('a compression pointer that does not point backwards');
      if (++jumps > maxJumps) throw new Malformed('too many compression pointers');
      next ??= position + 2;
      floor = target;
      position = target;
      continue;
    }
    if ((size & 0xc0) !== 0) throw new Malformed('a reserved label type');
    need(bytes, position + 1, size);
    length += size + 1;
    if (length > 255) throw new Malformed('a name longer than 255 bytes');
    labels.push(
      bytes
        .subarray(position + 1, position + 1 + size)
        .toString('utf8')
        .replace(/[\u0000-\u001f\u007f]/g, '?')
        .replace(/\./g, '\\.'),
    );
    position += 1 + size;
  }
  return { name: labels.join('.'), next };
}

function readData(bytes: Buffer, type: number, start: number, length: number): DnsRecord['data'] {
  const end = start + length;
  const within = (name: { name: string; next: number }) => {
    if (name.next > end) throw new Malformed('a name runs past its record');
    return name.name;
  };
  switch (type) {
    case rrType.PTR:
      return { kind: 'name', name: within(readName(bytes, start)) };
    case rrType.SRV:
      if (length < 7) throw new Malformed('a short SRV record');
      return { kind: 'srv', port: bytes.readUInt16BE(start + 4), target: within(readName(bytes, start + 6)) };
    case rrType.TXT:
    case rrType.HINFO: {
      const strings: string[] = [];
      for (let position = start; position < end && strings.length < maxTxtStrings; ) {
        const size = bytes[position];
        if (position + 1 + size > end) throw new Malformed('a character string runs past its record');
        strings.push(bytes.subarray(position + 1, position + 1 + size).toString('utf8'));
        position += 1 + size;
      }
      return type === rrType.TXT ? { kind: 'txt', strings } : { kind: 'hinfo', cpu: strings[0] ?? '', os: strings[1] ?? '' };
    }
    case rrType.A:
      return length === 4 ? { kind: 'address', address: [...bytes.subarray(start, end)].join('.') } : { kind: 'other' };
    case rrType.AAAA: {
      if (length !== 16) return { kind: 'other' };
      const groups: string[] = [];
      for (let offset = 0; offset < 16; offset += 2) groups.push(bytes.readUInt16BE(start + offset).toString(16));
      return { kind: 'address', address: groups.join(':') };
    }
    default:
      return { kind: 'other' };
  }
}

/**
 * Whether a decoded message answers the query with `id`: a response (QR set, standard query)
 * that repeats the id, as legacy unicast responses must (RFC 6762 §6.7) — or, since RFC 6762
 * §18.1 lets a responder send id 0 and tells receivers to ignore it, one with id 0 that echoes
 * the question or answers the services name.
 * @example answersQuery(message, 0x1234) // true
 */
export function answersQuery(message: DnsMessage, id: number): boolean {
  if (!message.response || message.opcode !== 0) return false;
  if (message.id === id) return true;
  if (message.id !== 0) return false;
  const isServices = (name: string) => name.toLowerCase() === servicesName;
  return message.questions.some((question) => isServices(question.name)) || message.records.some((record) => isServices(record.name));
}
