/**
 * A simulated IEC 60870-5-104 controlled station (an RTU, a substation gateway), written from
 * the standard's public description independently of opennotice's codec. It confirms TESTFR
 * act frames; STARTDT, STOPDT and every I-format frame (commands, interrogations) are what a
 * survey must never send: they are counted (`commandsAfterLogin`) and get no answer. A station
 * may also send frames unasked as soon as a client connects (`greeting`), as some gateways do.
 * Hostile variants misbehave on purpose.
 */
import type { Socket } from 'node:net';
import type { LabStatsRecorder } from '../stats.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';

export interface Iec104StationPersona {
  /** Station (common) address, carried by any ASDU it sends. */
  commonAddress: number;
  /** Send one end-of-initialisation ASDU (type 70) as soon as a client connects. */
  announcesInitialisation?: boolean;
}

/**
 * - `silent`: accepts, reads, never answers;
 * - `endless`: answers with I-format frames without end;
 * - `bad-length`: a frame whose length byte is 2 (less than the four control octets);
 * - `wrong-start`: bytes that do not start with 0x68;
 * - `trickle`: a TESTFR con sent one byte a second.
 */
export type Iec104HostileBehaviour = 'silent' | 'endless' | 'bad-length' | 'wrong-start' | 'trickle';
export const iec104HostileBehaviours: readonly Iec104HostileBehaviour[] = ['silent', 'endless', 'bad-length', 'wrong-start', 'trickle'];

const idleTimeoutMs = 30_000;
const hostileLifetimeMs = 10 * 60_000;
const testConfirm = Buffer.from([0x68, 0x04, 0x83, 0x00, 0x00, 0x00]);

/** M_EI_NA_1 (end of initialisation, type 70), cause 4 (initialised), the station's address, IOA 0, COI 0. */
function endOfInitialisation(commonAddress: number): Buffer {
  const asdu = Buffer.from([70, 0x01, 0x04, 0x00, commonAddress & 0xff, commonAddress >> 8, 0x00, 0x00, 0x00, 0x00]);
  return Buffer.concat([Buffer.from([0x68, 4 + asdu.length, 0x00, 0x00, 0x00, 0x00]), asdu]);
}

/**
 * Serve one connection.
 * @example server.on('connection', (socket) => serveIec104Station(socket, { commonAddress: 7 }, stats))
 */
export function serveIec104Station(socket: Socket, persona: Iec104StationPersona, stats: LabStatsRecorder, hostile?: Iec104HostileBehaviour): void {
  const scope = connectionScope(socket);
  if (hostile) {
    serveHostile(scope, hostile, persona);
    return;
  }
  scope.idle(idleTimeoutMs, () => socket.destroy());
  if (persona.announcesInitialisation) scope.write(endOfInitialisation(persona.commonAddress));
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    scope.touch();
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      if (buffered[0] !== 0x68 || buffered[1]! < 4) return void socket.destroy();
      const total = 2 + buffered[1]!;
      if (buffered.length < total) return;
      const control = buffered[2]!;
      buffered = buffered.subarray(total);
      if (control === 0x43) scope.write(testConfirm);
      // S-format acknowledgements are harmless; anything else would start or steer the station.
      else if ((control & 0x03) !== 0x01) stats.add('commandsAfterLogin');
    }
  });
}

function serveHostile(scope: ConnectionScope, behaviour: Iec104HostileBehaviour, persona: Iec104StationPersona): void {
  scope.later(hostileLifetimeMs, () => scope.socket.destroy());
  let started = false;
  scope.socket.on('data', () => {
    if (started) return;
    started = true;
    switch (behaviour) {
      case 'silent':
        return;
      case 'endless':
        return flood(scope, endOfInitialisation(persona.commonAddress));
      case 'bad-length':
        scope.write(Buffer.from([0x68, 0x02, 0x83, 0x00]));
        return;
      case 'wrong-start':
        scope.write(Buffer.from('HTTP/1.0 400 Bad Request\r\n\r\n'));
        return;
      case 'trickle':
        return trickle(scope, 0);
    }
  });
}

function trickle(scope: ConnectionScope, at: number): void {
  if (scope.closed || at >= testConfirm.length) return;
  scope.write(testConfirm.subarray(at, at + 1));
  scope.later(1000, () => trickle(scope, at + 1));
}

function flood(scope: ConnectionScope, unit: Buffer): void {
  if (scope.closed) return;
  const chunk = Buffer.concat(Array.from({ length: 256 }, () => unit));
  if (scope.write(chunk)) scope.later(5, () => flood(scope, unit));
  else scope.socket.once('drain', () => scope.later(5, () => flood(scope, unit)));
}
