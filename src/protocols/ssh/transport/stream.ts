/**
 * An SSH byte stream turned into messages: the identification line first, then
 * packets through the codec of packet.ts. Works over anything that hands out chunks
 * like the dialer's Connection (the lab adapts its sockets to the same shape), so the
 * client and the lab's server read the wire the same way.
 */
import type { ReadEnd, ReadStep } from '../../../scope/connection.ts';
import { findIdentification } from '../codec.ts';
import { createPacketDecoder, createPacketEncoder, type DirectionKeys } from './packet.ts';
import { createWireReader, sshMessage, SshProtocolError } from './wire.ts';

/** Where bytes come from and go to: the dialer's Connection fits as it is. */
export interface ByteChannel {
  next(): Promise<ReadStep>;
  write(data: Buffer): Promise<void> | void;
}

/** A message, or why none will come. `disconnect` carries the peer's SSH_MSG_DISCONNECT text. */
export type MessageRead = { payload: Buffer } | { end: ReadEnd; error?: string; disconnect?: string };

export interface MessageStream {
  /**
   * The peer's identification line. Lines before it are skipped, as RFC 4253 §4.2 allows
   * servers; `strict` (a server reading a client) wants it first, and throws
   * SshProtocolError "Invalid SSH identification string." otherwise.
   */
  readIdentification(options?: { strict?: boolean }): Promise<{ line: string } | { end: ReadEnd; error?: string }>;
  /**
   * The next message that matters: IGNORE, DEBUG, UNIMPLEMENTED and EXT_INFO are
   * skipped, DISCONNECT ends the stream. Throws SshProtocolError on garbage.
   */
  readMessage(): Promise<MessageRead>;
  /** Send our identification line (CR LF added). */
  writeIdentification(line: string): Promise<void>;
  writeMessage(payload: Buffer): Promise<void>;
  /** Switch outgoing packets to `keys` (after sending NEWKEYS). */
  useSendKeys(keys: DirectionKeys): void;
  /** Switch incoming packets to `keys` (after receiving NEWKEYS). */
  useReceiveKeys(keys: DirectionKeys): void;
}

/** Messages any SSH peer may send at any time and that carry nothing we need. */
const skippedMessages = new Set<number>([sshMessage.IGNORE, sshMessage.DEBUG, sshMessage.UNIMPLEMENTED, sshMessage.EXT_INFO]);
/** Skipped messages tolerated in a row; a peer that only sends those is stalling. */
const maxSkippedInARow = 64;
/** Reads per message: the dialer's byte cap and deadline end a stream long before this. */
const maxReadsPerMessage = 100_000;

/** Offset just past the LF that ends the first line starting with "SSH-" (findIdentification found one). */
function endOfIdentification(received: Buffer): number {
  let lineStart = 0;
  for (let line = 0; line < 10_000; line++) {
    const lineEnd = received.indexOf(0x0a, lineStart);
    if (lineEnd < 0) break;
    if (received.subarray(lineStart, lineStart + 4).toString('latin1') === 'SSH-') return lineEnd + 1;
    lineStart = lineEnd + 1;
  }
  throw new SshProtocolError('identification line not found');
}

/**
 * @example const stream = createMessageStream(conn); await stream.writeMessage(payload)
 */
export function createMessageStream(channel: ByteChannel): MessageStream {
  const decoder = createPacketDecoder();
  const encoder = createPacketEncoder();
  let ended: { end: ReadEnd; error?: string; disconnect?: string } | undefined;

  const readPacket = async (): Promise<MessageRead> => {
    for (let reads = 0; reads < maxReadsPerMessage; reads++) {
      const payload = decoder.next();
      if (payload) return { payload };
      if (ended) return ended;
      const step = await channel.next();
      if ('end' in step) {
        ended = step.error ? { end: step.end, error: step.error } : { end: step.end };
        continue; // a last complete packet may still be buffered
      }
      decoder.push(step.chunk);
    }
    throw new SshProtocolError('too many reads for one packet');
  };

  return {
    async readIdentification(options = {}) {
      let received: Buffer = Buffer.alloc(0);
      for (let reads = 0; reads < maxReadsPerMessage; reads++) {
        const prefix = received.subarray(0, 4).toString('latin1');
        if (options.strict && !'SSH-'.startsWith(prefix)) throw new SshProtocolError('Invalid SSH identification string.');
        const search = findIdentification(received);
        if (search.state === 'invalid') throw new SshProtocolError(options.strict ? 'Protocol mismatch.' : search.reason);
        if (search.state === 'found') {
          decoder.push(received.subarray(endOfIdentification(received)));
          return { line: search.line };
        }
        const step = await channel.next();
        if ('end' in step) {
          ended = step.error ? { end: step.end, error: step.error } : { end: step.end };
          return ended;
        }
        received = Buffer.concat([received, step.chunk]);
      }
      throw new SshProtocolError('too many reads for the identification line');
    },
    async readMessage() {
      for (let skipped = 0; skipped <= maxSkippedInARow; skipped++) {
        const read = await readPacket();
        if (!('payload' in read)) return read;
        const type = read.payload[0]!;
        if (skippedMessages.has(type)) continue;
        if (type === sshMessage.DISCONNECT) {
          const reader = createWireReader(read.payload, 'DISCONNECT');
          reader.byte();
          const reason = reader.uint32();
          const description = reader.text().slice(0, 256);
          ended = { end: 'closed', error: `disconnected by the peer (${reason}): ${description}`, disconnect: description };
          return ended;
        }
        return read;
      }
      throw new SshProtocolError(`more than ${maxSkippedInARow} IGNORE/DEBUG messages in a row`);
    },
    async writeIdentification(line) {
      await channel.write(Buffer.from(`${line}\r\n`, 'latin1'));
    },
    async writeMessage(payload) {
      await channel.write(encoder.encode(payload));
    },
    useSendKeys: (keys) => encoder.useKeys(keys),
    useReceiveKeys: (keys) => decoder.useKeys(keys),
  };
}
