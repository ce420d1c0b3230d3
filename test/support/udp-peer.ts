/**
 * A scripted UDP service on loopback for grabber tests: each request datagram is handed to
 * `answer`, whose datagrams are sent back to the requester in order. Loopback only.
 */
import { createSocket } from 'node:dgram';

export interface UdpPeer {
  readonly ip: string;
  readonly port: number;
  /** Request datagrams received so far. */
  readonly requests: Buffer[];
  close(): Promise<void>;
}

/**
 * @example const peer = await startUdpPeer('127.101.1.1', (request) => [Buffer.from('pong')]); … await peer.close()
 */
export async function startUdpPeer(ip: string, answer: (request: Buffer) => readonly Uint8Array[]): Promise<UdpPeer> {
  if (!ip.startsWith('127.')) throw new Error(`test peers live on loopback only, not ${ip}`);
  const socket = createSocket('udp4');
  const requests: Buffer[] = [];
  socket.on('message', (message, from) => {
    requests.push(message);
    for (const datagram of answer(message).slice(0, 64)) socket.send(datagram, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: ip, port: 0 }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    ip,
    port: socket.address().port,
    requests,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
