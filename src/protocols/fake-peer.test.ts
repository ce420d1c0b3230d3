/**
 * Test support, not tests: small scripted TCP peers on 127.0.0.1 (ephemeral port) that
 * play devices, polite or hostile, for grabber and checker tests. Named *.test.ts so the
 * "no node:net outside scope/ and lab/" rule treats it as test code; it defines no tests.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export interface PeerConnection {
  socket: Socket;
  /** Every byte the client sent on this connection. */
  received(): Buffer;
  /** Send bytes or latin1 text; resolves when flushed; ignores a closed socket. */
  send(data: Buffer | string): Promise<void>;
  /**
   * Next line the client sent (telnet negotiation triplets removed, CR/LF/NUL stripped),
   * or undefined if the client closed or `timeoutMs` passed first.
   */
  readLine(timeoutMs?: number): Promise<string | undefined>;
  /** Resolves when the client has closed its side (or the socket is gone). */
  closed: Promise<void>;
  /** Bytes received from the moment this is called, e.g. right after sending a shell prompt. */
  markAfter(): () => Buffer;
}

export interface FakePeer {
  port: number;
  connections: PeerConnection[];
  close(): Promise<void>;
}

/**
 * Start a peer on a loopback address; `script` runs once per accepted connection. Script errors are swallowed
 * (a client that hangs up mid-script is normal here).
 * @example const peer = await startPeer(async (c) => { await c.send('login: ') });
 */
export async function startPeer(script: (connection: PeerConnection) => Promise<void> | void, host = '127.0.0.1', port = 0): Promise<FakePeer> {
  const connections: PeerConnection[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const connection = wrap(socket);
    connections.push(connection);
    socket.on('close', () => sockets.delete(socket));
    Promise.resolve()
      .then(() => script(connection))
      .catch(() => undefined);
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function wrap(socket: Socket): PeerConnection {
  const chunks: Buffer[] = [];
  let consumed = 0; // bytes of the stream already returned by readLine
  let wake: (() => void) | undefined;
  let ended = false;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    wake?.();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => {
    const done = () => {
      ended = true;
      wake?.();
      resolve();
    };
    socket.on('close', done);
    socket.on('end', done);
  });
  const received = () => Buffer.concat(chunks);

  return {
    socket,
    received,
    closed,
    send(data) {
      if (socket.destroyed || !socket.writable) return Promise.resolve();
      return new Promise((resolve) => socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, () => resolve()));
    },
    async readLine(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (let rounds = 0; rounds < 10_000; rounds++) {
        let pending = received().subarray(consumed);
        // A CR already ended the previous line; its LF/NUL may arrive later.
        while (pending.length > 0 && (pending[0] === 0x0a || pending[0] === 0x00)) {
          consumed++;
          pending = pending.subarray(1);
        }
        const withoutCommands = stripNegotiation(pending);
        const newline = withoutCommands.search(/[\r\n]/);
        if (newline >= 0) {
          // Advance past the line and its terminator in the raw stream.
          const rawEnd = rawIndexOfLineEnd(pending);
          consumed += rawEnd;
          return withoutCommands.slice(0, newline);
        }
        if (ended || Date.now() >= deadline) return undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return undefined;
    },
    markAfter() {
      const start = received().length;
      return () => received().subarray(start);
    },
  };
}

/** Text of client bytes with IAC verb option triplets removed. */
function stripNegotiation(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/\xff[\xfb-\xfe][\s\S]/g, '');
}

/** Index just past the first line terminator (CR LF, CR NUL, CR or LF), skipping IAC triplets. */
function rawIndexOfLineEnd(bytes: Buffer): number {
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (byte === 0xff && index + 2 < bytes.length) {
      index += 2;
      continue;
    }
    if (byte === 0x0a) return index + 1;
    if (byte === 0x0d) return bytes[index + 1] === 0x0a || bytes[index + 1] === 0x00 ? index + 2 : index + 1;
  }
  return bytes.length;
}

/**
 * Read one HTTP request head (up to the blank line): the request line and lower-case headers.
 * @example const { line, headers } = await readHttpRequest(c)
 */
export async function readHttpRequest(connection: PeerConnection): Promise<{ line: string; headers: Record<string, string> }> {
  const line = (await connection.readLine()) ?? '';
  const headers: Record<string, string> = {};
  for (let count = 0; count < 100; count++) {
    const header = await connection.readLine();
    if (!header) break;
    const colon = header.indexOf(':');
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return { line, headers };
}
