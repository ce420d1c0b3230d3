import type { Target } from '../../core/records.ts';
import { parseAuthChallenges } from '../http/auth-challenge.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { publicMethods, type RtspResponse } from './codec.ts';
import { parseSdpFacts, type SdpFacts } from './sdp.ts';
import { createRtspSession, type RtspAnswer, type RtspSession } from './session.ts';

/** What an RTSP grab records: the server, its methods, and what DESCRIBE answered (a login, or an open stream). */
export type RtspResult = {
  /** Status line of the last answer: the last DESCRIBE's, or OPTIONS' when DESCRIBE got none. */
  statusLine: string;
  status: number;
  /** Path (and query) of the last DESCRIBE: "/" unless "/" was not found and a common stream path answered. */
  path: string;
  server?: string;
  publicMethods?: string[];
  /** The challenge to log in with: Basic when offered (what the checker tries first), else the first. */
  auth?: { scheme: string; realm?: string };
  /** Path (and query) of the URL that answered 401 with the challenge in `auth`. */
  authPath?: string;
  /** The WWW-Authenticate header(s) as sent, first 512 characters: some servers are told apart by their parameters. */
  wwwAuthenticate?: string;
  /** A stream described without any credential. */
  sdp?: SdpFacts;
};

/**
 * Stream paths of the commonest camera families, tried in this order only when DESCRIBE of "/"
 * says 404: cameras that want a login answer 401 on any path, so this list only ever serves to
 * find a stream that is open. Short on purpose: every entry is one more request to the device.
 */
export const commonStreamPaths: readonly string[] = [
  '/Streaming/Channels/101', // Hikvision and its OEMs
  '/cam/realmonitor?channel=1&subtype=0', // Dahua and its OEMs
  '/11', // HiSilicon "Hipcam" boards
  '/live', // many small vendors; live555-based servers
  '/stream1', // TP-Link
];

/** Characters of WWW-Authenticate kept in the result. */
const maxChallengeChars = 512;

/**
 * OPTIONS (Server, Public), then DESCRIBE of "/" with `Accept: application/sdp`, then — only
 * when "/" is not found — DESCRIBE of each common stream path until one is not 404. All over
 * one connection while the server keeps it open. Sends no credential and nothing that plays.
 * @example const outcome = await grabRtsp(ctx, { ip: '192.0.2.7', port: 554 })
 */
export async function grabRtsp(ctx: GrabContext, target: Target): Promise<GrabOutcome<RtspResult>> {
  const session = createRtspSession(ctx, target);
  try {
    return await describeService(session);
  } finally {
    session.close();
  }
}

async function describeService(session: RtspSession): Promise<GrabOutcome<RtspResult>> {
  const result: Partial<RtspResult> = {};
  const options = await ask(session, 'OPTIONS', '/');
  if (options.kind === 'failed') return failedOutcome(options);
  record(result, 'OPTIONS', options.response, '/');
  const methods = publicMethods(options.response.headers.public);
  if (methods.length > 0) result.publicMethods = methods;

  for (const path of ['/', ...commonStreamPaths]) {
    const describe = await ask(session, 'DESCRIBE', path, [['Accept', 'application/sdp']]);
    // OPTIONS answered: what it told is the grab's result even when DESCRIBE gets nothing.
    if (describe.kind === 'failed') return { status: 'success', result, error: describe.error };
    record(result, 'DESCRIBE', describe.response, path);
    if (describe.response.status !== 404) break;
  }
  return { status: 'success', result };
}

/** One request; a reused connection the server had quietly closed is dialed again, once. */
async function ask(session: RtspSession, method: string, path: string, headers: ReadonlyArray<readonly [string, string]> = []): Promise<RtspAnswer> {
  const answer = await session.request(method, path, headers);
  if (answer.kind === 'failed' && answer.closedSilently && answer.reusedConnection) return session.request(method, path, headers);
  return answer;
}

function record(result: Partial<RtspResult>, method: 'OPTIONS' | 'DESCRIBE', response: RtspResponse, path: string): void {
  result.statusLine = response.statusLine;
  result.status = response.status;
  result.path = path;
  const server = response.headers.server?.trim();
  if (server && result.server === undefined) result.server = server.slice(0, 256);
  if (response.status === 401 && (result.auth === undefined || result.authPath === '/')) {
    const header = response.headers['www-authenticate'] ?? '';
    const challenges = parseAuthChallenges(header);
    const chosen = challenges.find((challenge) => challenge.scheme === 'basic') ?? challenges[0];
    const realm = chosen?.params.realm;
    result.auth = chosen ? { scheme: chosen.scheme, ...(realm !== undefined ? { realm: realm.slice(0, 256) } : {}) } : { scheme: 'unknown' };
    result.authPath = path;
    if (header) result.wwwAuthenticate = header.slice(0, maxChallengeChars);
  }
  if (method === 'DESCRIBE' && response.status === 200) {
    // Some servers leave out Content-Type; one that names another type has not described a stream.
    const sdp = /^\s*application\/sdp\b/i.test(response.headers['content-type'] ?? 'application/sdp')
      ? parseSdpFacts(response.body.toString('latin1'))
      : undefined;
    if (sdp) result.sdp = sdp;
  }
}

/** A grab whose first request got no whole answer keeps the status line, if one came (endless headers, then silence). */
function failedOutcome(answer: Extract<RtspAnswer, { kind: 'failed' }>): GrabOutcome<RtspResult> {
  const result: Partial<RtspResult> = {};
  const status = Number(/^\S+\s+(\d{3})/.exec(answer.statusLine ?? '')?.[1]);
  if (answer.statusLine !== undefined && Number.isInteger(status)) Object.assign(result, { statusLine: answer.statusLine, status });
  return { status: answer.status, result, error: answer.error };
}
