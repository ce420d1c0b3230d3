/**
 * Fuzz targets for the decoders of TCP protocols. Each run chains the decoders the grabber
 * chains (frame, then message, then the fields inside), on replies like the lab's devices send.
 */
import { decodeMessage, encodeMessage, parseBanner } from '../../../../src/protocols/adb/codec.ts';
import { describeResponse as describeCwmp } from '../../../../src/protocols/cwmp/codec.ts';
import { decodeListIdentity } from '../../../../src/protocols/enip/codec.ts';
import { parseHello } from '../../../../src/protocols/fox/codec.ts';
import { parseFtpReply, parseGreeting } from '../../../../src/protocols/ftp/codec.ts';
import { parseAuthChallenges } from '../../../../src/protocols/http/auth-challenge.ts';
import { decodeChunked, parseResponseHead, readBody } from '../../../../src/protocols/http/codec.ts';
import { decodeBodyText, decodeHtmlEntities } from '../../../../src/protocols/http/html.ts';
import { decodeApdu } from '../../../../src/protocols/iec104/codec.ts';
import { decodeFrame as decodeModbus } from '../../../../src/protocols/modbus/codec.ts';
import { parseFrame } from '../../../../src/protocols/mqtt/codec.ts';
import { parseConnackReply } from '../../../../src/protocols/mqtt/connack.ts';
import { decodeConnect } from '../../../../src/protocols/mqtt/connect.ts';
import { parseRtspRequest, parseRtspResponse } from '../../../../src/protocols/rtsp/codec.ts';
import { parseSdpFacts } from '../../../../src/protocols/rtsp/sdp.ts';
import { decodeCotp, decodeS7, decodeTpkt } from '../../../../src/protocols/s7/codec.ts';
import { decodeSzlReply } from '../../../../src/protocols/s7/szl.ts';
import { findIdentification, parseIdentification } from '../../../../src/protocols/ssh/codec.ts';
import { parseKexInit } from '../../../../src/protocols/ssh/transport/algorithms.ts';
import { createPacketDecoder } from '../../../../src/protocols/ssh/transport/packet.ts';
import { SshProtocolError } from '../../../../src/protocols/ssh/transport/wire.ts';
import { createTelnetDecoder } from '../../../../src/protocols/telnet/codec.ts';
import { describeRoot } from '../../../../src/protocols/upnp/codec.ts';
import { readXml } from '../../../../src/protocols/upnp/xml.ts';
import type { FuzzTarget } from '../target.ts';
import { hex, latin1, protocolTarget } from './protocol-target.ts';

const httpReplies = () => [
  latin1(
    'HTTP/1.1 401 Unauthorized\r\nServer: GoAhead-Webs\r\nWWW-Authenticate: Digest realm="GoAhead", domain=":80", qop="auth", nonce="abc", algorithm=MD5, stale="FALSE"\r\nWWW-Authenticate: Basic realm="x"\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 44\r\n\r\n<html><title>Login &amp; &#x41;</title></html>',
  ),
  latin1('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html; charset=shift_jis\r\n\r\n1a\r\n<html><title>DIR-615</title>\r\n0\r\n\r\n'),
  latin1('HTTP/1.0 302 Found\r\nLocation: http://192.0.2.1/login.htm\r\nConnection: close\r\n\r\n'),
];

function http(input: Buffer): void {
  const parsed = parseResponseHead(input);
  if (parsed.state !== 'complete') return;
  const { head, bodyStart } = parsed;
  const body = readBody(head, input.subarray(bodyStart), 64 * 1024);
  decodeChunked(input.subarray(bodyStart), 64 * 1024);
  parseAuthChallenges(head.headers['www-authenticate'] ?? '');
  const charset = /charset=([^;\s]+)/i.exec(head.headers['content-type'] ?? '')?.[1];
  const text = decodeBodyText('body' in body && Buffer.isBuffer(body.body) ? body.body : input.subarray(bodyStart), charset);
  decodeHtmlEntities(text);
  describeCwmp(head);
}

const upnpDescription = latin1(
  '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><friendlyName>Router &amp; co</friendlyName><manufacturer>TP-LINK</manufacturer><modelName>Archer C7</modelName><modelNumber>5.0</modelNumber><serialNumber>123</serialNumber><UDN>uuid:1</UDN><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType></device></deviceList></device></root>',
);

/** A ListIdentity reply as a Rockwell PLC sends it (the layout of enip/codec.test.ts). */
function enipSeed(): Buffer {
  const name = latin1('1756-L61/B LOGIX5561');
  const item = Buffer.alloc(34 + name.length);
  item.writeUInt16LE(1, 0);
  item.writeUInt16BE(2, 2);
  item.writeUInt16BE(44818, 4);
  item.writeUInt16LE(1, 18);
  item.writeUInt16LE(14, 20);
  item.writeUInt16LE(54, 22);
  item.writeUInt32LE(0x00c0ffee, 28);
  item[32] = name.length;
  name.copy(item, 33);
  item[33 + name.length] = 3;
  const data = Buffer.concat([Buffer.from([1, 0, 0x0c, 0, item.length & 0xff, item.length >> 8]), item]);
  const header = Buffer.alloc(24);
  header.writeUInt16LE(0x63, 0);
  header.writeUInt16LE(data.length, 2);
  Buffer.from('0123abcd').copy(header, 12);
  return Buffer.concat([header, data]);
}

function adbSeed(): Buffer {
  const data = Buffer.from('device::ro.product.name=p212;ro.product.model=X96mini;ro.product.device=p212;features=cmd,shell_v2\0');
  return encodeMessage({ command: 0x4e584e43, arg0: 0x01000000, arg1: 4096, data });
}

function mqttSeeds(): Buffer[] {
  return [hex('20020000'), hex('20030000 00'), hex('2009000005 2200 0a 2100 10'), hex('100c00044d5154540402003c0000')];
}

const s7Seeds = () => [
  hex('0300001611d00000000100c0010ac1020100c2020102'),
  hex('0300001b02f080320300000001000800000000f0000001000100f0'),
  hex(
    '0300007d02f08032070000000200 0c 0060 000112081284010100000000ff0900 5c 0011 0000 001c 0002 0001 36455337203231342d31414533302d30584230203020000000000000 0006 36455337203231342d31414533302d305842302030200000000000 0007 4220202020202020202020202020202020202020',
  ),
];

function s7(input: Buffer): void {
  const frame = decodeTpkt(input);
  if (frame.state !== 'complete') return;
  const cotp = decodeCotp(frame.payload);
  if (!cotp) return;
  const s7pdu = decodeS7(cotp.userData);
  if ('pdu' in s7pdu) decodeSzlReply(s7pdu.pdu);
}

const sshRefusal = (error: unknown) => (error instanceof SshProtocolError ? 'SshProtocolError' : undefined);

function sshTransport(input: Buffer): void {
  const decoder = createPacketDecoder();
  decoder.push(input);
  for (let payload = decoder.next(); payload; payload = decoder.next()) if (payload[0] === 20) parseKexInit(payload);
}

function sshKexSeed(): Buffer {
  const names = (list: string) => Buffer.concat([Buffer.alloc(4), Buffer.from(list)]).fill(0, 0, 4);
  const lists = [
    'curve25519-sha256,diffie-hellman-group14-sha1',
    'ssh-ed25519,ssh-rsa',
    'aes128-ctr',
    'aes128-ctr',
    'hmac-sha2-256',
    'hmac-sha2-256',
    'none',
    'none',
    '',
    '',
  ].map((list) => {
    const out = names(list);
    out.writeUInt32BE(list.length, 0);
    return out;
  });
  const payload = Buffer.concat([Buffer.from([20]), Buffer.alloc(16, 7), ...lists, Buffer.from([0, 0, 0, 0, 0])]);
  const padding = 8 - ((payload.length + 5) % 8) + 8;
  const packet = Buffer.alloc(5 + payload.length + padding);
  packet.writeUInt32BE(1 + payload.length + padding, 0);
  packet[4] = padding;
  payload.copy(packet, 5);
  return packet;
}

export const targets: FuzzTarget[] = [
  protocolTarget('http', 'HTTP response heads, bodies (length, chunked), auth challenges, charsets, CWMP', httpReplies, http),
  protocolTarget(
    'telnet',
    'telnet option negotiation and text',
    () => [hex('fffd18fffd20fffd23fffd27fffb01fffb03'), latin1('\xff\xfb\x01\xff\xfb\x03\r\nBusyBox v1.19.4 login: '), hex('fffa1801fff0fffe22')],
    (input) => {
      const decoder = createTelnetDecoder();
      decoder.push(input.subarray(0, input.length >> 1));
      decoder.push(input.subarray(input.length >> 1));
    },
  ),
  protocolTarget(
    'ssh',
    'SSH identification lines and binary packets up to KEXINIT',
    () => [latin1('SSH-2.0-dropbear_2019.78\r\n'), latin1('Welcome\r\nSSH-1.99-OpenSSH_7.4p1 Debian-10+deb9u7\r\n'), sshKexSeed()],
    (input) => {
      const found = findIdentification(input);
      if ('line' in found && typeof found.line === 'string') parseIdentification(found.line);
      parseIdentification(input.toString('latin1'));
      sshTransport(input);
    },
    sshRefusal,
  ),
  protocolTarget(
    'ftp',
    'FTP greetings and replies (multi-line)',
    () => [latin1('220 ProFTPD 1.3.5 Server (Debian) [192.0.2.1]\r\n'), latin1('220-Welcome\r\n220-to the NAS\r\n220 ready\r\n331 Password required\r\n')],
    (input) => {
      parseGreeting(input);
      parseFtpReply(input, Math.min(input.length, 3));
    },
  ),
  protocolTarget('mqtt', 'MQTT frames, CONNACK (3.1.1 and 5 properties), CONNECT', mqttSeeds, (input) => {
    const frame = parseFrame(input, 4096);
    if (frame.state === 'complete') decodeConnect(frame.frame.body);
    parseConnackReply(input, 4);
    parseConnackReply(input, 5);
  }),
  protocolTarget(
    'rtsp',
    'RTSP responses and requests, SDP',
    () => [
      latin1('RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="IP Camera", nonce="x"\r\nServer: Hikvision\r\n\r\n'),
      latin1(
        'RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 96\r\n\r\nv=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=Media Presentation\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n',
      ),
    ],
    (input) => {
      const response = parseRtspResponse(input);
      if (response.state === 'complete') parseSdpFacts(response.message.body.toString('utf8'));
      parseRtspRequest(input);
      parseSdpFacts(input.toString('latin1'));
    },
  ),
  protocolTarget(
    'upnp',
    'UPnP device description XML',
    () => [upnpDescription],
    (input) => {
      const read = readXml(input);
      if (read.ok) describeRoot(read.root);
    },
  ),
  protocolTarget(
    'adb',
    'ADB CNXN messages and banners',
    () => [adbSeed()],
    (input) => {
      const decoded = decodeMessage(input);
      if (decoded.state === 'complete') parseBanner(decoded.message.data);
      parseBanner(input);
    },
  ),
  protocolTarget(
    'modbus',
    'Modbus/TCP frames (read device identification)',
    () => [hex('000100000019 01 2b 0e 01 01 00 00 03 00 08 536368656e656964 01 04 424d5820 02 04 76322e31'), hex('000100000003 01 ab 01')],
    (input) => decodeModbus(input),
  ),
  protocolTarget(
    'enip',
    'EtherNet/IP ListIdentity replies',
    () => [enipSeed()],
    (input) => decodeListIdentity(input),
  ),
  protocolTarget('s7', 'S7comm TPKT, COTP, S7 and SZL replies', s7Seeds, s7),
  protocolTarget(
    'iec104',
    'IEC 60870-5-104 APDUs',
    () => [hex('680e0400060046010400070000000000680401000a00'), hex('680483000000')],
    (input) => decodeApdu(input),
  ),
  protocolTarget(
    'fox',
    'Niagara Fox hellos',
    () => [latin1('fox a 0 -1 fox hello\n{\nfox.version=s:1.0\nid=i:262\nhostName=s:jace\napp.version=s:4.10.1.36\nsysInfo=o:bog 61[<bog v="1.0"/>]\n};;\n')],
    (input) => parseHello(input),
  ),
];
