/**
 * An IP camera's RTSP server (RFC 2326), read and written through the protocol's own codec:
 * OPTIONS → Public; DESCRIBE → 401 with a Basic or Digest challenge until the one credential is
 * sent, then the stream's description; or, on an open camera, the description straight away.
 * It never streams: SETUP and PLAY are refused. Every request after a successful DESCRIBE on a
 * connection is what a player would send next, so it is counted as a command after login (a
 * survey must send none). The hostile variants misbehave after the first request.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { parseAuthChallenges } from '../../protocols/http/auth-challenge.ts';
import { formatRtspResponse, parseRtspRequest, type RtspRequest } from '../../protocols/rtsp/codec.ts';
import type { LabStatsRecorder } from '../stats.ts';
import type { LabCredential } from '../types.ts';
import { connectionScope, type ConnectionScope } from './connection-scope.ts';
import { cameraSdp, type RtspPersona } from './rtsp-personas.ts';

export interface RtspCamera {
  persona: RtspPersona;
  /** `none`: the stream is open to anyone. */
  auth: 'none' | 'basic' | 'digest';
  /** The one pair the camera accepts (read at each login). */
  credential?: LabCredential;
}

export type RtspHostileBehaviour = 'endless-headers' | 'status-then-silence';

export const rtspIdleTimeoutMs = 30_000;
/** Unanswered request bytes kept at most; a client that sends more is cut off. */
const maxBufferedBytes = 64 * 1024;
const streamMethods = new Set(['SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER', 'SET_PARAMETER', 'ANNOUNCE', 'RECORD']);

/**
 * Serve one RTSP connection of a camera.
 * @example server.on('connection', (socket) => serveRtspCamera(socket, { persona: rtspPersonas.dahua, auth: 'digest', credential }, stats))
 */
export function serveRtspCamera(socket: Socket, camera: RtspCamera, stats: Pick<LabStatsRecorder, 'add'>): void {
  const scope = connectionScope(socket);
  const { persona } = camera;
  // Cameras tie their nonce to the connection.
  const nonce = randomBytes(16).toString('hex');
  let buffered: Buffer = Buffer.alloc(0);
  let described = false;
  let partialCounted = false;
  let failures = 0;
  scope.idle(rtspIdleTimeoutMs, () => socket.destroy());

  const reply = (request: RtspRequest, status: number, reason: string, extra: Array<[string, string]> = [], body?: string) => {
    const headers: Array<[string, string]> = [
      ['CSeq', request.headers.cseq ?? '0'],
      ...(persona.server ? [['Server', persona.server] as [string, string]] : []),
      ...extra,
    ];
    scope.write(formatRtspResponse({ status, reason, headers, ...(body !== undefined ? { body } : {}) }));
  };

  /** Whether the request may go on; answers 401 (and counts the login) when it may not. */
  const authorized = (request: RtspRequest): boolean => {
    if (camera.auth === 'none') return true;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      stats.add('loginAttempts');
      if (credentialMatches(camera, nonce, request, authorization)) {
        stats.add('successfulLogins');
        return true;
      }
      stats.add('failedLogins');
      failures++;
    }
    reply(request, 401, 'Unauthorized', [['WWW-Authenticate', challenge(camera, nonce)]]);
    if (persona.maxFailuresPerConnection > 0 && failures >= persona.maxFailuresPerConnection) scope.finish();
    return false;
  };

  const handle = (request: RtspRequest) => {
    if (described) {
      if (!partialCounted) stats.add('commandsAfterLogin');
      partialCounted = false;
    }
    if (request.headers.cseq === undefined || !/^\d{1,9}$/.test(request.headers.cseq)) return reply(request, 400, 'Bad Request');
    if (request.version !== 'RTSP/1.0') return reply(request, 505, 'RTSP Version Not Supported');
    if (request.method === 'OPTIONS') {
      if (persona.optionsNeedAuth && !authorized(request)) return;
      return reply(request, 200, 'OK', [['Public', persona.publicMethods.join(', ')]]);
    }
    if (request.method === 'DESCRIBE') {
      if (!authorized(request)) return;
      if (!persona.streamPaths.includes(pathOf(request.url))) return reply(request, 404, 'Not Found');
      described = true;
      return reply(
        request,
        200,
        'OK',
        [
          ['Content-Type', 'application/sdp'],
          ['Content-Base', `${request.url.replace(/\/$/, '')}/`],
        ],
        cameraSdp(persona),
      );
    }
    if (streamMethods.has(request.method)) {
      if (!authorized(request)) return;
      return reply(request, 455, 'Method Not Valid in This State');
    }
    return reply(request, 501, 'Not Implemented');
  };

  socket.on('data', (chunk: Buffer) => {
    scope.touch();
    if (described) stats.add('bytesAfterLogin', chunk.length);
    buffered = Buffer.concat([buffered, chunk]);
    for (let messages = 0; messages < 64 && buffered.length > 0 && !scope.closed; messages++) {
      const parsed = parseRtspRequest(buffered);
      if (parsed.state === 'incomplete') break;
      if (parsed.state === 'invalid') {
        buffered = Buffer.alloc(0);
        scope.finish(formatRtspResponse({ status: 400, reason: 'Bad Request', headers: [] }));
        return;
      }
      buffered = buffered.subarray(parsed.end);
      const wasDescribed = described;
      handle(parsed.message);
      // Bytes that came with the request that opened the stream are already after it.
      if (!wasDescribed && described && buffered.length > 0) stats.add('bytesAfterLogin', buffered.length);
    }
    if (described && buffered.length > 0 && !partialCounted) {
      // The start of a request after the stream was described: already input after login.
      stats.add('commandsAfterLogin');
      partialCounted = true;
    }
    if (buffered.length > maxBufferedBytes) scope.finish(formatRtspResponse({ status: 400, reason: 'Bad Request', headers: [] }));
  });
}

/**
 * Serve one connection of a broken or hostile camera: after the first request it either sends a
 * status line and headers that never end, or a status line and then silence.
 * @example server.on('connection', (socket) => serveRtspHostile(socket, 'endless-headers'))
 */
export function serveRtspHostile(socket: Socket, behaviour: RtspHostileBehaviour): void {
  const scope = connectionScope(socket);
  scope.later(10 * 60_000, () => socket.destroy());
  let started = false;
  socket.on('data', () => {
    if (started) return; // everything else is read and ignored
    started = true;
    scope.write('RTSP/1.0 200 OK\r\n');
    if (behaviour === 'endless-headers') floodHeaders(scope);
  });
}

/** Header lines forever: only when the kernel took the last chunk, paced, until the peer goes. */
function floodHeaders(scope: ConnectionScope): void {
  let header = 0;
  const writeNext = () => {
    if (scope.closed) return;
    const lines: string[] = [];
    for (let count = 0; count < 200; count++) lines.push(`X-Vendor-Info-${header++}: ${'x'.repeat(64)}`);
    if (scope.write(`${lines.join('\r\n')}\r\n`)) scope.later(5, writeNext);
    else scope.socket.once('drain', () => scope.later(5, writeNext));
  };
  writeNext();
}

function challenge(camera: RtspCamera, nonce: string): string {
  const realm = camera.persona.realm.replace(/["\\]/g, '');
  return camera.auth === 'basic' ? `Basic realm="${realm}"` : `Digest realm="${realm}", nonce="${nonce}", stale="FALSE"`;
}

/** Path and query of a request URL: "rtsp://h:554/live?x=1" → "/live?x=1"; "rtsp://h:554" → "/". */
function pathOf(url: string): string {
  const match = /^rtsp:\/\/[^/]*(\/.*)?$/i.exec(url);
  return match ? (match[1] ?? '/') : url;
}

/** Checks the credential on its own terms (not with the client's code): Basic, or Digest MD5 with or without qop. */
function credentialMatches(camera: RtspCamera, nonce: string, request: RtspRequest, authorization: string): boolean {
  const credential = camera.credential;
  if (!credential) return false;
  if (camera.auth === 'basic') {
    const token = /^Basic\s+(\S+)$/i.exec(authorization.trim())?.[1] ?? '';
    return Buffer.from(token, 'base64').toString('utf8') === `${credential.username}:${credential.password}`;
  }
  const digest = parseAuthChallenges(authorization).find((parsed) => parsed.scheme === 'digest');
  if (!digest) return false;
  const { username, realm, uri, response, qop, nc, cnonce } = digest.params;
  if (username !== credential.username || realm !== camera.persona.realm || digest.params.nonce !== nonce || uri !== request.url) return false;
  const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
  const ha1 = md5(`${credential.username}:${camera.persona.realm}:${credential.password}`);
  const ha2 = md5(`${request.method}:${uri}`);
  const expected = qop === 'auth' ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  return response === expected;
}
