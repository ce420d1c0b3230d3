/**
 * Structured bombs for the UDP grabs that parse what a datagram carries: answers that pass the
 * grab's first checks (the request's id, token, MessageID or sequence echoed) and then stress
 * its parser: XML entity expansion, nesting thousands deep and attribute floods (WS-Discovery),
 * DNS compression pointers that loop, point forward or chain (DNS, mDNS), BER nested to the
 * datagram's end or claiming 4 GiB (SNMP), link-format floods and unbalanced quotes (CoAP),
 * header floods (SSDP), variable floods (NTP), field floods (Ubiquiti, memcached), and the
 * largest datagram IPv4 carries (65,507 bytes) for every protocol.
 */
import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { derHeader, derTlv } from './hostile-certificates.ts';
import type { HostilePeer } from './hostile-peers.ts';

/** The largest UDP payload an IPv4 datagram can carry. */
export const maxDatagramBytes = 65_507;

/**
 * One bomb: what the peer answers each request with, and what the grab must make of it:
 * `refused` — never a success; `kept-bounded` — a success whose result stays small.
 */
export interface UdpBomb {
  protocol: string;
  name: string;
  expect: 'refused' | 'kept-bounded';
  reply(request: Buffer): Buffer;
}

const text = (value: string) => Buffer.from(value, 'latin1');

/** `body` repeated and cut so that the whole datagram is exactly `total` bytes after `head`. */
function fill(head: Buffer, body: string, total: number, tail: Buffer = Buffer.alloc(0)): Buffer {
  const room = total - head.length - tail.length;
  return Buffer.concat([head, text(body.repeat(Math.ceil(room / body.length)).slice(0, room)), tail]);
}

/** The request, then filler: whatever echoes the request's header looks like an answer to many parsers. */
const maxDatagram = (request: Buffer) => fill(request, 'Z\u0000\u00ff\r\n', maxDatagramBytes);

// WS-Discovery: answers relate to the Probe's MessageID.

function messageIdOf(request: Buffer): string {
  return /<wsa:MessageID>([^<]+)<\/wsa:MessageID>/.exec(request.toString('utf8'))?.[1] ?? 'urn:uuid:unknown';
}

function envelope(request: Buffer, body: string, prolog = '', rootAttributes = ''): Buffer {
  return text(
    `<?xml version="1.0" encoding="UTF-8"?>${prolog}<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" ` +
      `xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery"${rootAttributes}>` +
      `<soap:Header><wsa:RelatesTo>${messageIdOf(request)}</wsa:RelatesTo></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`,
  );
}

const probeMatch = (scopes: string) =>
  `<wsd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:1</wsa:Address></wsa:EndpointReference><wsd:Types>dn:NetworkVideoTransmitter</wsd:Types><wsd:Scopes>${scopes}</wsd:Scopes></wsd:ProbeMatch>`;

function billionLaughs(): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level < 10; level += 1) entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  return `<!DOCTYPE soap:Envelope [${entities.join('')}]>`;
}

const wsdBombs: UdpBomb[] = [
  {
    protocol: 'wsd',
    name: 'billion-laughs',
    expect: 'refused',
    reply: (request) => envelope(request, `<wsd:ProbeMatches>${probeMatch('&lol9;')}</wsd:ProbeMatches>`, billionLaughs()),
  },
  {
    protocol: 'wsd',
    name: 'deep-nesting',
    expect: 'refused',
    reply: (request) => envelope(request, `<wsd:ProbeMatches>${'<a>'.repeat(3000)}${'</a>'.repeat(3000)}</wsd:ProbeMatches>`),
  },
  {
    protocol: 'wsd',
    name: 'attribute-flood',
    expect: 'refused',
    reply: (request) =>
      envelope(
        request,
        `<wsd:ProbeMatches>${probeMatch('onvif://www.onvif.org/hardware/X')}</wsd:ProbeMatches>`,
        '',
        Array.from({ length: 2500 }, (_, index) => ` a${index}="x"`).join(''),
      ),
  },
  {
    protocol: 'wsd',
    name: 'element-flood',
    expect: 'refused',
    reply: (request) => envelope(request, `<wsd:ProbeMatches>${'<x/>'.repeat(6000)}</wsd:ProbeMatches>`),
  },
  {
    // Within every limit, but every list as long as it may be: the result must stay small.
    protocol: 'wsd',
    name: 'stuffed-matches',
    expect: 'kept-bounded',
    reply: (request) => {
      const scopes = Array.from({ length: 150 }, (_, index) => `onvif://www.onvif.org/name/${'N'.repeat(60)}${index}\u0007`).join(' ');
      return envelope(request, `<wsd:ProbeMatches>${probeMatch(scopes).repeat(2)}</wsd:ProbeMatches>`);
    },
  },
  {
    protocol: 'wsd',
    name: 'max-datagram',
    expect: 'refused',
    reply: (request) => {
      const head = envelope(request, `<wsd:ProbeMatches>${probeMatch('')}</wsd:ProbeMatches>`);
      return fill(head, '<!-- padding -->', maxDatagramBytes);
    },
  },
];

// DNS and mDNS: answers repeat the query's id and question.

function dnsReply(request: Buffer, answerCount: number, after: (offset: number) => Buffer): Buffer {
  const header = Buffer.alloc(12);
  request.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8180, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answerCount, 6);
  // The query's question as sent (its header says one question, no other records).
  const question = request.subarray(12);
  return Buffer.concat([header, question, after(12 + question.length)]);
}

/** An answer record whose name is `name`, type A, class IN, 4 bytes of data. */
const aRecord = (name: Buffer) => Buffer.concat([name, Buffer.from([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1])]);
const pointer = (offset: number) => Buffer.from([0xc0 | (offset >> 8), offset & 0xff]);

function dnsBombs(protocol: 'dns' | 'mdns'): UdpBomb[] {
  return [
    {
      protocol,
      name: 'pointer-loop',
      expect: 'refused',
      // The answer's name is a pointer to itself.
      reply: (request) => dnsReply(request, 1, (offset) => aRecord(pointer(offset))),
    },
    {
      protocol,
      name: 'pointer-forward',
      expect: 'refused',
      // Two names pointing at each other: the first forward to the second, the second back to the first.
      reply: (request) => dnsReply(request, 2, (offset) => Buffer.concat([aRecord(pointer(offset + 16)), aRecord(pointer(offset))])),
    },
    {
      protocol,
      name: 'pointer-chain',
      expect: 'refused',
      // A first record whose data is 3,500 labels, each followed by a pointer to the one before
      // (every pointer backwards), and a second record named by the last of them: a name far
      // past 255 bytes, thousands of jumps away.
      reply: (request) =>
        dnsReply(request, 2, (offset) => {
          const chainStart = offset + 12;
          const links: Buffer[] = [Buffer.from([1, 0x61, 0, 0])];
          for (let index = 1; index < 3500; index += 1) links.push(Buffer.concat([Buffer.from([1, 0x61]), pointer(chainStart + 4 * (index - 1))]));
          const chain = Buffer.concat(links);
          // NULL record (type 10) named like the question, carrying the chain.
          const carrier = Buffer.concat([pointer(12), Buffer.from([0, 10, 0, 1, 0, 0, 0, 60, chain.length >> 8, chain.length & 0xff]), chain]);
          return Buffer.concat([carrier, aRecord(pointer(chainStart + 4 * (links.length - 1)))]);
        }),
    },
    {
      protocol,
      name: 'record-flood',
      expect: 'refused',
      // 65,535 answers announced, as many as fit sent: every name a pointer to the question.
      reply: (request) =>
        dnsReply(request, 0xffff, () => {
          const record = aRecord(pointer(12));
          const count = Math.floor((maxDatagramBytes - request.length) / record.length);
          return Buffer.concat(Array.from({ length: count }, () => record));
        }),
    },
    { protocol, name: 'max-datagram', expect: 'refused', reply: maxDatagram },
  ];
}

// SNMP: a Response that repeats the request's version, community and request-id.

function snmpParts(request: Buffer): { version: Buffer; community: Buffer; requestId: Buffer } {
  // request: 30 len { 02 01 v, 04 len community, a0 len { 02 len id, … } } with short or long lengths.
  let offset = 0;
  const readHeader = () => {
    const tag = request[offset] ?? 0;
    const first = request[offset + 1] ?? 0;
    const lengthBytes = first & 0x80 ? first & 0x7f : 0;
    let length = first & 0x80 ? 0 : first;
    for (let index = 0; index < lengthBytes; index += 1) length = length * 256 + (request[offset + 2 + index] ?? 0);
    const start = offset + 2 + lengthBytes;
    return { tag, start, end: start + length };
  };
  const message = readHeader();
  offset = message.start;
  const version = readHeader();
  const versionBytes = request.subarray(offset, version.end);
  offset = version.end;
  const community = readHeader();
  const communityBytes = request.subarray(offset, community.end);
  offset = community.end;
  const pdu = readHeader();
  offset = pdu.start;
  const id = readHeader();
  return { version: versionBytes, community: communityBytes, requestId: request.subarray(offset, id.end) };
}

const zero = derTlv(0x02, Buffer.from([0]));

function snmpResponse(request: Buffer, varbinds: Buffer[]): Buffer {
  const { version, community, requestId } = snmpParts(request);
  return derTlv(0x30, Buffer.concat([version, community, derTlv(0xa2, Buffer.concat([requestId, zero, zero, derTlv(0x30, Buffer.concat(varbinds))]))]));
}

const sysDescrOid = Buffer.from([0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00]);

const snmpBombs: UdpBomb[] = [
  {
    protocol: 'snmp',
    name: 'deep-nesting',
    expect: 'refused',
    // SEQUENCEs nested to the datagram's end: 16,000 levels, each length exact. Built from the
    // inside out as headers only (copying the growing message per level would stall the peer).
    reply: () => {
      const headers: Buffer[] = [];
      let length = 0;
      for (let header = derHeader(0x30, 0); length + header.length <= maxDatagramBytes; header = derHeader(0x30, length)) {
        headers.push(header);
        length += header.length;
      }
      return Buffer.concat(headers.reverse());
    },
  },
  {
    protocol: 'snmp',
    name: 'length-lies',
    expect: 'refused',
    reply: () => Buffer.concat([Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), derTlv(0x02, Buffer.from([1]))]),
  },
  {
    protocol: 'snmp',
    name: 'varbind-flood',
    expect: 'refused',
    reply: (request) =>
      snmpResponse(
        request,
        Array.from({ length: 4000 }, () => derTlv(0x30, Buffer.concat([sysDescrOid, Buffer.from([0x05, 0x00])]))),
      ),
  },
  {
    protocol: 'snmp',
    name: 'huge-value',
    expect: 'kept-bounded',
    // sysDescr of 60 KiB laced with control characters.
    reply: (request) => snmpResponse(request, [derTlv(0x30, Buffer.concat([sysDescrOid, derTlv(0x04, text('Linux\u0000\u001b[31m\r\n'.repeat(4000)))]))]),
  },
  { protocol: 'snmp', name: 'max-datagram', expect: 'refused', reply: maxDatagram },
];

// CoAP: a piggy-backed ACK 2.05 with the request's message id and token, Content-Format 40.

function coapAnswer(request: Buffer, payload: Buffer, options: Buffer = Buffer.from([0xc1, 40])): Buffer {
  const tokenLength = (request[0] ?? 0) & 0x0f;
  const header = Buffer.from([0x60 | tokenLength, 0x45, request[2] ?? 0, request[3] ?? 0]);
  return Buffer.concat([header, request.subarray(4, 4 + tokenLength), options, Buffer.from([0xff]), payload]);
}

const coapBombs: UdpBomb[] = [
  {
    protocol: 'coap',
    name: 'link-flood',
    expect: 'kept-bounded',
    reply: (request) => fill(coapAnswer(request, text('')), `</${'s'.repeat(300)}\u0007>;rt="${'t'.repeat(300)}";title="x",`, maxDatagramBytes),
  },
  {
    protocol: 'coap',
    name: 'unbalanced-quotes',
    expect: 'kept-bounded',
    reply: (request) => fill(coapAnswer(request, text('</a>;title="')), '\\"<,;\\', 60_000),
  },
  {
    protocol: 'coap',
    name: 'bracket-bomb',
    expect: 'kept-bounded',
    reply: (request) => fill(coapAnswer(request, text('')), '<', 60_000),
  },
  {
    protocol: 'coap',
    name: 'option-flood',
    expect: 'refused',
    // 20,000 options of delta 0 (repeats of Content-Format's number) before the payload.
    reply: (request) => coapAnswer(request, text('</a>'), Buffer.concat([Buffer.from([0xc1, 40]), Buffer.alloc(20_000, 0x01)])),
  },
  { protocol: 'coap', name: 'max-datagram', expect: 'refused', reply: maxDatagram },
];

// SSDP: an HTTP-like answer to the M-SEARCH.

const ssdpBombs: UdpBomb[] = [
  {
    protocol: 'ssdp',
    name: 'header-flood',
    expect: 'refused',
    reply: () => fill(text('HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n'), 'a:\r\n', 8000, text('\r\n')),
  },
  {
    protocol: 'ssdp',
    name: 'long-values',
    expect: 'kept-bounded',
    // Every value far past what is kept; LOCATION names a closed port, so the fetch ends at once.
    reply: () =>
      text(
        `HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:${'u'.repeat(1500)}\r\nSERVER: ${'Linux\u0007 '.repeat(250)}\r\n` +
          `LOCATION: http://127.212.255.254:9/${'p'.repeat(1500)}\r\nX-User-Agent: ${'x'.repeat(1500)}\r\n\r\n`,
      ),
  },
  { protocol: 'ssdp', name: 'max-datagram', expect: 'refused', reply: () => fill(text('HTTP/1.1 200 OK\r\n'), 'X-Pad: aaaaaaaa\r\n', maxDatagramBytes) },
];

// NTP mode 6: a READVAR response to the request's sequence.

function ntpControl(request: Buffer, data: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = (2 << 3) | 6;
  header[1] = 0x80 | ((request[1] ?? 0) & 0x1f);
  request.copy(header, 2, 2, 4);
  header.writeUInt16BE(data.length, 10);
  return Buffer.concat([header, data]);
}

const ntpBombs: UdpBomb[] = [
  {
    protocol: 'ntp',
    name: 'variable-flood',
    expect: 'kept-bounded',
    reply: (request) =>
      ntpControl(
        request,
        text(
          Array.from({ length: 1200 }, (_, index) => `v${index}=${index}`)
            .join(',')
            .slice(0, 8000),
        ),
      ),
  },
  {
    protocol: 'ntp',
    name: 'unclosed-quote',
    expect: 'kept-bounded',
    reply: (request) => ntpControl(request, text(`version="${'ntpd\u0000\u001b '.repeat(1300)}`.slice(0, 8000))),
  },
  { protocol: 'ntp', name: 'max-datagram', expect: 'refused', reply: maxDatagram },
];

// Ubiquiti discovery: version 1 reply, type-length-value fields.

function ubiquitiReply(fields: Buffer): Buffer {
  const header = Buffer.from([0x01, 0x00, 0, 0]);
  header.writeUInt16BE(fields.length, 2);
  return Buffer.concat([header, fields]);
}

const ubiquitiBombs: UdpBomb[] = [
  {
    protocol: 'ubiquiti',
    name: 'field-flood',
    expect: 'refused',
    reply: () => ubiquitiReply(Buffer.alloc(21_000 * 3, 0).fill(Buffer.from([0x0b, 0x00, 0x00]))),
  },
  {
    protocol: 'ubiquiti',
    name: 'huge-field',
    expect: 'kept-bounded',
    reply: () => {
      const value = text('NanoStation\u0000\u001b[31m\r\n'.repeat(3000)).subarray(0, 65_000);
      const field = Buffer.concat([Buffer.from([0x0b, value.length >> 8, value.length & 0xff]), value]);
      return ubiquitiReply(field);
    },
  },
  { protocol: 'ubiquiti', name: 'max-datagram', expect: 'refused', reply: maxDatagram },
];

// memcached over UDP: the frame header repeated, then "STAT" lines without end.

const memcachedBombs: UdpBomb[] = [
  {
    protocol: 'memcached',
    name: 'stat-flood',
    expect: 'kept-bounded',
    reply: (request) => {
      const header = Buffer.from([request[0] ?? 0, request[1] ?? 0, 0, 0, 0, 1, 0, 0]);
      const lines = Array.from({ length: 600 }, (_, index) => `STAT s${index} ${'v'.repeat(200)}\u0007\r\nSTAT version 1.6.${index}\r\n`).join('');
      return fill(header, lines, maxDatagramBytes, text('END\r\n'));
    },
  },
  { protocol: 'memcached', name: 'max-datagram', expect: 'refused', reply: maxDatagram },
];

/** Every bomb, and the largest datagram for each UDP protocol without bombs of its own (BACnet). */
export function udpBombsFor(udpProtocols: readonly string[]): UdpBomb[] {
  const specific = [
    ...wsdBombs,
    ...dnsBombs('dns'),
    ...dnsBombs('mdns'),
    ...snmpBombs,
    ...coapBombs,
    ...ssdpBombs,
    ...ntpBombs,
    ...ubiquitiBombs,
    ...memcachedBombs,
  ];
  const covered = new Set(specific.map((bomb) => bomb.protocol));
  const generic = udpProtocols
    .filter((protocol) => !covered.has(protocol))
    .map((protocol): UdpBomb => ({ protocol, name: 'max-datagram', expect: 'refused', reply: maxDatagram }));
  return [...specific.filter((bomb) => udpProtocols.includes(bomb.protocol)), ...generic];
}

/**
 * A UDP peer on `host` and `port` (0: chosen by the kernel) that answers every request with the bomb, from the port it was asked on.
 * @example const peer = await startUdpBombPeer('127.212.1.1', bomb)
 */
export async function startUdpBombPeer(host: string, bomb: UdpBomb, port = 0): Promise<HostilePeer> {
  const socket: DatagramSocket = createSocket('udp4');
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => resolve());
  });
  socket.setSendBufferSize(256 * 1024);
  socket.on('message', (request, from) => socket.send(bomb.reply(request), from.port, from.address, () => {}));
  return {
    host,
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
