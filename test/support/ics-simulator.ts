/**
 * One of the lab's simulated industrial services (src/lab/services/) on a loopback address and
 * an ephemeral port, for grabber tests: the lab's server code, without a whole lab around it.
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createLabStats, type LabStatsRecorder } from '../../src/lab/stats.ts';

export interface IcsSimulator {
  port: number;
  stats: LabStatsRecorder;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * @example const plc = await startIcsSimulator('127.151.1.1', (socket, stats) => serveS7Plc(socket, persona, stats))
 */
export async function startIcsSimulator(host: string, serve: (socket: Socket, stats: LabStatsRecorder) => void): Promise<IcsSimulator> {
  const stats = createLabStats();
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer({ noDelay: true }, (socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket, stats);
  });
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator has no port');
  return {
    port: address.port,
    stats,
    connections: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
