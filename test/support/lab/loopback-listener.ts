/**
 * A listener on 127.0.0.1 (ephemeral port) that hands every accepted socket to a lab service,
 * keeping every byte each client sent: tests assert on what a grabber put on the wire.
 */
import { createServer, type Socket } from 'node:net';
import { createLabHttpServer } from '../../../src/lab/services/http-server.ts';
import { createLabStats } from '../../../src/lab/stats.ts';
import type { HttpSite } from '../../../src/lab/vendors/profile.ts';

export interface LoopbackListener {
  port: number;
  /** Bytes each connection's client sent, in the order the connections came. */
  received(): Buffer[];
  close(): Promise<void>;
}

/**
 * @example const listener = await listenOnLoopback((socket) => device.accept(socket))
 */
export async function listenOnLoopback(serve: (socket: Socket) => void): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  const received: Buffer[][] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    received.push(chunks);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => sockets.delete(socket));
    serve(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the listener has no port');
  return {
    port: address.port,
    received: () => received.map((chunks) => Buffer.concat(chunks)),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A lab web site (UPnP description, CWMP server …) served by the lab's own HTTP server.
 * @example const listener = await serveLabSite(cwmpServerSite(persona))
 */
export async function serveLabSite(site: HttpSite): Promise<LoopbackListener> {
  const http = createLabHttpServer(createLabStats());
  const listener = await listenOnLoopback((socket) => http.accept(socket, site));
  return {
    ...listener,
    async close() {
      http.close();
      await listener.close();
    },
  };
}
