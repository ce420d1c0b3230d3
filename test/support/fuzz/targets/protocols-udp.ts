/**
 * Fuzz targets for the decoders of UDP protocols: one datagram in, a verdict out. The seeds
 * are answers like real daemons send (built with the codecs' encoders and the test peers).
 */
import { readFileSync } from 'node:fs';
import { decodeAnswer } from '../../../../src/protocols/bacnet/codec.ts';
import { decodeCoap } from '../../../../src/protocols/coap/codec.ts';
import { parseCoreLinks } from '../../../../src/protocols/coap/links.ts';
import { decodeReply, encodeName, encodeQuery, txtText } from '../../../../src/protocols/dns/codec.ts';
import { decodeDns } from '../../../../src/protocols/mdns/codec.ts';
import { decodeFrame as decodeMemcached, parseStats } from '../../../../src/protocols/memcached/codec.ts';
import { decodeControl, encodeReadVariables, parseVariables } from '../../../../src/protocols/ntp/codec.ts';
import { decodeMonlistReply } from '../../../../src/protocols/ntp/monlist.ts';
import { berTags, encodeInteger, encodeOid, encodeTlv, readTlv } from '../../../../src/protocols/snmp/ber.ts';
import { decodeResponse, pduTags } from '../../../../src/protocols/snmp/codec.ts';
import { parseSearchResponse } from '../../../../src/protocols/ssdp/codec.ts';
import { decodeDiscoveryReply } from '../../../../src/protocols/ubiquiti/codec.ts';
import { readProbeMatches } from '../../../../src/protocols/wsd/codec.ts';
import { monlistReply, readVariablesReply } from '../../../support/ntp-peer-b.ts';
import { discoveryReply, nanoStationFields } from '../../../support/ubiquiti-peer-b.ts';
import type { FuzzTarget } from '../target.ts';
import { hex, latin1, protocolTarget } from './protocol-target.ts';

const u16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const u32 = (value: number) => Buffer.from([value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
const record = (name: Buffer, type: number, klass: number, data: Buffer) => Buffer.concat([name, u16(type), u16(klass), u32(120), u16(data.length), data]);

/** A BIND answer to "version.bind TXT CH", the answer's name a compression pointer to the question. */
function dnsSeed(): Buffer {
  const query = encodeQuery({ id: 0x1234, question: { name: 'version.bind', type: 16, class: 3 }, recursionDesired: false });
  const header = Buffer.from(query.subarray(0, 12));
  header[2] = 0x84;
  header.writeUInt16BE(1, 6);
  const text = Buffer.from('9.11.5-P4-5.1+deb10u5-Debian');
  return Buffer.concat([header, query.subarray(12), record(hex('c00c'), 16, 3, Buffer.concat([Buffer.from([text.length]), text]))]);
}

/** An mDNS answer: a service PTR, its SRV, TXT and the host's A record. */
function mdnsSeed(): Buffer {
  const header = hex('0000 8400 0000 0004 0000 0000');
  const instance = encodeName('Printer._ipp._tcp.local');
  return Buffer.concat([
    header,
    record(encodeName('_ipp._tcp.local'), 12, 1, instance),
    record(instance, 33, 0x8001, Buffer.concat([u16(0), u16(0), u16(631), encodeName('printer.local')])),
    record(instance, 16, 0x8001, Buffer.from('\x09txtvers=1\x0fty=Brother HL-L', 'latin1')),
    record(encodeName('printer.local'), 1, 0x8001, hex('c0a8010a')),
  ]);
}

function snmpSeed(): Buffer {
  const varbind = (oid: string, value: Buffer) => encodeTlv(berTags.sequence, Buffer.concat([encodeOid(oid), value]));
  const varbinds = [
    varbind('1.3.6.1.2.1.1.1.0', encodeTlv(berTags.octetString, Buffer.from('Linux router 2.6.36 #1 mips'))),
    varbind('1.3.6.1.2.1.1.2.0', encodeOid('1.3.6.1.4.1.8072.3.2.10')),
    varbind('1.3.6.1.2.1.1.3.0', encodeTlv(0x43, hex('01e240'))),
  ];
  const pdu = encodeTlv(
    pduTags.response,
    Buffer.concat([encodeInteger(0x1234), encodeInteger(0), encodeInteger(0), encodeTlv(berTags.sequence, Buffer.concat(varbinds))]),
  );
  return encodeTlv(berTags.sequence, Buffer.concat([encodeInteger(1), encodeTlv(berTags.octetString, Buffer.from('public')), pdu]));
}

const coapSeed = () =>
  Buffer.concat([
    hex('64451234 a1b2c3d4 c128 ff'),
    Buffer.from('</.well-known/core>;ct=40,</sensors/temp>;rt="temperature";if="sensor",</fw>;title="Firmware v1.2"'),
  ]);

const memcachedSeed = () => Buffer.concat([hex('beef000000010000'), Buffer.from('STAT pid 1\r\nSTAT version 1.6.9\r\nSTAT uptime 3600\r\nEND\r\n')]);

const ssdpSeed = () =>
  latin1(
    'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\nEXT:\r\nSERVER: Linux/2.6 UPnP/1.0 miniupnpd/1.9\r\nLOCATION: http://192.0.2.1:5000/rootDesc.xml\r\n\r\n',
  );

const wsdMessageId = 'urn:uuid:2f3a1c2e-0000-4000-8000-000000000001';
const wsdSeed = () =>
  Buffer.from(readFileSync(new URL('../../../fixtures/wsd/onvif-probematches.xml', import.meta.url), 'utf8').replace('{{RELATES_TO}}', wsdMessageId));

const ntpVariables = 'version="ntpd 4.2.8p15@1.3728-o", processor="armv7l", system="Linux/4.9.0", leap=0, stratum=2, refid=192.0.2.1';

export const targets: FuzzTarget[] = [
  protocolTarget(
    'dns',
    'DNS answers (names, compression, TXT)',
    () => [dnsSeed()],
    (input) => {
      const decoded = decodeReply(input);
      if ('reply' in decoded) for (const answer of decoded.reply.answers) txtText(answer.data);
    },
  ),
  protocolTarget(
    'mdns',
    'mDNS answers (PTR, SRV, TXT, A)',
    () => [mdnsSeed()],
    (input) => decodeDns(input),
  ),
  protocolTarget(
    'snmp',
    'SNMP responses (BER)',
    () => [snmpSeed()],
    (input) => {
      decodeResponse(input);
      readTlv(input, 0);
    },
  ),
  protocolTarget(
    'ntp',
    'NTP mode 6 read-variables and mode 7 monlist replies',
    () => [...readVariablesReply(encodeReadVariables(3), ntpVariables, 64), ...monlistReply(3)],
    (input) => {
      const fragment = decodeControl(input);
      if (fragment) parseVariables(fragment.data.toString('latin1'));
      decodeMonlistReply(input);
    },
  ),
  protocolTarget(
    'coap',
    'CoAP messages and CoRE link format',
    () => [coapSeed()],
    (input) => {
      decodeCoap(input);
      parseCoreLinks(input.subarray(9).toString('utf8'));
    },
  ),
  protocolTarget(
    'ssdp',
    'SSDP search responses',
    () => [ssdpSeed()],
    (input) => parseSearchResponse(input),
  ),
  protocolTarget(
    'wsd',
    'WS-Discovery ProbeMatches (ONVIF)',
    () => [wsdSeed()],
    (input) => readProbeMatches(input, wsdMessageId),
  ),
  protocolTarget(
    'memcached',
    'memcached UDP frames and stats',
    () => [memcachedSeed()],
    (input) => {
      const frame = decodeMemcached(input);
      if (frame) parseStats(frame.payload.toString('latin1'));
    },
  ),
  protocolTarget(
    'ubiquiti',
    'Ubiquiti discovery replies',
    () => [discoveryReply(nanoStationFields)],
    (input) => decodeDiscoveryReply(input),
  ),
  protocolTarget(
    'bacnet',
    'BACnet/IP ReadProperty answers',
    () => [
      hex('810a0022 0100 30070c 0c020004d2 1979 3e 750e00 41434d4520436f6e74726f6c73 3f'),
      hex('810a0000 0108 0005 01 2a 30070c 0c020004d2 1946 3e 74 05e94142 3f'),
      hex('810a000d 0100 50030c 9101 911f'),
    ],
    (input) => decodeAnswer(input),
  ),
];
