import type { Target } from '../../core/records.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import { hostHeader, httpGet } from '../http/exchange.ts';
import { connectionRequestPath, describeResponse, type CwmpChallenge } from './codec.ts';

/** What a CWMP grab records of the connection-request server's answer to GET /. */
export type CwmpResult = {
  status: number;
  statusLine: string;
  /** "RomPager/4.07 UPnP/1.0": the component and version the Misfortune Cookie advisories name. */
  server?: string;
  auth?: CwmpChallenge;
};

/**
 * One GET / without credentials, recording status, Server and challenge. There is no credential
 * check: a connection request is the ACS's knock, not a login the programme tests.
 * @example const outcome = await grabCwmp(ctx, { ip: '192.0.2.1', port: 7547 }) // outcome.result.server
 */
export async function grabCwmp(ctx: GrabContext, target: Target): Promise<GrabOutcome<CwmpResult>> {
  const response = await httpGet(ctx, { target, path: connectionRequestPath, host: hostHeader(target) });
  if (!response.head) return { status: response.status, result: {}, error: response.error };
  const { head } = response;
  return { status: 'success', result: { status: head.status, statusLine: head.statusLine.slice(0, 256), ...describeResponse(head) } };
}
