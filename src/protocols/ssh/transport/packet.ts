/**
 * The binary packet protocol (RFC 4253 §6): length, padding, payload, MAC — in clear
 * until NEWKEYS, then AES-CTR with HMAC, or AES-GCM as OpenSSH defines it (RFC 5647
 * with the length as associated data). Sans-I/O: bytes in, payloads out, so the client
 * and the lab's server share it and tests can feed it anything.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual, type Cipheriv, type Decipheriv } from 'node:crypto';
import type { CipherSpec, MacSpec } from './algorithms.ts';
import { sshUint32, SshProtocolError } from './wire.ts';

/** RFC 4253 §6.1: every implementation handles packets up to 35000 bytes; we accept no more. */
export const maxPacketBytes = 35_000;
const gcmTagLength = 16;

/** Keys for one direction, from the key derivation of RFC 4253 §7.2. */
export interface DirectionKeys {
  cipher: CipherSpec;
  /** Absent for AEAD ciphers. */
  mac?: MacSpec;
  key: Buffer;
  iv: Buffer;
  macKey?: Buffer;
}

interface ActiveKeys extends DirectionKeys {
  /** CTR: one keystream for the whole direction. */
  stream?: Cipheriv | Decipheriv;
  /** GCM: the 12-byte nonce, whose last 8 bytes count packets. */
  nonce?: Buffer;
}

export interface PacketEncoder {
  /** Frame (and, once keyed, encrypt and authenticate) one payload. */
  encode(payload: Buffer): Buffer;
  /** Use `keys` for every packet after this call (right after sending NEWKEYS). */
  useKeys(keys: DirectionKeys): void;
}

export interface PacketDecoder {
  push(chunk: Buffer): void;
  /** The next complete payload, or undefined until more bytes arrive. Throws SshProtocolError on garbage. */
  next(): Buffer | undefined;
  /** Use `keys` for every packet not decoded yet (right after receiving NEWKEYS). */
  useKeys(keys: DirectionKeys): void;
}

function activate(keys: DirectionKeys, decrypt: boolean): ActiveKeys {
  if (keys.key.length !== keys.cipher.keyLength || keys.iv.length !== keys.cipher.ivLength) throw new Error(`wrong key or IV length for ${keys.cipher.name}`);
  if (keys.cipher.aead) return { ...keys, nonce: Buffer.from(keys.iv) };
  if (!keys.mac || !keys.macKey) throw new Error(`${keys.cipher.name} needs a MAC`);
  const stream = decrypt ? createDecipheriv(keys.cipher.nodeName, keys.key, keys.iv) : createCipheriv(keys.cipher.nodeName, keys.key, keys.iv);
  return { ...keys, stream };
}

/** GCM's invocation counter: the nonce's last 8 bytes, incremented after every packet. */
function advanceNonce(nonce: Buffer): void {
  nonce.writeBigUInt64BE((nonce.readBigUInt64BE(4) + 1n) & 0xffff_ffff_ffff_ffffn, 4);
}

function macOf(keys: ActiveKeys, sequence: number, packet: Buffer): Buffer {
  return createHmac(keys.mac!.hash, keys.macKey!).update(sshUint32(sequence)).update(packet).digest();
}

/**
 * @example const encoder = createPacketEncoder(); socket.write(encoder.encode(kexInitPayload))
 */
export function createPacketEncoder(): PacketEncoder {
  let keys: ActiveKeys | undefined;
  let sequence = 0;
  return {
    useKeys(next) {
      keys = activate(next, false);
    },
    encode(payload) {
      const blockSize = keys ? keys.cipher.blockSize : 8;
      // AEAD leaves the length out of the alignment (it is not encrypted).
      const aligned = 1 + payload.length + (keys?.cipher.aead ? 0 : 4);
      let padding = blockSize - (aligned % blockSize);
      if (padding < 4) padding += blockSize;
      const length = 1 + payload.length + padding;
      const packet = Buffer.concat([sshUint32(length), Buffer.from([padding]), payload, randomBytes(padding)]);
      const thisSequence = sequence;
      sequence = (sequence + 1) >>> 0;
      if (!keys) return packet;
      if (keys.cipher.aead) {
        const cipher = createCipheriv(keys.cipher.nodeName as 'aes-128-gcm', keys.key, keys.nonce!, { authTagLength: gcmTagLength });
        cipher.setAAD(packet.subarray(0, 4));
        const encrypted = Buffer.concat([cipher.update(packet.subarray(4)), cipher.final()]);
        advanceNonce(keys.nonce!);
        return Buffer.concat([packet.subarray(0, 4), encrypted, cipher.getAuthTag()]);
      }
      return Buffer.concat([keys.stream!.update(packet), macOf(keys, thisSequence, packet)]);
    },
  };
}

/**
 * @example const decoder = createPacketDecoder(); decoder.push(chunk); const payload = decoder.next()
 */
export function createPacketDecoder(): PacketDecoder {
  let keys: ActiveKeys | undefined;
  let sequence = 0;
  let pending: Buffer = Buffer.alloc(0);
  // CTR: the first block, already decrypted to learn the length (the keystream moved on).
  let firstBlock: Buffer | undefined;

  const checkLength = (length: number, extra: number) => {
    if (4 + length + extra > maxPacketBytes) throw new SshProtocolError(`packet of ${4 + length + extra} bytes exceeds ${maxPacketBytes}`);
    if (length < 12) throw new SshProtocolError(`packet length ${length} is too small`);
    const blockSize = keys ? keys.cipher.blockSize : 8;
    const alignedPart = keys?.cipher.aead ? length : length + 4;
    if (alignedPart % blockSize !== 0) throw new SshProtocolError(`packet length ${length} is not a multiple of the block size`);
  };

  const payloadOf = (body: Buffer): Buffer => {
    const padding = body[0]!;
    if (padding < 4 || padding + 1 >= body.length) throw new SshProtocolError(`invalid padding length ${padding}`);
    return Buffer.from(body.subarray(1, body.length - padding));
  };

  const take = (count: number): Buffer => {
    const taken = pending.subarray(0, count);
    pending = pending.subarray(count);
    return taken;
  };

  const nextPlain = (): Buffer | undefined => {
    if (pending.length < 4) return undefined;
    const length = pending.readUInt32BE(0);
    checkLength(length, 0);
    if (pending.length < 4 + length) return undefined;
    return payloadOf(take(4 + length).subarray(4));
  };

  const nextGcm = (active: ActiveKeys): Buffer | undefined => {
    if (pending.length < 4) return undefined;
    const length = pending.readUInt32BE(0);
    checkLength(length, gcmTagLength);
    if (pending.length < 4 + length + gcmTagLength) return undefined;
    const packet = take(4 + length + gcmTagLength);
    const decipher = createDecipheriv(active.cipher.nodeName as 'aes-128-gcm', active.key, active.nonce!, { authTagLength: gcmTagLength });
    decipher.setAAD(packet.subarray(0, 4));
    decipher.setAuthTag(packet.subarray(4 + length));
    let body: Buffer;
    try {
      body = Buffer.concat([decipher.update(packet.subarray(4, 4 + length)), decipher.final()]);
    } catch {
      throw new SshProtocolError('message authentication failed (AES-GCM tag)');
    }
    advanceNonce(active.nonce!);
    return payloadOf(body);
  };

  const nextCtr = (active: ActiveKeys): Buffer | undefined => {
    const blockSize = active.cipher.blockSize;
    const macLength = active.mac!.length;
    if (!firstBlock) {
      if (pending.length < blockSize) return undefined;
      firstBlock = active.stream!.update(take(blockSize));
    }
    const header = firstBlock;
    const length = header.readUInt32BE(0);
    checkLength(length, macLength);
    const restLength = 4 + length - blockSize;
    if (pending.length < restLength + macLength) return undefined;
    const packet = Buffer.concat([header, active.stream!.update(take(restLength))]);
    firstBlock = undefined;
    const received = take(macLength);
    if (!timingSafeEqual(received, macOf(active, sequence, packet))) throw new SshProtocolError('message authentication failed (MAC mismatch)');
    return payloadOf(packet.subarray(4));
  };

  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    },
    useKeys(next) {
      keys = activate(next, true);
    },
    next() {
      const payload = !keys ? nextPlain() : keys.cipher.aead ? nextGcm(keys) : nextCtr(keys);
      if (payload) sequence = (sequence + 1) >>> 0;
      return payload;
    },
  };
}
