/**
 * A simulated Niagara station answering the Fox hello on 1911, written from public descriptions
 * of the protocol independently of opennotice's codec. It answers one hello with its own block
 * of `name=type:value` lines; anything a client sends after the hello (a login, a request) is
 * what a survey must never send: it is counted (`commandsAfterLogin`) and the station hangs up.
 * Hostile variants misbehave on purpose.
 */
import type { Socket } from 'node:net';
import type { LabStatsRecorder } from '../stats.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';

/** The station's hello fields, in the order it sends them (name → typed value, `s:…`, `i:…`). */
export interface FoxStationPersona {
  hello: ReadonlyArray<readonly [string, string]>;
}

/**
 * - `silent`: accepts, reads, never answers;
 * - `never-ends`: a hello whose block is never closed, one line after another;
 * - `garbage`: binary bytes instead of a hello;
 * - `huge-line`: a hello line of endless length without a newline.
 */
export type FoxHostileBehaviour = 'silent' | 'never-ends' | 'garbage' | 'huge-line';
export const foxHostileBehaviours: readonly FoxHostileBehaviour[] = ['silent', 'never-ends', 'garbage', 'huge-line'];

const idleTimeoutMs = 30_000;
const hostileLifetimeMs = 10 * 60_000;
/** A hello larger than this is not one: the station hangs up. */
const maxHelloBytes = 8192;

/**
 * Serve one connection.
 * @example server.on('connection', (socket) => serveFoxStation(socket, persona, stats))
 */
export function serveFoxStation(socket: Socket, persona: FoxStationPersona, stats: LabStatsRecorder, hostile?: FoxHostileBehaviour): void {
  const scope = connectionScope(socket);
  if (hostile) {
    serveHostile(scope, hostile);
    return;
  }
  scope.idle(idleTimeoutMs, () => socket.destroy());
  let received = '';
  let answered = false;
  socket.on('data', (chunk: Buffer) => {
    scope.touch();
    if (answered) {
      stats.add('commandsAfterLogin');
      return void socket.destroy();
    }
    received += chunk.toString('latin1');
    const start = received.slice(0, 6);
    if (received.length > maxHelloBytes || !'fox a '.startsWith(start)) return void socket.destroy();
    const end = received.indexOf('};;');
    if (end < 0) return;
    answered = true;
    const lines = persona.hello.map(([name, value]) => `${name}=${value}`);
    scope.write(`fox a 0 -1 fox hello\n{\n${lines.join('\n')}\n};;\n`);
    // Bytes after the client's hello in the same chunk were sent without waiting for ours.
    if (received.slice(end + 3).trim().length > 0) stats.add('commandsAfterLogin');
  });
}

function serveHostile(scope: ConnectionScope, behaviour: FoxHostileBehaviour): void {
  scope.later(hostileLifetimeMs, () => scope.socket.destroy());
  let started = false;
  scope.socket.on('data', () => {
    if (started) return;
    started = true;
    if (behaviour === 'silent') return;
    if (behaviour === 'garbage') return void scope.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x81, 0x0a, 0x0d, 0xfe]));
    scope.write(behaviour === 'never-ends' ? 'fox a 0 -1 fox hello\n{\n' : 'fox a 0 -1 fox hello\n{\nhostName=s:');
    flood(scope, behaviour === 'never-ends' ? (n) => `x${n}=s:${'y'.repeat(60)}\n` : () => 'z'.repeat(4096), 0);
  });
}

function flood(scope: ConnectionScope, piece: (n: number) => string, n: number): void {
  if (scope.closed) return;
  const chunk = Array.from({ length: 64 }, (_, at) => piece(n + at)).join('');
  if (scope.write(chunk)) scope.later(5, () => flood(scope, piece, n + 64));
  else scope.socket.once('drain', () => scope.later(5, () => flood(scope, piece, n + 64)));
}
