/**
 * A home router's DNS forwarder (dnsmasq-like) as the internet sees it. An open one answers
 * anyone's recursive question (RA set, an A record) — an open resolver, the reflector of DNS
 * amplification; a closed one refuses (REFUSED, RA clear), as a well-configured forwarder
 * does for addresses outside its LAN. Both answer the CHAOS `version.bind` question.
 */

export interface DnsPersona {
  openResolver: boolean;
  /** What `version.bind` says, e.g. "dnsmasq-2.78". */
  version: string;
}

const typeA = 1;
const typeTxt = 16;
const classIn = 1;
const classChaos = 3;
/** The address an open lab resolver gives every name: TEST-NET-1, never routed. */
const answerAddress = [192, 0, 2, 53];

interface Question {
  /** Where the question section ends. */
  end: number;
  name: string;
  type: number;
  klass: number;
}

function readQuestion(request: Buffer): Question | undefined {
  const labels: string[] = [];
  let at = 12;
  for (let guard = 0; guard < 64; guard++) {
    const length = request[at];
    if (length === undefined || length > 63) return undefined;
    at += 1;
    if (length === 0) break;
    labels.push(request.subarray(at, at + length).toString('latin1'));
    at += length;
  }
  if (at + 4 > request.length) return undefined;
  return { end: at + 4, name: labels.join('.').toLowerCase(), type: request.readUInt16BE(at), klass: request.readUInt16BE(at + 2) };
}

function record(type: number, klass: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // the question's name, by pointer
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(klass, 4);
  fixed.writeUInt32BE(300, 6);
  fixed.writeUInt16BE(data.length, 10);
  return Buffer.concat([fixed, data]);
}

/**
 * The answer to one query; none for what is not a standard query with one question.
 * @example dnsResponses(query, { openResolver: true, version: 'dnsmasq-2.78' })[0][3] & 0x80 // RA set
 */
export function dnsResponses(request: Buffer, persona: DnsPersona): Buffer[] {
  if (request.length < 17 || request[2]! & 0x80 || (request[2]! & 0x78) !== 0 || request.readUInt16BE(4) !== 1) return [];
  const question = readQuestion(request);
  if (!question) return [];
  const header = Buffer.alloc(12);
  request.copy(header, 0, 0, 2); // id
  const recursionDesired = request[2]! & 0x01;
  header[2] = 0x80 | recursionDesired; // a response, standard query
  header.writeUInt16BE(1, 4);
  const questionBytes = request.subarray(12, question.end);
  let answers: Buffer[] = [];
  let rcode = 0;
  if (question.klass === classChaos && question.type === typeTxt && question.name === 'version.bind') {
    const text = Buffer.from(persona.version, 'latin1').subarray(0, 255);
    answers = [record(typeTxt, classChaos, Buffer.concat([Buffer.from([text.length]), text]))];
  } else if (!persona.openResolver) {
    rcode = 5; // REFUSED
  } else if (question.klass === classIn && question.type === typeA && recursionDesired) {
    answers = [record(typeA, classIn, Buffer.from(answerAddress))];
  }
  header[3] = (persona.openResolver ? 0x80 : 0) | rcode;
  header.writeUInt16BE(answers.length, 6);
  return [Buffer.concat([header, questionBytes, ...answers])];
}
