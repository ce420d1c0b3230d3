/**
 * A scripted UDP service on loopback for grabber tests: each request datagram is handed to
 * `respond`, whose datagrams are sent back to the sender in order. Requests are recorded.
 */
import { createSocket } from 'node:dgram';

export interface UdpPeer {
  readonly ip: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: Buffer[];
  close(): Promise<void>;
}

/** Most datagrams one scripted answer may hold. */
const maxAnswer = 200;

/**
 * @example const peer = await startUdpPeer('127.102.5.1', (request) => [Buffer.from('pong')])
 */
export async function startUdpPeer(ip: string, respond: (request: Buffer) => readonly Buffer[]): Promise<UdpPeer> {
  if (!ip.startsWith('127.')) throw new Error(`scripted peers listen on loopback only, not ${ip}`);
  const socket = createSocket('udp4');
  const requests: Buffer[] = [];
  socket.on('message', (message, from) => {
    requests.push(message);
    for (const datagram of respond(message).slice(0, maxAnswer)) socket.send(datagram, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: ip, port: 0 }, () => resolve());
  });
  return {
    ip,
    port: socket.address().port,
    requests,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
