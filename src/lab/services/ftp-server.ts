/**
 * The control connection of an embedded FTP server (RFC 959): greeting, USER → 331,
 * PASS → 230 or 530 (after a short delay), disconnect after the third failure, QUIT → 221.
 * Everything sent after a successful login is counted as a command (and refused).
 */
import type { Socket } from 'node:net';
import type { LabStatsRecorder } from '../stats.ts';
import type { LabService } from '../types.ts';
import type { FtpPersona } from '../vendors/profile.ts';
import { parseFtpCommand } from '../../protocols/ftp/codec.ts';
import { connectionScope } from './connection-scope.ts';

export const ftpFailureDelayMs = 150;
export const ftpIdleTimeoutMs = 60_000;
const maxFailures = 3;
/** Longest command line kept; longer input is cut (RFC 959 lines are short). */
const maxLineBytes = 512;
/** Commands a client may pipeline while a failed login is being delayed. */
const maxQueuedCommands = 8;

/**
 * Serve one FTP control connection.
 * @example server.on('connection', (socket) => serveFtp(socket, persona, service, stats))
 */
export function serveFtp(socket: Socket, persona: FtpPersona, service: LabService, stats: LabStatsRecorder): void {
  const scope = connectionScope(socket);
  let buffered = '';
  let user: string | undefined;
  let loggedIn = false;
  let delaying = false;
  let failures = 0;
  // An unfinished line after login already counted as a command (it is counted once, when it starts).
  let partialCounted = false;
  const queued: string[] = [];

  scope.write(persona.greeting);
  scope.idle(ftpIdleTimeoutMs, () => scope.finish('421 Timeout.\r\n'));

  const handle = (line: string) => {
    if (delaying) {
      if (queued.length < maxQueuedCommands) queued.push(line);
      return;
    }
    if (loggedIn) {
      if (!partialCounted) stats.add('commandsAfterLogin');
      partialCounted = false;
      stats.add('bytesAfterLogin', line.length + 2);
    }
    const { verb, argument } = parseFtpCommand(line);
    switch (verb) {
      case 'USER':
        if (loggedIn) return void scope.write("530 Can't change to another user.\r\n");
        user = argument;
        scope.write(persona.passwordRequired(argument));
        return;
      case 'PASS':
        if (loggedIn) return void scope.write('230 Already logged in.\r\n');
        if (user === undefined) return void scope.write(persona.userFirst);
        return checkPassword(user, argument);
      case 'QUIT':
        return scope.finish(persona.goodbye);
      case 'SYST':
        return void scope.write(loggedIn ? persona.system : persona.loginFirst);
      case 'NOOP':
        return void scope.write('200 NOOP ok.\r\n');
      case 'FEAT':
        return void scope.write('211-Features:\r\n MDTM\r\n PASV\r\n SIZE\r\n211 End\r\n');
      case '':
        return;
      default:
        scope.write(loggedIn ? '550 Permission denied.\r\n' : persona.loginFirst);
    }
  };

  const checkPassword = (name: string, password: string) => {
    stats.add('loginAttempts');
    const credential = service.credential;
    user = undefined;
    if (credential && name === credential.username && password === credential.password) {
      stats.add('successfulLogins');
      loggedIn = true;
      scope.write(persona.loggedIn(name));
      return;
    }
    stats.add('failedLogins');
    failures++;
    delaying = true;
    scope.later(ftpFailureDelayMs, () => {
      delaying = false;
      if (failures >= maxFailures) return scope.finish(persona.loginFailed);
      scope.write(persona.loginFailed);
      while (queued.length > 0 && !delaying && !scope.closed) handle(queued.shift()!);
    });
  };

  socket.on('data', (chunk: Buffer) => {
    scope.touch();
    buffered += chunk.toString('latin1');
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline).replace(/\r$/, '').slice(0, maxLineBytes);
      buffered = buffered.slice(newline + 1);
      handle(line);
      newline = buffered.indexOf('\n');
    }
    if (loggedIn && !delaying && buffered.length > 0 && !partialCounted) {
      // Bytes without a line end yet: after login that is already input the client sent.
      stats.add('commandsAfterLogin');
      partialCounted = true;
    }
    if (buffered.length > maxLineBytes) {
      if (loggedIn) stats.add('bytesAfterLogin', buffered.length);
      buffered = '';
    }
  });
}
