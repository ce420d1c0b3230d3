/**
 * Android Debug Bridge messages (AOSP system/core/adb/protocol.txt): a 24-byte little-endian
 * header — command, arg0, arg1, data length, data checksum, magic (command ^ 0xffffffff) —
 * then the data. opennotice only ever sends CNXN (and the lab device answers with CNXN, AUTH
 * or CLSE); OPEN, which starts a shell or a service, is never built here for a client.
 * Pure functions, shared by the grabber and the lab's device.
 */

/** Commands by name; the value is the name's four ASCII bytes read little-endian. */
export const adbCommand = {
  CNXN: 0x4e584e43,
  AUTH: 0x48545541,
  STLS: 0x534c5453,
  OPEN: 0x4e45504f,
  OKAY: 0x59414b4f,
  CLSE: 0x45534c43,
  WRTE: 0x45545257,
  SYNC: 0x434e5953,
} as const;

export type AdbCommandName = keyof typeof adbCommand;

/** The protocol version we announce: it tells the device it may skip the data checksum. */
export const adbVersion = 0x01000001;
/** The largest message data we say we accept (what current adb hosts announce). */
export const adbMaxData = 256 * 1024;
/** AUTH's arg0: the device sends a TOKEN to sign; a host answers with a SIGNATURE or its RSAPUBLICKEY. */
export const adbAuthType = { token: 1, signature: 2, rsaPublicKey: 3 } as const;

export const headerBytes = 24;
/** Most data a reply may carry before it is refused: a banner or a token is far shorter. */
export const maxReplyData = 64 * 1024;

export interface AdbMessage {
  command: number;
  arg0: number;
  arg1: number;
  data: Buffer;
}

export type AdbDecode =
  | { state: 'incomplete' }
  | { state: 'invalid'; reason: string }
  | { state: 'complete'; message: AdbMessage /** bytes the message took */; length: number };

/**
 * A message with its length, checksum (sum of the data bytes, which older devices check) and magic.
 * @example encodeMessage({ command: adbCommand.CNXN, arg0: adbVersion, arg1: adbMaxData, data: Buffer.from('host::\0') })
 */
export function encodeMessage(message: AdbMessage): Buffer {
  const header = Buffer.alloc(headerBytes);
  header.writeUInt32LE(message.command >>> 0, 0);
  header.writeUInt32LE(message.arg0 >>> 0, 4);
  header.writeUInt32LE(message.arg1 >>> 0, 8);
  header.writeUInt32LE(message.data.length, 12);
  header.writeUInt32LE(checksum(message.data), 16);
  header.writeUInt32LE((message.command ^ 0xffffffff) >>> 0, 20);
  return Buffer.concat([header, message.data]);
}

function checksum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) >>> 0;
  return sum;
}

/**
 * The first message in `bytes`. The checksum is not verified: since version 0x01000001 devices
 * send 0 there.
 * @example decodeMessage(encodeMessage(message)) // { state: 'complete', message, length: 24 + message.data.length }
 */
export function decodeMessage(bytes: Buffer, maxData = maxReplyData): AdbDecode {
  if (bytes.length < headerBytes) return { state: 'incomplete' };
  const command = bytes.readUInt32LE(0);
  if (bytes.readUInt32LE(20) !== (command ^ 0xffffffff) >>> 0) return { state: 'invalid', reason: 'not an ADB message (bad magic)' };
  const dataLength = bytes.readUInt32LE(12);
  if (dataLength > maxData) return { state: 'invalid', reason: `${commandName(command)} carries ${dataLength} bytes, more than ${maxData}` };
  if (bytes.length < headerBytes + dataLength) return { state: 'incomplete' };
  const message = {
    command,
    arg0: bytes.readUInt32LE(4),
    arg1: bytes.readUInt32LE(8),
    data: Buffer.from(bytes.subarray(headerBytes, headerBytes + dataLength)),
  };
  return { state: 'complete', message, length: headerBytes + dataLength };
}

/**
 * Our connection request: CNXN(version, maxdata, "host::\0"). The only message a grab sends.
 * @example connectMessage().subarray(0, 4).toString() // 'CNXN'
 */
export function connectMessage(): Buffer {
  return encodeMessage({ command: adbCommand.CNXN, arg0: adbVersion, arg1: adbMaxData, data: Buffer.from('host::\0', 'latin1') });
}

/**
 * A command's name, or its hexadecimal value when it is not one of ADB's.
 * @example commandName(0x48545541) // 'AUTH'
 */
export function commandName(command: number): string {
  const known = (Object.keys(adbCommand) as AdbCommandName[]).find((name) => adbCommand[name] === command);
  return known ?? `0x${command.toString(16).padStart(8, '0')}`;
}

/**
 * Whether `bytes` begin with an ADB message header: valid magic and a known command. For
 * detection, on whatever arrived in answer to CNXN.
 * @example isAdbReply(encodeMessage({ command: adbCommand.AUTH, arg0: 1, arg1: 0, data: Buffer.alloc(20) })) // true
 */
export function isAdbReply(bytes: Buffer): boolean {
  if (bytes.length < headerBytes) return false;
  const command = bytes.readUInt32LE(0);
  return bytes.readUInt32LE(20) === (command ^ 0xffffffff) >>> 0 && Object.values(adbCommand).includes(command as never);
}

/** What a device's CNXN banner says. The serial number some put in it is never kept. */
export interface AdbBanner {
  /** device, recovery, sideload, rescue, bootloader, host, … */
  systemType: string;
  /** ro.product.name, ro.product.model, ro.product.device and any other key=value of the banner. */
  properties: Record<string, string>;
  features: string[];
}

/** Longest banner read; properties and features kept at most. */
const maxBannerChars = 4096;
const maxProperties = 32;
const maxFeatures = 64;

/**
 * Parse "<systemtype>:<serial>:<key=value;…;features=a,b>" (trailing NUL allowed).
 * @example parseBanner(Buffer.from('device::ro.product.name=p212;ro.product.model=X96;features=shell_v2,cmd')) // { systemType: 'device', properties: { 'ro.product.name': 'p212', 'ro.product.model': 'X96' }, features: ['shell_v2', 'cmd'] }
 */
export function parseBanner(data: Buffer): AdbBanner {
  const text = data
    .subarray(0, maxBannerChars)
    .toString('latin1')
    .replace(/\0[\s\S]*$/, '');
  const firstColon = text.indexOf(':');
  const systemType = (firstColon < 0 ? text : text.slice(0, firstColon)).trim();
  const secondColon = firstColon < 0 ? -1 : text.indexOf(':', firstColon + 1);
  const rest = secondColon < 0 ? '' : text.slice(secondColon + 1);
  const properties: Record<string, string> = Object.create(null);
  let features: string[] = [];
  for (const pair of rest.split(';')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (key === 'features')
      features = value
        .split(',')
        .filter((feature) => feature !== '')
        .slice(0, maxFeatures);
    else if (Object.keys(properties).length < maxProperties) properties[key] = value.slice(0, 256);
  }
  return { systemType: systemType.slice(0, 64), properties: { ...properties }, features };
}

/**
 * A device's banner, as adbd writes it (no serial: current adbd leaves that field empty).
 * @example formatBanner({ systemType: 'device', properties: { 'ro.product.name': 'p212' }, features: ['shell_v2'] }) // 'device::ro.product.name=p212;features=shell_v2'
 */
export function formatBanner(banner: AdbBanner): string {
  const pairs = Object.entries(banner.properties).map(([key, value]) => `${key}=${value};`);
  return `${banner.systemType}::${pairs.join('')}features=${banner.features.join(',')}`;
}
