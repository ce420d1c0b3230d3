/**
 * The CONNECT packet (MQTT 3.1 / 3.1.1 §3.1, MQTT 5.0 §3.1): what the grabber and the checker
 * send (encodeConnect), and what the lab's broker reads (decodeConnect). Our CONNECTs always ask
 * for a clean session (no state kept on the broker), carry no will message, and in MQTT 5 no
 * properties.
 */
import { bodyReader, encodeField, encodeFrame, encodeVarint, packetTypes, type ProtocolLevel } from './codec.ts';

const protocolNames: Record<ProtocolLevel, string> = { 3: 'MQIsdp', 4: 'MQTT', 5: 'MQTT' };

const flagUsername = 0x80;
const flagPassword = 0x40;
const flagWillRetain = 0x20;
const flagWill = 0x04;
const flagCleanSession = 0x02;

export interface ConnectRequest {
  level: ProtocolLevel;
  /** 1..23 letters and digits: the identifier every broker must accept (3.1.1 §3.1.3.1). */
  clientId: string;
  keepAliveSeconds: number;
  /** Absent: an anonymous CONNECT. */
  username?: string;
  /** Sent only with a user name (3.1.1 allows no password without one); empty means "no password", and none is sent. */
  password?: string;
}

/**
 * @example encodeConnect({ level: 4, clientId: 'opennotice1a2b', keepAliveSeconds: 30 })
 */
export function encodeConnect(request: ConnectRequest): Buffer {
  const withUser = request.username !== undefined;
  const withPassword = withUser && request.password !== undefined && request.password !== '';
  const flags = flagCleanSession | (withUser ? flagUsername : 0) | (withPassword ? flagPassword : 0);
  const parts = [
    encodeField(protocolNames[request.level]),
    Buffer.from([request.level, flags, (request.keepAliveSeconds >> 8) & 0xff, request.keepAliveSeconds & 0xff]),
  ];
  if (request.level === 5) parts.push(encodeVarint(0)); // no properties
  parts.push(encodeField(request.clientId));
  if (withUser) parts.push(encodeField(request.username ?? ''));
  if (withPassword) parts.push(encodeField(request.password ?? ''));
  return encodeFrame(packetTypes.connect, 0, Buffer.concat(parts));
}

/** A CONNECT as a broker reads it. */
export interface ConnectPacket {
  protocolName: string;
  /** The level byte as sent, whatever it is (a broker answers an unknown one with "unacceptable protocol version"). */
  level: number;
  cleanSession: boolean;
  keepAliveSeconds: number;
  clientId: string;
  hasWill: boolean;
  username?: string;
  /** The password bytes as text (UTF-8); MQTT allows binary passwords. */
  password?: string;
}

export type ConnectDecode = { state: 'complete'; connect: ConnectPacket } | { state: 'invalid'; reason: string };

/**
 * The body of a CONNECT packet (the frame's `body`). Fields past a level the decoder does
 * not know are not read: the level alone decides the broker's answer then.
 * @example decodeConnect(parseFrame(encodeConnect(request), 1024).frame.body)
 */
export function decodeConnect(body: Buffer): ConnectDecode {
  const reader = bodyReader(body);
  const protocolName = reader.text();
  const level = reader.byte();
  if (protocolName === undefined || level === undefined) return { state: 'invalid', reason: 'CONNECT too short for its protocol name and level' };
  if (protocolName !== 'MQTT' && protocolName !== 'MQIsdp')
    return { state: 'invalid', reason: `unknown protocol name ${JSON.stringify(protocolName.slice(0, 32))}` };
  const flags = reader.byte();
  const keepAliveSeconds = reader.uint16();
  if (flags === undefined || keepAliveSeconds === undefined) return { state: 'invalid', reason: 'CONNECT too short for its flags' };
  const header = { protocolName, level, cleanSession: (flags & flagCleanSession) !== 0, keepAliveSeconds, hasWill: (flags & flagWill) !== 0 };
  if (level < 3 || level > 5) return { state: 'complete', connect: { ...header, clientId: '' } };
  if ((flags & 0x01) !== 0) return { state: 'invalid', reason: 'reserved CONNECT flag set' };
  if (!header.hasWill && (flags & (flagWillRetain | 0x18)) !== 0) return { state: 'invalid', reason: 'will flags without a will' };
  if (level === 5) reader.skip(reader.varint() ?? -1); // CONNECT properties: nothing a survey broker needs
  const clientId = reader.text();
  if (clientId === undefined) return { state: 'invalid', reason: 'CONNECT without a client identifier' };
  if (header.hasWill) {
    if (level === 5) reader.skip(reader.varint() ?? -1);
    if (reader.field() === undefined || reader.field() === undefined) return { state: 'invalid', reason: 'CONNECT will topic or message cut short' };
  }
  const connect: ConnectPacket = { ...header, clientId };
  if ((flags & flagUsername) !== 0) {
    connect.username = reader.text();
    if (connect.username === undefined) return { state: 'invalid', reason: 'CONNECT user name cut short' };
  }
  if ((flags & flagPassword) !== 0) {
    connect.password = reader.text();
    if (connect.password === undefined) return { state: 'invalid', reason: 'CONNECT password cut short' };
  }
  if (reader.remaining > 0) return { state: 'invalid', reason: `${reader.remaining} bytes after the CONNECT payload` };
  return { state: 'complete', connect };
}
