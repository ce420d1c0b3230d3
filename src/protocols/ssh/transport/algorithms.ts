/**
 * Algorithm negotiation (RFC 4253 §7.1): the KEXINIT message, what we implement, and
 * the choice rule — for each category, the client's first algorithm the server also
 * lists. Pure functions.
 */
import { randomBytes } from 'node:crypto';
import { createWireReader, sshBoolean, sshByte, sshMessage, sshNameList, sshUint32, SshProtocolError } from './wire.ts';

export interface CipherSpec {
  name: string;
  /** Node's cipher name. */
  nodeName: string;
  keyLength: number;
  ivLength: number;
  /** Alignment of the encrypted part of a packet. */
  blockSize: number;
  /** AES-GCM (RFC 5647 as OpenSSH does it): authenticated, no separate MAC, length sent in clear. */
  aead: boolean;
}

export interface MacSpec {
  name: string;
  /** Node's hash name for the HMAC. */
  hash: 'sha256' | 'sha1';
  keyLength: number;
  length: number;
}

export const cipherSpecs: Readonly<Record<string, CipherSpec>> = {
  'aes128-ctr': { name: 'aes128-ctr', nodeName: 'aes-128-ctr', keyLength: 16, ivLength: 16, blockSize: 16, aead: false },
  'aes256-ctr': { name: 'aes256-ctr', nodeName: 'aes-256-ctr', keyLength: 32, ivLength: 16, blockSize: 16, aead: false },
  'aes128-gcm@openssh.com': { name: 'aes128-gcm@openssh.com', nodeName: 'aes-128-gcm', keyLength: 16, ivLength: 12, blockSize: 16, aead: true },
  'aes256-gcm@openssh.com': { name: 'aes256-gcm@openssh.com', nodeName: 'aes-256-gcm', keyLength: 32, ivLength: 12, blockSize: 16, aead: true },
};

export const macSpecs: Readonly<Record<string, MacSpec>> = {
  'hmac-sha2-256': { name: 'hmac-sha2-256', hash: 'sha256', keyLength: 32, length: 32 },
  'hmac-sha1': { name: 'hmac-sha1', hash: 'sha1', keyLength: 20, length: 20 },
};

/** What one side offers, most preferred first. */
export interface AlgorithmPreferences {
  kex: readonly string[];
  hostKey: readonly string[];
  cipher: readonly string[];
  mac: readonly string[];
}

/** Everything the transport implements, in the order a client prefers it. */
export const supportedAlgorithms: AlgorithmPreferences = {
  kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256', 'diffie-hellman-group14-sha1'],
  hostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-256', 'ssh-rsa'],
  cipher: ['aes128-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com'],
  mac: ['hmac-sha2-256', 'hmac-sha1'],
};

export interface KexInit {
  /** The whole payload, kept verbatim: the exchange hash covers it byte for byte. */
  payload: Buffer;
  kex: string[];
  hostKey: string[];
  cipherClientToServer: string[];
  cipherServerToClient: string[];
  macClientToServer: string[];
  macServerToClient: string[];
  compressionClientToServer: string[];
  compressionServerToClient: string[];
  firstKexPacketFollows: boolean;
}

/**
 * Build a KEXINIT payload offering `preferences`, no compression, no languages.
 * @example encodeKexInit(supportedAlgorithms)[0] // 20
 */
export function encodeKexInit(preferences: AlgorithmPreferences, cookie: Buffer = randomBytes(16)): Buffer {
  return Buffer.concat([
    sshByte(sshMessage.KEXINIT),
    cookie,
    sshNameList(preferences.kex),
    sshNameList(preferences.hostKey),
    sshNameList(preferences.cipher),
    sshNameList(preferences.cipher),
    sshNameList(preferences.mac),
    sshNameList(preferences.mac),
    sshNameList(['none']),
    sshNameList(['none']),
    sshNameList([]),
    sshNameList([]),
    sshBoolean(false),
    sshUint32(0),
  ]);
}

/**
 * Parse a KEXINIT payload (message number included).
 * @example parseKexInit(encodeKexInit(supportedAlgorithms)).kex[0] // 'curve25519-sha256'
 */
export function parseKexInit(payload: Buffer): KexInit {
  const reader = createWireReader(payload, 'KEXINIT');
  if (reader.byte() !== sshMessage.KEXINIT) throw new SshProtocolError('expected KEXINIT');
  if (reader.remaining() < 16) throw new SshProtocolError('truncated KEXINIT');
  for (let index = 0; index < 16; index++) reader.byte(); // cookie
  const kexInit: KexInit = {
    payload,
    kex: reader.nameList(),
    hostKey: reader.nameList(),
    cipherClientToServer: reader.nameList(),
    cipherServerToClient: reader.nameList(),
    macClientToServer: reader.nameList(),
    macServerToClient: reader.nameList(),
    compressionClientToServer: reader.nameList(),
    compressionServerToClient: reader.nameList(),
    firstKexPacketFollows: false,
  };
  reader.nameList(); // languages client to server
  reader.nameList(); // languages server to client
  kexInit.firstKexPacketFollows = reader.boolean();
  reader.uint32(); // reserved
  return kexInit;
}

export interface NegotiatedAlgorithms {
  kex: string;
  hostKey: string;
  cipherClientToServer: CipherSpec;
  cipherServerToClient: CipherSpec;
  /** Absent when the cipher is AEAD (its tag replaces the MAC). */
  macClientToServer?: MacSpec;
  macServerToClient?: MacSpec;
}

function firstCommon(category: string, client: readonly string[], server: readonly string[]): string {
  const chosen = client.find((name) => server.includes(name));
  if (chosen === undefined) throw new SshProtocolError(`no common ${category} algorithm (server offers: ${server.join(',').slice(0, 300) || 'nothing'})`);
  return chosen;
}

/**
 * The algorithms both sides will use: the client's first choice the server supports,
 * per category. Throws SshProtocolError when a category has nothing in common.
 * @example negotiateAlgorithms(parseKexInit(ours), parseKexInit(theirs)).kex // 'curve25519-sha256'
 */
export function negotiateAlgorithms(client: KexInit, server: KexInit): NegotiatedAlgorithms {
  const kex = firstCommon('key exchange', client.kex, server.kex);
  const hostKey = firstCommon('host key', client.hostKey, server.hostKey);
  const cipherClientToServer = cipherSpecs[firstCommon('cipher (client to server)', client.cipherClientToServer, server.cipherClientToServer)];
  const cipherServerToClient = cipherSpecs[firstCommon('cipher (server to client)', client.cipherServerToClient, server.cipherServerToClient)];
  if (!cipherClientToServer || !cipherServerToClient) throw new SshProtocolError('negotiated a cipher we do not implement');
  const compression = [
    firstCommon('compression (client to server)', client.compressionClientToServer, server.compressionClientToServer),
    firstCommon('compression (server to client)', client.compressionServerToClient, server.compressionServerToClient),
  ];
  if (compression.some((name) => name !== 'none')) throw new SshProtocolError(`compression ${compression.join('/')} is not implemented`);
  const negotiated: NegotiatedAlgorithms = { kex, hostKey, cipherClientToServer, cipherServerToClient };
  // With an AEAD cipher the MAC lists are not negotiated at all (OpenSSH's rule).
  if (!cipherClientToServer.aead)
    negotiated.macClientToServer = macOrThrow(firstCommon('MAC (client to server)', client.macClientToServer, server.macClientToServer));
  if (!cipherServerToClient.aead)
    negotiated.macServerToClient = macOrThrow(firstCommon('MAC (server to client)', client.macServerToClient, server.macServerToClient));
  return negotiated;
}

function macOrThrow(name: string): MacSpec {
  const spec = macSpecs[name];
  if (!spec) throw new SshProtocolError(`negotiated a MAC we do not implement: ${name}`);
  return spec;
}

/**
 * Whether a peer's guessed first KEX packet must be ignored (RFC 4253 §7): the guess
 * is right only when both first-listed kex and host key algorithms won.
 * @example guessWasWrong(peerKexInit, negotiated) // true → drop the next KEX packet
 */
export function guessWasWrong(guesser: KexInit, negotiated: NegotiatedAlgorithms): boolean {
  return guesser.kex[0] !== negotiated.kex || guesser.hostKey[0] !== negotiated.hostKey;
}
