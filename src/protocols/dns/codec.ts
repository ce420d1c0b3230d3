/**
 * DNS messages (RFC 1035) as a survey needs them: one question out, and the header, question
 * and answer records of the reply. Names are read with compression pointers, but every pointer
 * must point backwards and a name may follow at most 32 of them and be at most 255 bytes, so a
 * reply cannot loop or grow the reader. Pure functions.
 */
import { OpenNoticeError } from '../../core/errors.ts';

export const dnsTypes = { A: 1, CNAME: 5, TXT: 16, AAAA: 28, ANY: 255 } as const;
export const dnsClasses = { IN: 1, CH: 3 } as const;
export const rcodeNames: readonly string[] = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsRecord extends DnsQuestion {
  ttl: number;
  /** The record data as it came (names in it are not expanded). */
  data: Buffer;
}

export interface DnsReply {
  id: number;
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  recursionAvailable: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
}

export type DnsDecode = { state: 'invalid'; reason: string } | { state: 'complete'; reply: DnsReply };

const maxPointers = 32;
const maxNameBytes = 255;
/** Most records read from one section: a survey's question needs a handful. */
const maxRecords = 64;

/**
 * One question; `recursionDesired` sets RD.
 * @example encodeQuery({ id: 4660, question: { name: 'version.bind', type: dnsTypes.TXT, class: dnsClasses.CH }, recursionDesired: false })
 */
export function encodeQuery(spec: { id: number; question: DnsQuestion; recursionDesired: boolean }): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(spec.id & 0xffff, 0);
  header.writeUInt16BE(spec.recursionDesired ? 0x0100 : 0, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(spec.question.type, 0);
  tail.writeUInt16BE(spec.question.class, 2);
  return Buffer.concat([header, encodeName(spec.question.name), tail]);
}

/**
 * @example encodeName('version.bind') // <Buffer 07 76 65 72 73 69 6f 6e 04 62 69 6e 64 00>
 */
export function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((label) => label.length > 0);
  const parts = labels.map((label) => {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length > 63) throw new OpenNoticeError('INTERNAL', `DNS label longer than 63 bytes in ${name}`);
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  const encoded = Buffer.concat([...parts, Buffer.from([0])]);
  if (encoded.length > maxNameBytes) throw new OpenNoticeError('INTERNAL', `DNS name longer than 255 bytes: ${name}`);
  return encoded;
}

/**
 * The name at `offset`: its text (lower-case) and where the bytes after it start; undefined when malformed.
 * @example readName(Buffer.from('0361626300', 'hex'), 0) // { name: 'abc', next: 5 }
 */
export function readName(bytes: Buffer, offset: number): { name: string; next: number } | undefined {
  const labels: string[] = [];
  let position = offset;
  let next: number | undefined;
  let length = 1;
  for (let step = 0; step < maxPointers + 128; step++) {
    if (position >= bytes.length) return undefined;
    const size = bytes[position];
    if (size === 0) return { name: labels.join('.').toLowerCase(), next: next ?? position + 1 };
    if ((size & 0xc0) === 0xc0) {
      if (position + 1 >= bytes.length) return undefined;
      const target = ((size & 0x3f) << 8) | bytes[position + 1];
      // Only backwards: a pointer forward or to itself could loop.
      if (target >= position) return undefined;
      next ??= position + 2;
      position = target;
      if (step >= maxPointers) return undefined;
      continue;
    }
    if (size > 63 || position + 1 + size > bytes.length) return undefined;
    length += size + 1;
    if (length > maxNameBytes) return undefined;
    labels.push(bytes.subarray(position + 1, position + 1 + size).toString('latin1'));
    position += 1 + size;
  }
  return undefined;
}

/**
 * A reply's header, questions and answers (authority and additional records are not read).
 * @example decodeReply(reply.data) // { state: 'complete', reply: { id: 4660, rcode: 0, answers: [...] , … } }
 */
export function decodeReply(bytes: Buffer): DnsDecode {
  const invalid = (reason: string): DnsDecode => ({ state: 'invalid', reason });
  if (bytes.length < 12) return invalid(`${bytes.length} bytes: shorter than a DNS header`);
  const flags = bytes.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return invalid('QR is not set: a query, not a reply');
  if (((flags >> 11) & 0x0f) !== 0) return invalid(`opcode ${(flags >> 11) & 0x0f}, not a standard query`);
  const questionCount = bytes.readUInt16BE(4);
  const answerCount = bytes.readUInt16BE(6);
  if (questionCount > maxRecords || answerCount > maxRecords) return invalid(`${questionCount} questions and ${answerCount} answers: more than read`);
  let offset = 12;
  const questions: DnsQuestion[] = [];
  for (let index = 0; index < questionCount; index++) {
    const name = readName(bytes, offset);
    if (!name || name.next + 4 > bytes.length) return invalid('malformed question');
    questions.push({ name: name.name, type: bytes.readUInt16BE(name.next), class: bytes.readUInt16BE(name.next + 2) });
    offset = name.next + 4;
  }
  const answers: DnsRecord[] = [];
  for (let index = 0; index < answerCount; index++) {
    const name = readName(bytes, offset);
    if (!name || name.next + 10 > bytes.length) return invalid('malformed answer record');
    const dataLength = bytes.readUInt16BE(name.next + 8);
    const dataStart = name.next + 10;
    if (dataStart + dataLength > bytes.length) return invalid('answer data runs past the datagram');
    answers.push({
      name: name.name,
      type: bytes.readUInt16BE(name.next),
      class: bytes.readUInt16BE(name.next + 2),
      ttl: bytes.readUInt32BE(name.next + 4),
      data: bytes.subarray(dataStart, dataStart + dataLength),
    });
    offset = dataStart + dataLength;
  }
  return {
    state: 'complete',
    reply: {
      id: bytes.readUInt16BE(0),
      authoritative: (flags & 0x0400) !== 0,
      truncated: (flags & 0x0200) !== 0,
      recursionDesired: (flags & 0x0100) !== 0,
      recursionAvailable: (flags & 0x0080) !== 0,
      rcode: flags & 0x000f,
      questions,
      answers,
    },
  };
}

/**
 * Whether a reply answers `question` with `id`: same id, and its question (when it repeats one)
 * is ours, case aside.
 * @example answersQuestion(reply, 4660, { name: 'version.bind', type: 16, class: 3 }) // true
 */
export function answersQuestion(reply: DnsReply, id: number, question: DnsQuestion): boolean {
  if (reply.id !== id) return false;
  if (reply.questions.length === 0) return true;
  const [echoed] = reply.questions;
  return echoed.name === question.name.toLowerCase().replace(/\.$/, '') && echoed.type === question.type && echoed.class === question.class;
}

/**
 * The character-strings of a TXT record's data joined, printable ASCII only, bounded.
 * @example txtText(Buffer.from('0c646e736d6173712d322e3930', 'hex')) // 'dnsmasq-2.90'
 */
export function txtText(data: Buffer, maxChars = 256): string {
  const strings: string[] = [];
  let offset = 0;
  while (offset < data.length) {
    const length = data[offset];
    strings.push(data.subarray(offset + 1, Math.min(data.length, offset + 1 + length)).toString('latin1'));
    offset += 1 + length;
  }
  return strings
    .join('')
    .replace(/[^\x20-\x7e]/g, '')
    .slice(0, maxChars);
}

/**
 * @example rcodeName(5) // 'REFUSED'
 */
export function rcodeName(rcode: number): string {
  return rcodeNames[rcode] ?? `RCODE${rcode}`;
}
