/**
 * The test's ACME devices: a loopback server per device that speaks through the protocol's
 * own codec (no second decoder), as the lab plays the shipped protocols.
 */
import { createServer, type Server } from 'node:net';
import { type AcmeGreeting, firstLine, formatGreeting, parseLogin } from './codec.ts';

export interface AcmeDevice {
  ip: string;
  port: number;
  greeting: AcmeGreeting;
  /** The pair it accepts; absent when it needs no login. */
  accepts?: { username: string; password: string };
}

/** Starts every device; resolves with a function that stops them all. */
export async function startAcmeDevices(devices: readonly AcmeDevice[]): Promise<() => Promise<void>> {
  const servers: Server[] = [];
  for (const device of devices) {
    const server = createServer((socket) => {
      socket.setTimeout(5000, () => socket.destroy());
      socket.on('error', () => socket.destroy());
      socket.write(formatGreeting(device.greeting));
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]).subarray(0, 4096);
        const line = firstLine(received);
        if (line === undefined) return;
        const login = parseLogin(line);
        const ok = login !== undefined && device.accepts?.username === login.username && device.accepts.password === login.password;
        socket.end(ok ? 'OK\r\n' : 'DENIED\r\n');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(device.port, device.ip, resolve);
    });
    servers.push(server);
  }
  return async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
}
