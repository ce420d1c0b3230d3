import type { NetConnectOpts, Socket } from 'node:net';
import type { GrabStatus, Target } from '../core/records.ts';
import { DialFailure, type DialFailureCode } from './connection.ts';

/** Opens a TCP socket; the dialer's default is node:net's connect, tests pass a spy. */
export type ConnectFactory = (options: NetConnectOpts) => Socket;

export interface TcpConnectOptions {
  connect: ConnectFactory;
  target: Target;
  localAddress: string | undefined;
  timeoutMs: number;
}

/**
 * Opens a TCP connection within `timeoutMs` and hands the socket to `onConnected`
 * synchronously, inside the 'connect' event, so the next layer attaches its own error
 * handling before any later event can fire with nobody listening. On failure the socket
 * is destroyed and the promise rejects with a `DialFailure`; the caller releases its slot.
 * @example const conn = await connectTcp({ connect, target, localAddress, timeoutMs: 3000 }, (socket) => wrapSocket(socket, …))
 */
export function connectTcp<T>(options: TcpConnectOptions, onConnected: (socket: Socket) => T): Promise<T> {
  const { target, timeoutMs } = options;
  return new Promise<T>((resolve, reject) => {
    let socket: Socket;
    try {
      socket = options.connect({ host: target.ip, port: target.port, localAddress: options.localAddress, noDelay: true });
    } catch (error) {
      reject(new DialFailure('unknown-error', target, `could not open a socket: ${error instanceof Error ? error.message : String(error)}`, 'socket-error'));
      return;
    }
    const fail = (status: GrabStatus, code: DialFailureCode, message: string) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      reject(new DialFailure(status, target, message, code));
    };
    const timer = setTimeout(() => fail('connection-timeout', 'connect-timeout', `no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') fail('connection-refused', 'refused', 'connection refused');
      else if (error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH')
        fail('connection-timeout', 'connect-timeout', error.code);
      else fail('unknown-error', 'socket-error', error.code ?? error.message);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      try {
        resolve(onConnected(socket));
      } catch (error) {
        socket.on('error', () => {});
        socket.destroy();
        reject(new DialFailure('unknown-error', target, error instanceof Error ? error.message : String(error), 'socket-error'));
      }
    });
  });
}
