/**
 * A telnet login session as busybox telnetd + login (or a vendor console) runs it:
 * negotiation, issue banner, login prompt, echoed user name, silent password, a short
 * delay and "Login incorrect" on failure, disconnect after the third failure, and a
 * shell prompt on success. Nothing typed at the shell is executed; it is only counted.
 */
import type { Socket } from 'node:net';
import type { LabStatsRecorder } from '../stats.ts';
import type { LabService } from '../types.ts';
import type { TelnetPersona } from '../vendors/profile.ts';
import { connectionScope } from './connection-scope.ts';
import { createTelnetDecoder } from '../../protocols/telnet/codec.ts';
import { createLineAssembler, createNegotiationPolicy } from './telnet-device.ts';

/** Delay before "Login incorrect" (real login(1) waits seconds; the lab keeps surveys quick). */
export const telnetFailureDelayMs = 150;
/** Like busybox login's 60 s LOGIN_TIMEOUT, applied to any silence. */
export const telnetIdleTimeoutMs = 60_000;
/** Lines typed ahead while a failure delay runs; more are dropped. */
const maxQueuedLines = 8;

/**
 * Serve one accepted telnet connection.
 * @example server.on('connection', (socket) => serveTelnet(socket, persona, service, stats))
 */
export function serveTelnet(socket: Socket, persona: TelnetPersona, service: LabService, stats: LabStatsRecorder): void {
  const scope = connectionScope(socket);
  const decoder = createTelnetDecoder();
  const policy = createNegotiationPolicy();
  const lines = createLineAssembler();
  const openShell = service.auth === 'none';
  let state: 'username' | 'password' | 'delay' | 'shell' = openShell ? 'shell' : 'username';
  let username = '';
  let failures = 0;
  let countedCurrentLine = false;
  const queued: string[] = [];

  scope.write(Buffer.concat([persona.negotiation, Buffer.from(persona.issue, 'latin1')]));
  if (openShell) {
    stats.add('openShellSessions');
    scope.write(persona.welcome + persona.shellPrompt);
  } else scope.write(persona.loginPrompt);
  scope.idle(telnetIdleTimeoutMs, () => scope.finish(state === 'shell' ? '\r\n' : `\r\nLogin timed out after ${telnetIdleTimeoutMs / 1000} seconds\r\n`));

  const countShellInput = (bytes: number, newCommand: boolean) => {
    stats.add('bytesAfterLogin', bytes);
    if (newCommand) stats.add('commandsAfterLogin');
  };

  const handleLine = (line: string) => {
    if (state === 'delay') {
      if (queued.length < maxQueuedLines) queued.push(line);
      return;
    }
    if (state === 'shell') {
      // Only reached for lines queued before a login succeeded: each is a command after login.
      countShellInput(line.length + 1, true);
      scope.write(`\r\n${persona.shellPrompt}`);
      return;
    }
    if (state === 'username') {
      scope.write(`${line}\r\n`); // the device echoes what is typed at the login prompt
      if (line.trim() === '') {
        scope.write(persona.loginPrompt);
        return;
      }
      username = line;
      state = 'password';
      scope.write(persona.passwordPrompt);
      return;
    }
    stats.add('loginAttempts');
    const credential = service.credential;
    if (credential && username === credential.username && line === credential.password) {
      stats.add('successfulLogins');
      state = 'shell';
      scope.write(`\r\n${persona.welcome}${persona.shellPrompt}`);
      return;
    }
    stats.add('failedLogins');
    failures++;
    state = 'delay';
    scope.later(telnetFailureDelayMs, () => {
      if (failures >= persona.maxFailures) {
        scope.finish(persona.loginFailed);
        return;
      }
      scope.write(persona.loginFailed + persona.loginPrompt);
      state = 'username';
      // Lines typed ahead run now; one of them may start another delay, which keeps the rest queued.
      const typedAhead = queued.splice(0);
      for (const line of typedAhead) handleLine(line);
    });
  };

  socket.on('data', (chunk: Buffer) => {
    scope.touch();
    for (const event of decoder.push(chunk).events) {
      if (event.kind === 'negotiation') {
        const answer = policy.answer(event.verb, event.option);
        if (answer) scope.write(answer);
        continue;
      }
      if (event.kind === 'subnegotiation') continue; // window size / terminal type: noted, unused
      for (const byte of event.bytes) {
        const step = lines.push(byte);
        if (step.ignored) continue;
        if (state === 'shell') {
          countShellInput(1, !countedCurrentLine);
          countedCurrentLine = step.line === undefined;
          if (step.line !== undefined) scope.write(`\r\n${persona.shellPrompt}`);
          continue;
        }
        if (step.line !== undefined) handleLine(step.line);
      }
    }
  });
}
