/**
 * The native UDP receiver as a transport of the inbound listener (udp-listener.ts, which owns
 * the policy): spawns the compiled program (native/udp-receiver.c), waits for its "bound" frame
 * on stdout, connects to the unix socket it then listens on (in a private directory), reads the
 * frames from there into one reused 1 MiB buffer — one read per many datagrams, no allocation
 * per read — and hands each datagram on with its sender. Frame format and lifetime rules are
 * described in the C source.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** One datagram: a view into the reused read buffer, valid only during the call (copy what you keep). */
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
/** The reused read buffer: reads of the data connection are up to this large. */
const READ_BUFFER_BYTES = 1 << 20;
const closeTimeoutMs = 5_000;

/**
 * Starts the receiver; resolves once its socket is bound. Rejects with SERVER_FAILED when the
 * address cannot be bound, INTERNAL when the program cannot run.
 * @example const receiver = await startNativeReceiver({ program, address: '127.0.0.1', port: 2055, receiveBufferBytes: 8 << 20, maxDatagramBytes: 9216, lingerMs: 2 }, events)
 */
export function startNativeReceiver(request: NativeReceiverRequest, events: NativeReceiverEvents): Promise<NativeReceiver> {
  // Only this user can reach the directory, so only this process can connect to the data socket.
  const directory = mkdtempSync(join(tmpdir(), 'on-udp-receiver-'));
  const dataPath = join(directory, 'frames');
  const child = spawn(
    request.program,
    [request.address, String(request.port), String(request.receiveBufferBytes), String(request.maxDatagramBytes), String(request.lingerMs), dataPath],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const frames = new FrameReader(events);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  // The parent ending its side first (close) must not surface as an error here.
  child.stdin!.on('error', () => undefined);
  let data: Socket | undefined;
  let closing = false;
  const removeDirectory = () => rmSync(directory, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new OpenNoticeError('INTERNAL', `the native UDP receiver did not bind within ${startTimeoutMs} ms`, { ip: request.address, port: request.port }));
    }, startTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      removeDirectory();
      reject(new OpenNoticeError('INTERNAL', `cannot run the native UDP receiver: ${error.message}`, { path: request.program }, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      removeDirectory();
      if (!frames.announced) {
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
      if (frames.bound === undefined || data !== undefined) return;
      const bound = frames.bound;
      const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      const onRead = (bytes: number): boolean => {
        frames.read(readBuffer.subarray(0, bytes), true);
        // true: go on reading (false would pause the connection).
        return true;
      };
      data = connect({ path: dataPath, onread: { buffer: readBuffer, callback: onRead } });
      // A failed connection ends the receiver's run: its exit reports it.
      data.on('error', () => child.kill('SIGKILL'));
      data.once('connect', () => {
        clearTimeout(timer);
        // The receiver removes the socket's path once connected; the directory can go too.
        removeDirectory();
        frames.announced = true;
        resolve({
          address: bound.address,
          port: bound.port,
          pid: child.pid!,
          close: () => {
            closing = true;
            return stopGracefully(child, data!);
          },
        });
      });
    });
  });
}

/** Ends the receiver's stdin (it drains its socket and exits), killing it if it does not in time; resolves once every frame is read. */
function stopGracefully(child: ChildProcess, data: Socket): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
  const drained = new Promise<void>((resolve) => {
    if (data.closed) resolve();
    else data.once('close', () => resolve());
  });
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
    data.destroy();
  }, closeTimeoutMs);
  child.stdin!.end();
  return Promise.all([exited, drained]).then(() => clearTimeout(timer));
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

  /** `reused`: the chunk's memory is overwritten by the next read, so a partial frame is copied out. */
  read(chunk: Buffer, reused = false): void {
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
      // joined is a copy: its datagram stays valid whatever the next read overwrites.
      this.#dispatch(joined, 0);
      this.#rest = undefined;
      at = size - rest.length;
    }
    for (let size = frameSize(chunk, at); size !== undefined; size = frameSize(chunk, at)) {
      this.#dispatch(chunk, at);
      at += size;
    }
    if (at < chunk.length) this.#rest = reused ? Buffer.from(chunk.subarray(at)) : chunk.subarray(at);
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
