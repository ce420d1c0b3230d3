/**
 * Generic hostile peers for the hostile-device matrix (test/hostile-matrix.test.ts): TCP
 * services that tarpit, drip, flood, send garbage, announce giant fields, loop redirects or
 * serve a gzip bomb, and UDP services that stay silent, flood, send garbage or giant
 * datagrams, or answer from another address or port. They know no protocol beyond the
 * first bytes a caller hands them: the point is that every grabber ends on its own limits.
 * Every writer respects backpressure and stops with the peer, so a peer's memory stays small.
 */
import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export const tcpHostilities = ['tarpit', 'drip', 'endless-text', 'binary-garbage', 'oversized-field', 'redirect-loop', 'gzip-bomb', 'xml-bomb'] as const;
export type TcpHostility = (typeof tcpHostilities)[number];

export const udpHostilities = ['silence', 'flood', 'garbage', 'oversized', 'other-port', 'other-address'] as const;
export type UdpHostility = (typeof udpHostilities)[number];

/** What a hostile TCP peer says first, so that the grabber gets past its first check. */
export interface TcpFlavour {
  /** Written on connect before the hostile part (a banner, a prompt, a status line); a tarpit writes it only with `tarpitGreets`. */
  greeting?: Buffer;
  /** The tarpit sends the greeting, then nothing: a login service that stops answering. */
  tarpitGreets?: boolean;
  /** Written before the endless text; defaults to the greeting. */
  firstLine?: Buffer;
  /** Written before the 10 MiB oversized field: a header name, a length prefix claiming more. */
  oversizedPrefix?: Buffer;
  /** Status-line scheme for the redirect loop and the gzip bomb: "HTTP/1.1" or "RTSP/1.0". */
  scheme?: string;
}

export interface HostilePeer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Each drip is one byte this far apart: a sender no io timeout alone can end. */
const dripIntervalMs = 200;
/** The oversized field: far past any byte cap a survey uses. */
const oversizedBytes = 10 * 1024 * 1024;
/** An endless writer stops by itself after this much, in case a client never hangs up. */
const endlessCeilingBytes = 256 * 1024 * 1024;
const floodChunkBytes = 16 * 1024;

/**
 * Start a hostile TCP peer on `host` (port chosen by the kernel).
 * @example const peer = await startHostileTcpPeer('127.169.0.1', 'drip', { greeting: Buffer.from('220 ') })
 */
export async function startHostileTcpPeer(host: string, behaviour: TcpHostility, flavour: TcpFlavour = {}, listenPort = 0): Promise<HostilePeer> {
  const sockets = new Set<Socket>();
  // Made once per peer: a bomb per request would cost the peer more than the grabber.
  const bomb = behaviour === 'gzip-bomb' ? gzipBomb() : Buffer.alloc(0);
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket, behaviour, flavour, { host, port: () => port, bomb });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(socket: Socket, behaviour: TcpHostility, flavour: TcpFlavour, self: { host: string; port: () => number; bomb: Buffer }): void {
  const greeting = flavour.greeting ?? Buffer.alloc(0);
  if (behaviour === 'tarpit') {
    // Never read either, so that the client's writes only fill kernel buffers.
    socket.pause();
    if (flavour.tarpitGreets && greeting.length > 0) socket.write(greeting);
    return;
  }
  socket.resume();
  switch (behaviour) {
    case 'drip': {
      if (greeting.length > 0) socket.write(greeting);
      const timer = setInterval(() => {
        if (socket.destroyed) clearInterval(timer);
        else socket.write('A');
      }, dripIntervalMs);
      socket.on('close', () => clearInterval(timer));
      return;
    }
    case 'endless-text':
      void pour(
        socket,
        flavour.firstLine ?? greeting,
        () => Buffer.from('X-Endless: still going, still going, still going\r\n'.repeat(300)),
        endlessCeilingBytes,
      );
      return;
    case 'binary-garbage':
      void pour(socket, greeting, () => randomBytes(floodChunkBytes), endlessCeilingBytes);
      return;
    case 'oversized-field':
      void pour(socket, Buffer.concat([greeting, flavour.oversizedPrefix ?? Buffer.alloc(0)]), () => Buffer.alloc(floodChunkBytes, 0x61), oversizedBytes);
      return;
    case 'redirect-loop':
      answerEachRequest(socket, (request, count) => {
        const scheme = flavour.scheme ?? 'HTTP/1.1';
        const url = `${scheme.startsWith('RTSP') ? 'rtsp' : 'http'}://${self.host}:${self.port()}/loop${count % 2}`;
        return `${scheme} 302 Found\r\nLocation: ${url}\r\n${cseqOf(request)}Content-Length: 0\r\n\r\n`;
      });
      return;
    case 'xml-bomb':
      answerEachRequest(socket, (request) => {
        const body = Buffer.from(billionLaughs());
        const head = `${flavour.scheme ?? 'HTTP/1.1'} 200 OK\r\nContent-Type: text/xml\r\n${cseqOf(request)}Content-Length: ${body.length}\r\n\r\n`;
        return Buffer.concat([Buffer.from(head), body]);
      });
      return;
    case 'gzip-bomb':
      answerEachRequest(socket, (request) => {
        const body = self.bomb;
        const scheme = flavour.scheme ?? 'HTTP/1.1';
        const head = `${scheme} 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n${cseqOf(request)}Content-Length: ${body.length}\r\n\r\n`;
        return Buffer.concat([Buffer.from(head), body]);
      });
      return;
  }
}

/** 32 MiB of zeros in about 32 KiB: it fits under a 64 KiB cap, so only an inflater would be hurt. */
function gzipBomb(): Buffer {
  return gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });
}

/** Ten levels of ten entity references: a billion "lol"s for a parser that expands entities. */
function billionLaughs(): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level < 10; level += 1) entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE root [\n${entities.join('\n')}\n]>\n<root xmlns="urn:schemas-upnp-org:device-1-0"><device><friendlyName>&lol9;</friendlyName></device></root>\n`;
}

function cseqOf(request: string): string {
  const match = /^cseq:\s*(\d+)/im.exec(request);
  return match ? `CSeq: ${match[1]}\r\n` : '';
}

/** Answer every request head (ended by a blank line) with `reply(head, count)`. */
function answerEachRequest(socket: Socket, reply: (request: string, count: number) => string | Buffer): void {
  let pending = '';
  let count = 0;
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    // Requests that never end their head are someone else's hostility: keep only a bounded tail.
    if (pending.length > 64 * 1024) pending = pending.slice(-1024);
    for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
      const head = pending.slice(0, end);
      pending = pending.slice(end + 4);
      count += 1;
      if (!socket.destroyed) socket.write(reply(head, count));
    }
  });
}

/** Write `first`, then chunks from `next` until `total` bytes or the peer hangs up, waiting on drain. */
async function pour(socket: Socket, first: Buffer, next: () => Buffer, total: number): Promise<void> {
  let written = 0;
  const write = async (data: Buffer): Promise<boolean> => {
    if (socket.destroyed || !socket.writable) return false;
    written += data.length;
    if (!socket.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
    return !socket.destroyed;
  };
  if (first.length > 0 && !(await write(first))) return;
  while (written < total) if (!(await write(next()))) return;
  socket.end();
}

function randomBytes(length: number): Buffer {
  // Deterministic garbage with no 0x0a, so line readers see one endless line.
  const bytes = Buffer.alloc(length);
  let state = 0x9e3779b9;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    const byte = state >>> 24;
    bytes[index] = byte === 0x0a ? 0x0b : byte;
  }
  return bytes;
}

/** UDP peers: `host` is where the service listens; `otherHost` is where an other-address reply comes from. */
export interface UdpPeerOptions {
  host: string;
  otherHost: string;
  /** Port to listen on; the kernel chooses when absent. */
  port?: number;
}

/** Datagrams one request is answered with by the flood. */
const floodDatagrams = 400;

/**
 * Start a hostile UDP peer.
 * @example const peer = await startHostileUdpPeer({ host: '127.169.1.1', otherHost: '127.169.1.2' }, 'flood')
 */
export async function startHostileUdpPeer(options: UdpPeerOptions, behaviour: UdpHostility): Promise<HostilePeer> {
  const socket = await bindUdp(options.host, options.port);
  const other = behaviour === 'other-port' ? await bindUdp(options.host) : behaviour === 'other-address' ? await bindUdp(options.otherHost) : undefined;
  socket.on('message', (request, from) => {
    const send = (via: DatagramSocket, data: Buffer) => via.send(data, from.port, from.address, () => {});
    switch (behaviour) {
      case 'silence':
        return;
      case 'flood':
        for (let index = 0; index < floodDatagrams; index += 1) send(socket, Buffer.concat([request, randomBytes(1024)]));
        return;
      case 'garbage':
        send(socket, randomBytes(512));
        return;
      case 'oversized':
        send(socket, Buffer.concat([request, randomBytes(60_000)]));
        return;
      case 'other-port':
      case 'other-address':
        // The request echoed back looks like an answer to many protocols: only its source is wrong.
        if (other) send(other, request);
        return;
    }
  });
  const address = socket.address();
  const close = (via: DatagramSocket) => new Promise<void>((resolve) => via.close(() => resolve()));
  return {
    host: options.host,
    port: address.port,
    close: async () => {
      await close(socket);
      if (other) await close(other);
    },
  };
}

async function bindUdp(host: string, port = 0): Promise<DatagramSocket> {
  const socket = createSocket('udp4');
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => resolve());
  });
  return socket;
}
