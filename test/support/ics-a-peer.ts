/**
 * A TCP listener on a loopback address for one lab simulator (Modbus, EtherNet/IP), so grabber
 * tests talk to the lab's device over real sockets. Closes every connection on close().
 */
import { createServer, type Socket } from 'node:net';

export interface TcpPeer {
  ip: string;
  port: number;
  close(): Promise<void>;
}

/**
 * @example const peer = await startTcpPeer('127.150.1.1', (socket) => serveModbusDevice(socket, persona, counters))
 */
export async function startTcpPeer(ip: string, serve: (socket: Socket) => void): Promise<TcpPeer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serve(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port: 0 }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    ip,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
