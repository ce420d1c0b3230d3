/**
 * TR-069 (CPE WAN Management Protocol) connection requests, as far as a survey reads them: a CPE
 * listens on 7547 for its ACS to ask it, by an authenticated HTTP GET, to call home. The answer to
 * an unauthenticated GET names the server (RomPager, the embedded server of the Misfortune
 * Cookie flaw, is the famous one) and its challenge. Pure functions over the HTTP codec.
 */
import type { Target } from '../../core/records.ts';
import { buildGetRequest, parseAuthChallenges, parseResponseHead, type ResponseHead } from '../http/codec.ts';
import { hostHeader } from '../http/exchange.ts';

/** The path asked: connection-request URLs are vendor-chosen, "/" is answered by all. */
export const connectionRequestPath = '/';

/** Longest Server header and realm kept. */
const maxHeaderChars = 256;

/**
 * The detection probe: GET / without credentials. Detection has no survey context at hand, so
 * the User-Agent names the project only.
 * @example connectionRequestProbe({ ip: '192.0.2.1', port: 7547 }).toString().startsWith('GET / HTTP/1.1') // true
 */
export function connectionRequestProbe(target: Target): Buffer {
  return buildGetRequest({ path: connectionRequestPath, host: hostHeader(target), userAgent: 'opennotice-survey' });
}

/**
 * Whether a reply (possibly only its start) is an HTTP response.
 * @example isHttpReply(Buffer.from('HTTP/1.1 401 Unauthorized\r\n')) // true
 */
export function isHttpReply(reply: Buffer): boolean {
  return /^[\r\n ]*HTTP\/\d/i.test(reply.subarray(0, 64).toString('latin1')) && parseResponseHead(reply).state !== 'invalid';
}

/** The challenge a connection-request server answered with. */
export interface CwmpChallenge {
  /** Lower-case: digest, basic, … ("unknown" when the header could not be read). */
  scheme: string;
  realm?: string;
}

/**
 * The Server header and the challenge (Digest preferred, as TR-069 requires it) of a response.
 * @example describeResponse(head) // { server: 'RomPager/4.07 UPnP/1.0', auth: { scheme: 'digest', realm: 'IgdAuthentication' } }
 */
export function describeResponse(head: ResponseHead): { server?: string; auth?: CwmpChallenge } {
  const server = head.headers.server?.slice(0, maxHeaderChars);
  const header = head.headers['www-authenticate'];
  let auth: CwmpChallenge | undefined;
  if (header !== undefined) {
    const challenges = parseAuthChallenges(header);
    const chosen = challenges.find((challenge) => challenge.scheme === 'digest') ?? challenges[0];
    const realm = chosen?.params.realm?.slice(0, maxHeaderChars);
    auth = chosen ? { scheme: chosen.scheme.slice(0, 32), ...(realm !== undefined ? { realm } : {}) } : { scheme: 'unknown' };
  }
  return { ...(server !== undefined ? { server } : {}), ...(auth ? { auth } : {}) };
}
