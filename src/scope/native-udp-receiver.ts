/**
 * The native UDP receiver as a transport of the inbound listener (udp-listener.ts, which owns
 * the policy): spawns the compiled program (native/udp-receiver.c), reads its framed stdout —
 * one read per many datagrams instead of one event each — and hands each datagram on with its
 * sender. Frame format and lifetime rules are described in the C source.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { OpenNoticeError } from '../core/errors.ts';
import { formatIPv4 } from './ipv4.ts';
import { formatIPv6Groups } from './ipv6.ts';

export interface NativeReceiverRequest {
  program: string;
  address: string;
  port: number;
  receiveBufferBytes: number;
  maxDatagramBytes: number;
  /** How long the receiver may hold datagrams to send them in one write (latency traded for fewer wake-ups). */
  lingerMs: number;
}

/** What the receiver reports, in order. */
export interface NativeReceiverEvents {
  /** One datagram; the buffer is a view into a chunk the handler may keep. */
  datagram(datagram: Buffer, senderAddress: string): void;
  /** A datagram longer than the maximum, dropped by the receiver. */
  oversized(length: number): void;
  /** The kernel's count of datagrams dropped for want of socket buffer, since the start. */
  kernelDrops(total: number): void;
  /** The receiver ended without being asked (killed, crashed): `reason` says how. */
  failed(reason: string): void;
}

export interface NativeReceiver {
  readonly address: string;
  readonly port: number;
  readonly pid: number;
  /** Asks the receiver to pass on what its socket holds and exit; resolves once it has. */
  close(): Promise<void>;
}

const FRAME_HEADER = 24;
const TYPE_BOUND = 0;
const TYPE_DATAGRAM = 1;
const TYPE_OVERSIZED = 2;
const TYPE_DROPS = 3;
const EXIT_CANNOT_BIND = 2;
/** The longest frame: a header and the longest datagram the receiver passes on. */
const MAX_FRAME_BYTES = FRAME_HEADER + 65_535;
const startTimeoutMs = 10_000;
const closeTimeoutMs = 5_000;

/**
 * Starts the receiver; resolves once its socket is bound. Rejects with SERVER_FAILED when the
 * address cannot be bound, INTERNAL when the program cannot run.
 * @example const receiver = await startNativeReceiver({ program, address: '127.0.0.1', port: 2055, receiveBufferBytes: 8 << 20, maxDatagramBytes: 9216, lingerMs: 2 }, events)
 */
export function startNativeReceiver(request: NativeReceiverRequest, events: NativeReceiverEvents): Promise<NativeReceiver> {
  const child = spawn(
    request.program,
    [request.address, String(request.port), String(request.receiveBufferBytes), String(request.maxDatagramBytes), String(request.lingerMs)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const frames = new FrameReader(events);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  // The parent ending its side first (close) must not surface as an error here.
  child.stdin!.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    let closing = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new OpenNoticeError('INTERNAL', `the native UDP receiver did not bind within ${startTimeoutMs} ms`, { ip: request.address, port: request.port }));
    }, startTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new OpenNoticeError('INTERNAL', `cannot run the native UDP receiver: ${error.message}`, { path: request.program }, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (frames.bound === undefined) {
        const message = stderr.trim() || `exited with ${signal ?? code}`;
        reject(
          code === EXIT_CANNOT_BIND
            ? new OpenNoticeError('SERVER_FAILED', `cannot listen for flows on ${request.address}:${request.port}: ${message}`, {
                ip: request.address,
                port: request.port,
              })
            : new OpenNoticeError('INTERNAL', `the native UDP receiver failed: ${message}`, { path: request.program }),
        );
      } else if (!closing) events.failed(stderr.trim() || `exited with ${signal ?? `status ${code}`}`);
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      frames.read(chunk);
      if (frames.bound !== undefined && !frames.announced) {
        frames.announced = true;
        clearTimeout(timer);
        const bound = frames.bound;
        resolve({
          address: bound.address,
          port: bound.port,
          pid: child.pid!,
          close: () => {
            closing = true;
            return stopGracefully(child);
          },
        });
      }
    });
  });
}

/** Ends the receiver's stdin (it drains its socket and exits), killing it if it does not in time. */
function stopGracefully(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), closeTimeoutMs);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin!.end();
  });
}

/** The length of the whole frame at `at`, when `bytes` holds all of it. */
function frameSize(bytes: Buffer, at: number): number | undefined {
  if (at + FRAME_HEADER > bytes.length) return undefined;
  const type = bytes[at]!;
  const size = FRAME_HEADER + (type === TYPE_DATAGRAM || type === TYPE_DROPS ? bytes.readUInt32BE(at + 4) : 0);
  return at + size <= bytes.length ? size : undefined;
}

/** Splits the receiver's byte stream into frames; a frame may span chunks. */
class FrameReader {
  bound: { address: string; port: number } | undefined;
  announced = false;
  readonly #events: NativeReceiverEvents;
  #rest: Buffer | undefined;
  /** The last sender, so the same exporter's address is not formatted again per datagram. */
  #senderWords = [-1, -1, -1, -1];
  #senderFamily = 0;
  #senderText = '';

  constructor(events: NativeReceiverEvents) {
    this.#events = events;
  }

  read(chunk: Buffer): void {
    let at = 0;
    const rest = this.#rest;
    if (rest !== undefined) {
      // Only the frame that straddles the two chunks is copied, not the whole chunk.
      const joined = Buffer.concat([rest, chunk.subarray(0, MAX_FRAME_BYTES)]);
      const size = frameSize(joined, 0);
      if (size === undefined) {
        this.#rest = Buffer.concat([rest, chunk]);
        return;
      }
      this.#dispatch(joined, 0);
      this.#rest = undefined;
      at = size - rest.length;
    }
    for (let size = frameSize(chunk, at); size !== undefined; size = frameSize(chunk, at)) {
      this.#dispatch(chunk, at);
      at += size;
    }
    if (at < chunk.length) this.#rest = chunk.subarray(at);
  }

  #dispatch(bytes: Buffer, at: number): void {
    const type = bytes[at]!;
    const length = bytes.readUInt32BE(at + 4);
    const start = at + FRAME_HEADER;
    if (type === TYPE_DATAGRAM) this.#events.datagram(bytes.subarray(start, start + length), this.#sender(bytes, at));
    else if (type === TYPE_OVERSIZED) this.#events.oversized(length);
    else if (type === TYPE_DROPS) this.#events.kernelDrops(bytes.readUInt32BE(start));
    else if (type === TYPE_BOUND) this.bound = { address: this.#sender(bytes, at), port: bytes.readUInt16BE(at + 2) };
  }

  #sender(bytes: Buffer, frame: number): string {
    const family = bytes[frame + 1]!;
    const words = this.#senderWords;
    let same = family === this.#senderFamily;
    for (let word = 0; word < 4; word++) {
      const value = bytes.readUInt32BE(frame + 8 + word * 4);
      if (value !== words[word]) {
        same = false;
        words[word] = value;
      }
    }
    if (same) return this.#senderText;
    this.#senderFamily = family;
    this.#senderText = family === 4 ? formatIPv4(words[0]!) : senderIPv6Text(words);
    return this.#senderText;
  }
}

/** As node:dgram spells an IPv6 sender: RFC 5952, an IPv4-mapped one as ::ffff:a.b.c.d. */
function senderIPv6Text(words: readonly number[]): string {
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return `::ffff:${formatIPv4(words[3]!)}`;
  const groups: number[] = [];
  for (const word of words) groups.push(word >>> 16, word & 0xffff);
  return formatIPv6Groups(groups);
}
