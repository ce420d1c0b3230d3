/**
 * A bare TCP client for the lab's own tests: connect to a simulated device, read until
 * some text shows up, write, close. Deliberately not the project's dialer, so the lab
 * is tested independently of the scanner. Loopback only.
 */
import { connect, type Socket } from 'node:net';

export interface RawClient {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolve with all bytes received once `done(all)` holds; reject after `timeoutMs` (a safety net, not a measurement). */
  waitFor(done: (all: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  /** Resolve once the peer closed the connection. */
  closed(timeoutMs?: number): Promise<void>;
  write(data: string | Buffer): void;
  close(): void;
}

/**
 * @example const client = await rawConnect('127.78.0.5', 23); await client.waitFor((b) => b.includes('login: '))
 */
export function rawConnect(ip: string, port: number, options: { maxBytes?: number } = {}): Promise<RawClient> {
  if (!ip.startsWith('127.')) throw new Error(`lab tests only talk to loopback, not ${ip}`);
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: ip, port });
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const waiters = new Set<() => void>();
    const notify = () => {
      for (const waiter of [...waiters]) waiter();
    };
    socket.on('data', (chunk: Buffer) => {
      if (size < maxBytes) {
        chunks.push(chunk);
        size += chunk.length;
      }
      notify();
    });
    socket.on('close', () => {
      ended = true;
      notify();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const received = () => Buffer.concat(chunks);
      const wait = (check: () => boolean, timeoutMs: number, what: string) =>
        new Promise<void>((done, fail) => {
          const waiter = () => {
            if (!check()) return;
            clearTimeout(timer);
            waiters.delete(waiter);
            done();
          };
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            fail(new Error(`${ip}:${port}: timed out waiting for ${what}; received ${JSON.stringify(received().toString('latin1').slice(-300))}`));
          }, timeoutMs);
          waiters.add(waiter);
          waiter();
        });
      resolve({
        socket,
        received,
        async waitFor(done, timeoutMs = 5000) {
          await wait(() => done(received()) || ended, timeoutMs, 'expected bytes');
          if (!done(received()))
            throw new Error(`${ip}:${port}: closed before expected bytes; received ${JSON.stringify(received().toString('latin1').slice(-300))}`);
          return received();
        },
        closed: (timeoutMs = 5000) => wait(() => ended, timeoutMs, 'the peer to close'),
        write: (data) => void socket.write(data),
        close: () => void socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}

/**
 * Telnet bytes without IAC sequences (good enough for the lab's own negotiation).
 * @example telnetText(Buffer.from([255, 251, 1, 35, 32])) // '# '
 */
export function telnetText(bytes: Buffer): string {
  let text = '';
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === 255) {
      index += bytes[index + 1]! >= 251 ? 2 : 1;
      continue;
    }
    text += String.fromCharCode(byte);
  }
  return text;
}

/** The prompts a telnet login dialogue is recognised by (a TelnetPersona has them). */
export interface TelnetDialogue {
  loginPrompt: string;
  passwordPrompt: string;
  shellPrompt: string;
}

/**
 * Log in over telnet with one pair and say whether a shell or a refusal followed
 * ('no-login' when the device gave a shell without asking). Closes the connection.
 * @example await tryTelnetLogin('127.78.0.5', 23, { username: 'root', password: 'xc3511' }, persona) // 'shell'
 */
export async function tryTelnetLogin(
  ip: string,
  port: number,
  pair: { username: string; password: string },
  dialogue: TelnetDialogue,
): Promise<'shell' | 'refused' | 'no-login'> {
  const client = await rawConnect(ip, port);
  try {
    const text = () => telnetText(client.received());
    await client.waitFor(() => text().endsWith(dialogue.loginPrompt) || text().endsWith(dialogue.shellPrompt));
    if (!text().endsWith(dialogue.loginPrompt)) return 'no-login';
    client.write(`${pair.username}\r\n`);
    await client.waitFor(() => text().endsWith(dialogue.passwordPrompt));
    const before = text().length;
    client.write(`${pair.password}\r\n`);
    // After a refusal the device prompts again (or hangs up); after success it shows the shell prompt.
    const after = () => text().slice(before);
    await client.waitFor(() => after().endsWith(dialogue.shellPrompt) || after().endsWith(dialogue.loginPrompt));
    return after().endsWith(dialogue.shellPrompt) ? 'shell' : 'refused';
  } finally {
    client.close();
  }
}
