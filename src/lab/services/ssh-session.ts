/**
 * What an SSH server does after the key exchange: the ssh-userauth service (RFC 4252)
 * with the persona's password method, a short delay before each refusal, a hang-up
 * after MaxAuthTries refusals — and after a login, a minimal connection layer that
 * counts every channel open and request as a command, executes nothing, and lets a real
 * client finish cleanly (exit status 0).
 */
import type { MessageStream } from '../../protocols/ssh/transport/stream.ts';
import {
  createWireReader,
  disconnectReason,
  sshBoolean,
  sshByte,
  sshMessage,
  sshNameList,
  sshString,
  sshUint32,
  SshProtocolError,
} from '../../protocols/ssh/transport/wire.ts';
import type { LabService } from '../types.ts';
import type { ConnectionScope } from './connection-scope.ts';
import type { HostKeySigner } from '../../protocols/ssh/transport/host-key.ts';
import type { LabStatsRecorder } from '../stats.ts';
import type { SshPersona } from '../vendors/profile.ts';

/** Delay before a refusal (real servers wait 1–3 s; the lab keeps surveys quick, like its telnet). */
/** What an SSH service needs besides its socket. */
export interface SshServiceContext {
  persona: SshPersona;
  hostKey: HostKeySigner;
  stats: LabStatsRecorder;
}

export const sshFailureDelayMs = 100;
/** Silence allowed once the key exchange is done (OpenSSH's LoginGraceTime is longer). */
export const sshSessionIdleMs = 30_000;
/** Messages served per connection before the lab hangs up. */
const maxMessages = 2000;

const message = (type: number, ...fields: Buffer[]) => Buffer.concat([sshByte(type), ...fields]);
const disconnect = (reason: number, text: string) => message(sshMessage.DISCONNECT, sshUint32(reason), sshString(text), sshString(''));

/** Resolves after `ms`, or at once when the connection closes first. */
function pause(scope: ConnectionScope, ms: number): Promise<void> {
  return new Promise((resolve) => {
    scope.later(ms, resolve);
    scope.socket.once('close', () => resolve());
  });
}

/**
 * Serve a keyed connection until it ends: service request, logins, then (if one
 * succeeded) the counted, inert connection layer.
 * @example await serveSshSession(stream, scope, service, context)
 */
export async function serveSshSession(stream: MessageStream, scope: ConnectionScope, service: LabService, context: SshServiceContext): Promise<void> {
  const request = await stream.readMessage();
  if (!('payload' in request)) return;
  const reader = createWireReader(request.payload, 'SERVICE_REQUEST');
  if (reader.byte() !== sshMessage.SERVICE_REQUEST) throw new SshProtocolError('expected SERVICE_REQUEST');
  const name = reader.text();
  if (name !== 'ssh-userauth') {
    await stream.writeMessage(disconnect(disconnectReason.SERVICE_NOT_AVAILABLE, `unknown service ${name.slice(0, 64)}`));
    return;
  }
  await stream.writeMessage(message(sshMessage.SERVICE_ACCEPT, sshString(name)));
  if (await authenticate(stream, scope, service, context)) await servePostLogin(stream, context);
}

/** The login dialogue. True once a login succeeded (USERAUTH_SUCCESS sent). */
async function authenticate(stream: MessageStream, scope: ConnectionScope, service: LabService, context: SshServiceContext): Promise<boolean> {
  const { persona, stats } = context;
  const methods = ['publickey', persona.passwordMethod];
  const credential = service.credential;
  let username: string | undefined;
  let failures = 0;
  for (let count = 0; count < maxMessages; count++) {
    const read = await stream.readMessage();
    if (!('payload' in read)) return false;
    const reader = createWireReader(read.payload, 'USERAUTH_REQUEST');
    if (reader.byte() !== sshMessage.USERAUTH_REQUEST) throw new SshProtocolError(`expected USERAUTH_REQUEST, got ${read.payload[0]}`);
    const user = reader.text();
    reader.text(); // service name: ssh-connection
    const method = reader.text();
    if (username !== undefined && user !== username) {
      // OpenSSH and dropbear both end the connection when the user name changes.
      await stream.writeMessage(disconnect(disconnectReason.PROTOCOL_ERROR, 'Change of username or service not allowed'));
      return false;
    }
    username = user;
    const matches = (password: string) => credential !== undefined && user === credential.username && password === credential.password;

    let submitted: string | undefined;
    if (method === 'none') {
      if (persona.blankPasswordWithNone && matches('')) return succeed(stream, context);
    } else if (method === 'password') {
      reader.boolean(); // "change password" flag
      submitted = reader.text();
    } else if (method === 'keyboard-interactive' && persona.passwordMethod === 'keyboard-interactive') {
      submitted = await askPassword(stream);
      if (submitted === undefined) return false;
    }
    if (submitted === undefined) {
      // "none", public keys, anything not offered: a list of methods, no delay, not a failure.
      await stream.writeMessage(message(sshMessage.USERAUTH_FAILURE, sshNameList(methods), sshBoolean(false)));
      continue;
    }
    stats.add('loginAttempts');
    if (method === persona.passwordMethod && matches(submitted)) return succeed(stream, context);
    stats.add('failedLogins');
    failures++;
    await pause(scope, sshFailureDelayMs);
    if (scope.closed) return false;
    if (failures >= persona.maxAuthTries && persona.hangUp === 'disconnect-instead-of-failure') {
      await stream.writeMessage(disconnect(disconnectReason.PROTOCOL_ERROR, 'Too many authentication failures'));
      return false;
    }
    await stream.writeMessage(message(sshMessage.USERAUTH_FAILURE, sshNameList(methods), sshBoolean(false)));
    if (failures >= persona.maxAuthTries) return false; // dropbear: "Max auth tries reached", then exit
  }
  return false;
}

async function succeed(stream: MessageStream, context: SshServiceContext): Promise<true> {
  context.stats.add('successfulLogins');
  await stream.writeMessage(sshByte(sshMessage.USERAUTH_SUCCESS));
  return true;
}

/** keyboard-interactive as PAM does it: one "Password: " prompt, echo off. */
async function askPassword(stream: MessageStream): Promise<string | undefined> {
  await stream.writeMessage(
    message(sshMessage.USERAUTH_60, sshString(''), sshString(''), sshString(''), sshUint32(1), sshString('Password: '), sshBoolean(false)),
  );
  const read = await stream.readMessage();
  if (!('payload' in read)) return undefined;
  const reader = createWireReader(read.payload, 'USERAUTH_INFO_RESPONSE');
  if (reader.byte() !== sshMessage.USERAUTH_INFO_RESPONSE) throw new SshProtocolError(`expected USERAUTH_INFO_RESPONSE, got ${read.payload[0]}`);
  const count = reader.uint32();
  // A response with another number of answers than prompts is a protocol violation.
  if (count !== 1) throw new SshProtocolError(`${count} answers to one prompt`);
  return reader.text();
}

/**
 * After a login: every channel open, channel request and global request is a command
 * (a survey must never send one). Sessions are confirmed and "exec"/"shell" answered
 * with exit status 0 and a close, so a real client ends normally; nothing runs.
 */
async function servePostLogin(stream: MessageStream, context: SshServiceContext): Promise<void> {
  const { stats } = context;
  // Our channel number → the client's, for the channels we confirmed and have not closed.
  const channels = new Map<number, number>();
  let nextChannel = 0;
  for (let count = 0; count < maxMessages; count++) {
    const read = await stream.readMessage();
    if (!('payload' in read)) return;
    stats.add('bytesAfterLogin', read.payload.length);
    const reader = createWireReader(read.payload, 'connection-layer message');
    const type = reader.byte();
    if (type === sshMessage.CHANNEL_OPEN) {
      stats.add('commandsAfterLogin');
      const channelType = reader.text();
      const peerChannel = reader.uint32();
      if (channelType !== 'session') {
        await stream.writeMessage(
          message(sshMessage.CHANNEL_OPEN_FAILURE, sshUint32(peerChannel), sshUint32(1), sshString('administratively prohibited'), sshString('')),
        );
        continue;
      }
      const ours = nextChannel++;
      channels.set(ours, peerChannel);
      await stream.writeMessage(
        message(sshMessage.CHANNEL_OPEN_CONFIRMATION, sshUint32(peerChannel), sshUint32(ours), sshUint32(2 * 1024 * 1024), sshUint32(32 * 1024)),
      );
    } else if (type === sshMessage.CHANNEL_REQUEST) {
      stats.add('commandsAfterLogin');
      const ours = reader.uint32();
      const peerChannel = channels.get(ours);
      const requestType = reader.text();
      const wantReply = reader.boolean();
      if (peerChannel === undefined) continue;
      if (wantReply) await stream.writeMessage(message(sshMessage.CHANNEL_SUCCESS, sshUint32(peerChannel)));
      if (requestType === 'exec' || requestType === 'shell' || requestType === 'subsystem') {
        await stream.writeMessage(message(sshMessage.CHANNEL_REQUEST, sshUint32(peerChannel), sshString('exit-status'), sshBoolean(false), sshUint32(0)));
        await stream.writeMessage(message(sshMessage.CHANNEL_EOF, sshUint32(peerChannel)));
        await stream.writeMessage(message(sshMessage.CHANNEL_CLOSE, sshUint32(peerChannel)));
        channels.delete(ours);
      }
    } else if (type === sshMessage.CHANNEL_CLOSE) {
      // The client closed first: answer with our close (RFC 4254 §5.3).
      const ours = reader.uint32();
      const peerChannel = channels.get(ours);
      channels.delete(ours);
      if (peerChannel !== undefined) await stream.writeMessage(message(sshMessage.CHANNEL_CLOSE, sshUint32(peerChannel)));
    } else if (type === sshMessage.GLOBAL_REQUEST) {
      stats.add('commandsAfterLogin');
      reader.text();
      if (reader.boolean()) await stream.writeMessage(sshByte(sshMessage.REQUEST_FAILURE));
    }
    // Window adjusts, data and EOF need no answer: the client hangs up when done.
  }
}
