/**
 * SSH data types (RFC 4251 §5): byte, boolean, uint32, string, mpint, name-list.
 * Encoders build Buffers; the reader walks one message and throws SshProtocolError on
 * anything malformed, so a garbage packet becomes one clear error, never a crash.
 */

/** Message numbers used by the transport, user-auth and connection layers. */
export const sshMessage = {
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  EXT_INFO: 7,
  KEXINIT: 20,
  NEWKEYS: 21,
  KEX_INIT: 30,
  KEX_REPLY: 31,
  USERAUTH_REQUEST: 50,
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  USERAUTH_BANNER: 53,
  /** password: SSH_MSG_USERAUTH_PASSWD_CHANGEREQ; keyboard-interactive: SSH_MSG_USERAUTH_INFO_REQUEST. */
  USERAUTH_60: 60,
  USERAUTH_INFO_RESPONSE: 61,
  GLOBAL_REQUEST: 80,
  REQUEST_SUCCESS: 81,
  REQUEST_FAILURE: 82,
  CHANNEL_OPEN: 90,
  CHANNEL_OPEN_CONFIRMATION: 91,
  CHANNEL_OPEN_FAILURE: 92,
  CHANNEL_WINDOW_ADJUST: 93,
  CHANNEL_DATA: 94,
  CHANNEL_EOF: 96,
  CHANNEL_CLOSE: 97,
  CHANNEL_REQUEST: 98,
  CHANNEL_SUCCESS: 99,
  CHANNEL_FAILURE: 100,
} as const;

/** Disconnect reason codes we send (RFC 4253 §11.1). */
export const disconnectReason = {
  PROTOCOL_ERROR: 2,
  KEY_EXCHANGE_FAILED: 3,
  MAC_ERROR: 5,
  SERVICE_NOT_AVAILABLE: 7,
  BY_APPLICATION: 11,
  NO_MORE_AUTH_METHODS_AVAILABLE: 14,
} as const;

/** The peer broke the protocol (or sent garbage). Caught by the checker and the lab; never crosses further. */
export class SshProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshProtocolError';
  }
}

/** @example sshByte(20) // <Buffer 14> */
export function sshByte(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

/** @example sshBoolean(true) // <Buffer 01> */
export function sshBoolean(value: boolean): Buffer {
  return Buffer.from([value ? 1 : 0]);
}

/** @example sshUint32(1) // <Buffer 00 00 00 01> */
export function sshUint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

/**
 * A length-prefixed string; text is encoded as UTF-8.
 * @example sshString('ssh-userauth') // <Buffer 00 00 00 0c 73 73 68 …>
 */
export function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([sshUint32(bytes.length), bytes]);
}

/**
 * A comma-separated name-list.
 * @example sshNameList(['aes128-ctr', 'aes256-ctr'])
 */
export function sshNameList(names: readonly string[]): Buffer {
  return sshString(Buffer.from(names.join(','), 'ascii'));
}

/**
 * An mpint from an unsigned big-endian magnitude: leading zero bytes dropped, a zero
 * byte added when the top bit is set (so the value stays positive), zero as empty.
 * @example sshMpint(Buffer.from([0x00, 0x80])) // <Buffer 00 00 00 02 00 80>
 */
export function sshMpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const body = trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return sshString(body);
}

export interface WireReader {
  byte(): number;
  boolean(): boolean;
  uint32(): number;
  /** A string's raw bytes. */
  bytes(): Buffer;
  /** A string as UTF-8 text (invalid sequences become U+FFFD, never an exception). */
  text(): string;
  nameList(): string[];
  /** An mpint that must be positive or zero, as its big-endian magnitude without leading zeros. */
  mpint(): Buffer;
  /** Bytes not read yet. */
  remaining(): number;
}

/**
 * Read SSH data types from one message; every read checks the bounds first.
 * @example const reader = createWireReader(payload); reader.byte(); reader.text()
 */
export function createWireReader(data: Buffer, what = 'message'): WireReader {
  let offset = 0;
  const need = (count: number) => {
    if (count < 0 || offset + count > data.length) throw new SshProtocolError(`truncated ${what}`);
  };
  const bytes = (): Buffer => {
    need(4);
    const length = data.readUInt32BE(offset);
    offset += 4;
    need(length);
    const value = data.subarray(offset, offset + length);
    offset += length;
    return value;
  };
  return {
    byte() {
      need(1);
      return data[offset++]!;
    },
    boolean() {
      need(1);
      return data[offset++] !== 0;
    },
    uint32() {
      need(4);
      const value = data.readUInt32BE(offset);
      offset += 4;
      return value;
    },
    bytes,
    text: () => bytes().toString('utf8'),
    nameList() {
      const raw = bytes();
      if (raw.length === 0) return [];
      // Names are printable US-ASCII without commas; anything else is garbage.
      if (raw.some((byte) => byte < 0x20 || byte > 0x7e)) throw new SshProtocolError(`non-ASCII name-list in ${what}`);
      return raw.toString('ascii').split(',');
    },
    mpint() {
      const raw = bytes();
      if (raw.length > 0 && (raw[0]! & 0x80) !== 0) throw new SshProtocolError(`negative mpint in ${what}`);
      let start = 0;
      while (start < raw.length && raw[start] === 0) start++;
      return raw.subarray(start);
    },
    remaining: () => data.length - offset,
  };
}
