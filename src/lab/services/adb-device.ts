/**
 * An Android device's adbd on TCP 5555, decoding and encoding with the protocol's own codec.
 * Open devices answer CNXN with their CNXN banner (anyone may now open a shell); devices that
 * require authorization answer with an AUTH token and never accept the host (the lab has no
 * authorised keys). Every OPEN — a shell or service request, which a survey must never send —
 * is counted and refused with CLSE.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { adbAuthType, adbCommand, adbVersion, decodeMessage, encodeMessage, formatBanner, type AdbBanner } from '../../protocols/adb/codec.ts';
import { connectionScope } from './connection-scope.ts';

export interface AdbDevicePersona {
  /** False for a device left with network debugging open (TV boxes, some cameras). */
  authRequired: boolean;
  banner: AdbBanner;
  /** The protocol version it announces (older devices: 0x01000000). */
  version?: number;
  maxData?: number;
}

/** What the device saw, for tests and the lab's counters. */
export interface AdbDeviceStats {
  connections: number;
  /** Every message received, by command name (CNXN, AUTH, OPEN, …; others as hex). */
  messages: Record<string, number>;
  /** OPEN requests: must stay 0 for a survey. */
  opens: number;
  /** Connections that ended with something that was not an ADB message. */
  garbage: number;
}

export interface AdbDevice {
  accept(socket: Socket): void;
  stats(): AdbDeviceStats;
}

/** Silence after which the device hangs up. */
const idleTimeoutMs = 30_000;
/** Most bytes buffered from a client before the device hangs up (a message is 24 bytes plus data). */
const maxBufferedBytes = 64 * 1024;
/** Messages handled per connection before the device hangs up. */
const maxMessages = 64;

/**
 * @example const device = createAdbDevice(persona); server.on('connection', (socket) => device.accept(socket))
 */
export function createAdbDevice(persona: AdbDevicePersona): AdbDevice {
  const counts: AdbDeviceStats = { connections: 0, messages: {}, opens: 0, garbage: 0 };
  const count = (name: string) => {
    counts.messages[name] = (counts.messages[name] ?? 0) + 1;
  };

  const accept = (socket: Socket) => {
    counts.connections++;
    const scope = connectionScope(socket);
    scope.idle(idleTimeoutMs, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let handled = 0;
    const send = (command: number, arg0: number, arg1: number, data = Buffer.alloc(0)) => scope.write(encodeMessage({ command, arg0, arg1, data }));
    const token = () => send(adbCommand.AUTH, adbAuthType.token, 0, randomBytes(20));

    socket.on('data', (chunk: Buffer) => {
      scope.touch();
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > maxBufferedBytes) return void socket.destroy();
      for (;;) {
        const decoded = decodeMessage(buffered, maxBufferedBytes);
        if (decoded.state === 'incomplete') return;
        if (decoded.state === 'invalid' || ++handled > maxMessages) {
          if (decoded.state === 'invalid') counts.garbage++;
          return void socket.destroy();
        }
        buffered = buffered.subarray(decoded.length);
        const { message } = decoded;
        switch (message.command) {
          case adbCommand.CNXN:
            count('CNXN');
            if (persona.authRequired) token();
            else send(adbCommand.CNXN, persona.version ?? adbVersion, persona.maxData ?? 256 * 1024, Buffer.from(formatBanner(persona.banner), 'latin1'));
            break;
          case adbCommand.AUTH:
            // No key is ever authorised here: a signature or a public key only earns a new token.
            count('AUTH');
            if (persona.authRequired) token();
            break;
          case adbCommand.OPEN:
            count('OPEN');
            counts.opens++;
            send(adbCommand.CLSE, 0, message.arg0);
            break;
          default:
            count(Object.entries(adbCommand).find(([, value]) => value === message.command)?.[0] ?? `0x${message.command.toString(16)}`);
        }
      }
    });
  };

  return { accept, stats: () => ({ ...counts, messages: { ...counts.messages } }) };
}
