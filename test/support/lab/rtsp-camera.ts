/**
 * One lab RTSP camera (or hostile camera) on 127.0.0.1 and an ephemeral port, for tests that
 * play the grabber and the checker against it directly. It keeps every byte each connection
 * received, so a test can say exactly what was sent, and the lab's counters.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { type RtspCamera, type RtspHostileBehaviour, serveRtspCamera, serveRtspHostile } from '../../../src/lab/services/rtsp-server.ts';
import { createLabStats, type LabStats } from '../../../src/lab/stats.ts';

export interface CameraConnection {
  /** Every byte the client sent on this connection. */
  received(): Buffer;
  /** Resolves once the connection is gone. */
  closed: Promise<void>;
}

export interface LabRtspCamera {
  port: number;
  connections: CameraConnection[];
  stats(): LabStats;
  /** The requests received on every connection, as "METHOD path" lines, in order. */
  requestLines(): string[];
  /** Waits (bounded) for the clients to close, then stops the server. */
  close(): Promise<void>;
}

/**
 * @example const camera = await startLabRtspCamera({ persona: rtspPersonas.dahua, auth: 'digest', credential })
 */
export async function startLabRtspCamera(camera: RtspCamera | { hostile: RtspHostileBehaviour }): Promise<LabRtspCamera> {
  const stats = createLabStats();
  const connections: CameraConnection[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    closed.then(() => sockets.delete(socket));
    connections.push({ received: () => Buffer.concat(chunks), closed });
    if ('hostile' in camera) serveRtspHostile(socket, camera.hostile);
    else serveRtspCamera(socket, camera, stats);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections,
    stats: () => stats.snapshot(),
    requestLines: () =>
      connections.flatMap((connection) =>
        [
          ...connection
            .received()
            .toString('latin1')
            .matchAll(/^([A-Z_]+) rtsp:\/\/[^/\s]*(\/\S*) RTSP\/1\.0\r?$/gm),
        ].map((match) => `${match[1]} ${match[2]}`),
      ),
    async close() {
      const settled = Promise.all(connections.map((connection) => connection.closed));
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
