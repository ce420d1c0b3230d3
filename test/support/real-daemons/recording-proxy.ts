/**
 * A TCP relay in front of a real daemon that keeps every byte each side sent, in order, so a
 * test can see exactly what a checker typed and when: after a shell prompt, nothing may come.
 * Loopback only; closed with the test.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface RelayedConnection {
  /** Bytes in the order they crossed, each tagged with who sent them. */
  readonly chunks: Array<{ from: 'client' | 'server'; bytes: Buffer }>;
  readonly closed: Promise<void>;
}

export interface RecordingProxy {
  ip: string;
  port: number;
  connections: RelayedConnection[];
  close(): Promise<void>;
}

/**
 * @example const proxy = await startRecordingProxy({ ip: '127.93.1.3', port: 2323 }, { ip: '127.93.1.2', port: 2323 })
 */
export async function startRecordingProxy(listen: { ip: string; port: number }, upstream: { ip: string; port: number }): Promise<RecordingProxy> {
  const sockets = new Set<Socket>();
  const connections: RelayedConnection[] = [];
  const server: Server = createServer((client) => {
    const chunks: RelayedConnection['chunks'] = [];
    const server = connect(upstream.port, upstream.ip);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => sockets.delete(socket));
    }
    client.on('data', (bytes: Buffer) => {
      chunks.push({ from: 'client', bytes });
      server.write(bytes);
    });
    server.on('data', (bytes: Buffer) => {
      chunks.push({ from: 'server', bytes });
      client.write(bytes);
    });
    const closed = new Promise<void>((resolve) => {
      let open = 2;
      const one = () => {
        open--;
        if (open === 0) resolve();
      };
      client.once('close', () => {
        server.destroy();
        one();
      });
      server.once('close', () => {
        client.destroy();
        one();
      });
    });
    connections.push({ chunks, closed });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.ip, resolve);
  });
  return {
    ...listen,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
