/**
 * ACME echo devices for the tests, played with node:dgram on loopback addresses the test names.
 * Each device counts the requests it received, so a test can tell how many datagrams the
 * survey sent it. Behaviours: answer every request; stay silent to the first and answer the
 * rest (a lost datagram); answer from another port (must be ignored); flood replies that are
 * not the protocol's; never answer.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { decodeAcmeEchoRequest, encodeAcmeEchoReply } from './codec.ts';

export type AcmeEchoBehaviour =
  | { kind: 'answer'; padding: number }
  | { kind: 'answer-after-first'; padding: number }
  | { kind: 'answer-from-other-port'; padding: number }
  | { kind: 'flood-garbage'; datagrams: number; bytes: number }
  | { kind: 'silent' };

export interface AcmeEchoDeviceSpec {
  ip: string;
  port: number;
  model: string;
  firmware: string;
  open: boolean;
  behaviour: AcmeEchoBehaviour;
}

export interface AcmeEchoDevices {
  /** Requests each device received, by "ip:port". */
  requests(ip: string, port: number): number;
  stop(): Promise<void>;
}

/** Most datagrams any flood sends, so no test can run away. */
const floodCeiling = 1000;

/**
 * Start the devices; every address must be on loopback.
 * @example const devices = await startAcmeEchoDevices([{ ip: '127.103.0.1', port: 7171, model: 'CAM-42', firmware: '2.3.1', open: false, behaviour: { kind: 'answer', padding: 400 } }])
 */
export async function startAcmeEchoDevices(specs: readonly AcmeEchoDeviceSpec[]): Promise<AcmeEchoDevices> {
  const sockets: Socket[] = [];
  const counts = new Map<string, number>();
  for (const spec of specs) {
    if (isIP(spec.ip) === 4 ? !spec.ip.startsWith('127.') : spec.ip !== '::1') throw new Error(`ACME echo devices live on loopback only, not ${spec.ip}`);
    const type = isIP(spec.ip) === 6 ? 'udp6' : 'udp4';
    const socket = await bound(createSocket(type), spec.ip, spec.port);
    const other = spec.behaviour.kind === 'answer-from-other-port' ? await bound(createSocket(type), spec.ip, 0) : undefined;
    sockets.push(socket, ...(other ? [other] : []));
    const key = `${spec.ip}:${spec.port}`;
    counts.set(key, 0);
    socket.on('message', (message, from) => {
      const seen = (counts.get(key) ?? 0) + 1;
      counts.set(key, seen);
      const token = decodeAcmeEchoRequest(message);
      if (token === undefined) return;
      const reply = (padding: number) => encodeAcmeEchoReply({ token, model: spec.model, firmware: spec.firmware, open: spec.open }, padding);
      const behaviour = spec.behaviour;
      switch (behaviour.kind) {
        case 'answer':
          return socket.send(reply(behaviour.padding), from.port, from.address);
        case 'answer-after-first':
          if (seen > 1) socket.send(reply(behaviour.padding), from.port, from.address);
          return;
        case 'answer-from-other-port':
          return other?.send(reply(behaviour.padding), from.port, from.address);
        case 'flood-garbage':
          for (let index = 0; index < Math.min(behaviour.datagrams, floodCeiling); index++) {
            socket.send(Buffer.alloc(behaviour.bytes, 0x41 + (index % 26)), from.port, from.address);
          }
          return;
        case 'silent':
          return;
      }
    });
  }
  return {
    requests: (ip, port) => counts.get(`${ip}:${port}`) ?? 0,
    stop: async () => {
      await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    },
  };
}

function bound(socket: Socket, address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}
