/**
 * Devices that misbehave on purpose, as broken or malicious hosts on the internet do.
 * A survey must end each of them with a recorded status, never stall or crash. Every
 * writer respects backpressure (the kernel buffer bounds memory) and stops with the peer.
 */
import type { Socket } from 'node:net';
import { createRandom } from '../../core/random.ts';
import type { HostileBehaviour, LabService } from '../types.ts';
import { DO, IAC, WILL } from '../../protocols/telnet/codec.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';
import { serveHostileMqtt } from './mqtt-hostile.ts';
import { serveRtspHostile } from './rtsp-server.ts';

/** Pause between chunks of an endless writer: a steady flood that leaves the event loop free. */
const floodIntervalMs = 5;
const floodChunkBytes = 16 * 1024;
/** How long hostile connections are kept before the lab gives up on them itself. */
const hostileLifetimeMs = 10 * 60_000;
export const slowSenderText = '\r\n\r\nWelcome to the embedded system\r\n\r\nlogin: ';

/**
 * Serve one connection to a hostile device.
 * @example server.on('connection', (socket) => serveHostile(socket, 'tarpit', service, seed))
 */
export function serveHostile(socket: Socket, behaviour: HostileBehaviour, service: LabService, seed: number): void {
  // The protocols with hostile servers of their own: a 256 MiB MQTT packet, flooded or trickled;
  // RTSP headers that never end. Elsewhere (and for a TLS tarpit) the generic behaviour is the test.
  if (service.protocol === 'mqtt' && (behaviour === 'binary-garbage' || behaviour === 'slow-sender')) {
    serveHostileMqtt(socket, behaviour === 'slow-sender' ? 'giant-trickle' : 'giant-flood');
    return;
  }
  if (service.protocol === 'rtsp' && behaviour === 'endless-banner') {
    serveRtspHostile(socket, 'endless-headers');
    return;
  }
  const scope = connectionScope(socket);
  scope.later(hostileLifetimeMs, () => socket.destroy());
  switch (behaviour) {
    case 'tarpit':
      // Accept and never speak; never read either, so a client's writes only fill kernel buffers.
      socket.pause();
      return;
    case 'endless-banner':
      socket.resume();
      flood(scope, endlessBannerChunk(service));
      return;
    case 'binary-garbage':
      socket.resume();
      sendGarbage(scope, seed);
      return;
    case 'slow-sender':
      socket.resume();
      sendSlowly(scope, Buffer.from(slowSenderText, 'latin1'), 0);
      return;
    case 'iac-storm':
      socket.resume();
      flood(scope, iacStormChunk(seed));
      return;
  }
}

/** What an endless banner repeats: a telnet-ish notice, or an HTTP response whose headers never end. */
function endlessBannerChunk(service: LabService): () => Buffer {
  if (service.protocol === 'http') {
    let started = false;
    let header = 0;
    return () => {
      const lines: string[] = started ? [] : ['HTTP/1.1 200 OK'];
      started = true;
      while (lines.join('\r\n').length < floodChunkBytes) lines.push(`X-Padding-${header++}: ${'x'.repeat(64)}`);
      return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
    };
  }
  const line = 'System is booting, please wait ...\r\n';
  const block = Buffer.from(line.repeat(Math.ceil(floodChunkBytes / line.length)), 'latin1');
  return () => block;
}

/** IAC DO/WILL requests for every option, in a shuffled order, over and over. */
function iacStormChunk(seed: number): () => Buffer {
  const random = createRandom(seed);
  const bytes: number[] = [];
  while (bytes.length < floodChunkBytes) bytes.push(IAC, random.chance(0.5) ? DO : WILL, random.int(0, 255));
  const block = Buffer.from(bytes);
  return () => block;
}

/** Write chunks forever: only when the kernel accepted the last one, paced, until the peer goes. */
function flood(scope: ConnectionScope, nextChunk: () => Buffer): void {
  const writeNext = () => {
    if (scope.closed) return;
    if (scope.write(nextChunk())) scope.later(floodIntervalMs, writeNext);
    else scope.socket.once('drain', () => scope.later(floodIntervalMs, writeNext));
  };
  writeNext();
}

/** 4 KiB of random bytes rich in NUL and 0xFF; then either hang up or keep the line open. */
function sendGarbage(scope: ConnectionScope, seed: number): void {
  const random = createRandom(seed);
  const garbage = Buffer.alloc(4096);
  for (let index = 0; index < garbage.length; index++) {
    const draw = random.next();
    garbage[index] = draw < 0.2 ? 0x00 : draw < 0.4 ? 0xff : random.int(0, 255);
  }
  if (seed % 2 === 0) scope.finish(garbage);
  else scope.write(garbage);
}

function sendSlowly(scope: ConnectionScope, text: Buffer, position: number): void {
  if (position >= text.length) return; // then silence: the prompt never answers
  scope.write(text.subarray(position, position + 1));
  scope.later(1000, () => sendSlowly(scope, text, position + 1));
}
