/**
 * MQTT brokers that misbehave on purpose. Each waits for the client's first bytes (MQTT is
 * client-first), then:
 * - `giant-trickle`: a CONNACK header announcing 256 MiB (the most MQTT can say), then one byte
 *   every 50 ms, forever;
 * - `giant-flood`: the same header, then as many bytes as the client will take;
 * - `no-connack`: reads everything and never answers.
 * Writers respect backpressure (the kernel buffer bounds memory) and stop with the peer.
 */
import type { Socket } from 'node:net';
import { encodeVarint, maxRemainingLength, packetTypes } from '../../protocols/mqtt/codec.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';

export type MqttHostileBehaviour = 'giant-trickle' | 'giant-flood' | 'no-connack';
export const mqttHostileBehaviours: readonly MqttHostileBehaviour[] = ['giant-trickle', 'giant-flood', 'no-connack'];

const trickleIntervalMs = 50;
const floodIntervalMs = 5;
const floodChunk = Buffer.alloc(16 * 1024, 0x41);
/** How long a hostile connection is kept before the lab gives up on it itself. */
const hostileLifetimeMs = 10 * 60_000;

/** The fixed header of a CONNACK whose remaining length is 268,435,455 bytes. */
export const giantConnackHeader = Buffer.concat([Buffer.from([packetTypes.connack << 4]), encodeVarint(maxRemainingLength)]);

/**
 * Serve one connection to a hostile broker.
 * @example server.on('connection', (socket) => serveHostileMqtt(socket, 'giant-flood'))
 */
export function serveHostileMqtt(socket: Socket, behaviour: MqttHostileBehaviour): void {
  const scope = connectionScope(socket);
  scope.later(hostileLifetimeMs, () => socket.destroy());
  let started = false;
  socket.on('data', () => {
    if (started) return;
    started = true;
    if (behaviour === 'no-connack') return;
    scope.write(giantConnackHeader);
    if (behaviour === 'giant-trickle') trickle(scope);
    else flood(scope);
  });
}

function trickle(scope: ConnectionScope): void {
  if (scope.closed) return;
  scope.write(Buffer.from([0x00]));
  scope.later(trickleIntervalMs, () => trickle(scope));
}

/** Chunks only when the kernel took the last one, paced, until the peer goes. */
function flood(scope: ConnectionScope): void {
  if (scope.closed) return;
  if (scope.write(floodChunk)) scope.later(floodIntervalMs, () => flood(scope));
  else scope.socket.once('drain', () => scope.later(floodIntervalMs, () => flood(scope)));
}
