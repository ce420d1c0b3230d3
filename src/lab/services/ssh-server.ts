/**
 * An SSH server as embedded devices run it (RFC 4253/4252): identification line, key
 * exchange with the device's own Ed25519 host key, then password (or
 * keyboard-interactive) logins against the device's credential — see ssh-session.ts.
 * The transport is the project's own (src/assess/credentials/ssh/), so the lab's server
 * and the survey's client share one implementation, checked against real OpenSSH and
 * dropbear by tests.
 */
import type { Socket } from 'node:net';
import { createHash, createPrivateKey } from 'node:crypto';
import type { ReadStep } from '../../scope/connection.ts';
import { HandshakeEnded, serverHandshake } from '../../protocols/ssh/transport/handshake.ts';
import { hostKeySigner, type HostKeySigner } from '../../protocols/ssh/transport/host-key.ts';
import { createMessageStream, type ByteChannel } from '../../protocols/ssh/transport/stream.ts';
import { SshProtocolError } from '../../protocols/ssh/transport/wire.ts';
import type { LabService } from '../types.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';
import { serveSshSession, type SshServiceContext, sshSessionIdleMs } from './ssh-session.ts';

/** Time allowed for the client's identification line (real servers allow more; a grab is quick). */
export const sshIdentificationTimeoutMs = 10_000;
/** Bytes one connection may send us before it is cut (auth needs a few KiB). */
const maxClientBytes = 1024 * 1024;

/**
 * The identification line a service sends, without CRLF.
 * @example sshIdentification({ port: 22, protocol: 'ssh', software: 'dropbear_2015.71' }) // 'SSH-2.0-dropbear_2015.71'
 */
export function sshIdentification(service: LabService): string {
  return `SSH-2.0-${service.software ?? 'dropbear_2019.78'}`;
}

/** PKCS#8 header of an Ed25519 private key; the 32-byte seed follows. */
const ed25519Pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The device's host key: Ed25519 from a seed derived from the lab seed, address and
 * port, so the same lab always shows the same fingerprints.
 * @example labHostKey(1, '127.77.0.5', 22).algorithms // ['ssh-ed25519']
 */
export function labHostKey(labSeed: number, ip: string, port: number): HostKeySigner {
  const seed = createHash('sha256').update(`opennotice-lab-ssh-host-key|${labSeed}|${ip}|${port}`).digest();
  return hostKeySigner(createPrivateKey({ key: Buffer.concat([ed25519Pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' }));
}

/**
 * Serve one SSH connection.
 * @example server.on('connection', (socket) => serveSsh(socket, service, { persona, hostKey, stats }))
 */
export function serveSsh(socket: Socket, service: LabService, context: SshServiceContext): void {
  const scope = connectionScope(socket);
  const serverVersion = sshIdentification(service);
  scope.write(`${serverVersion}\r\n`);
  scope.idle(sshIdentificationTimeoutMs, () => scope.finish());
  const stream = createMessageStream(socketChannel(scope, maxClientBytes));
  const run = async () => {
    const preferences = {
      ...context.persona.algorithms,
      hostKey: context.hostKey.algorithms.filter((name) => context.persona.algorithms.hostKey.includes(name)),
    };
    await serverHandshake(stream, { serverVersion, preferences, hostKey: context.hostKey });
    scope.idle(sshSessionIdleMs, () => scope.finish());
    await serveSshSession(stream, scope, service, context);
  };
  run().then(
    () => scope.finish(),
    (error: unknown) => {
      if (!(error instanceof SshProtocolError) && !(error instanceof HandshakeEnded)) {
        socket.destroy();
        throw error;
      }
      // Like OpenSSH: a plain-text complaint while identifying, a silent close afterwards.
      const identificationProblem = error instanceof SshProtocolError && /^(?:Invalid SSH identification string|Protocol mismatch)\.$/.test(error.message);
      scope.finish(identificationProblem ? `${error.message}\r\n` : undefined);
    },
  );
}

/**
 * The socket as the chunk source the SSH stream reads (the dialer's Connection has the
 * same shape): chunks queue until read; the connection ends at close or past `maxBytes`.
 */
function socketChannel(scope: ConnectionScope, maxBytes: number): ByteChannel {
  const socket = scope.socket;
  const queue: Buffer[] = [];
  let received = 0;
  let ended: ReadStep | undefined;
  let waiting: ((step: ReadStep) => void) | undefined;
  const deliver = (step: ReadStep) => {
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(step);
    } else if ('chunk' in step) queue.push(step.chunk);
  };
  const end = (step: ReadStep) => {
    if (ended) return;
    ended = step;
    deliver(step);
  };
  socket.on('data', (chunk: Buffer) => {
    if (ended) return;
    scope.touch();
    received += chunk.length;
    if (received > maxBytes) {
      end({ end: 'byte-cap-exceeded' });
      socket.destroy();
      return;
    }
    deliver({ chunk });
  });
  socket.once('end', () => end({ end: 'closed' }));
  socket.once('close', () => end({ end: 'closed' }));
  return {
    next: () => {
      const chunk = queue.shift();
      if (chunk) return Promise.resolve({ chunk });
      if (ended) return Promise.resolve(ended);
      return new Promise<ReadStep>((resolve) => {
        waiting = resolve;
      });
    },
    write: (data) => {
      scope.write(data);
    },
  };
}
