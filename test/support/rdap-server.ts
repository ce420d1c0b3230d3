/**
 * An RDAP-like server for the tests: answers `GET /ip/{address}` with an RFC 9083
 * "ip network" object for the configured network holding the address (the most specific),
 * an RFC 9083 error object otherwise. It can be told to fail or to answer slowly for chosen
 * addresses, so clients' error and timeout paths are exercised. Listens on loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatIPv4, formatIPv6, parseAddress, parsePrefix } from '../../src/attribution/address.ts';

export interface TestRdapNetwork {
  /** e.g. "192.0.2.0/24" or "2001:db8::/32". */
  cidr: string;
  handle: string;
  name: string;
  country?: string;
  registrant?: string;
  abuseEmail?: string;
  /** Put the abuse contact inside the registrant entity (ARIN's shape) instead of at the top (APNIC's). */
  nestAbuseContact?: boolean;
}

export interface TestRdapServerOptions {
  networks: readonly TestRdapNetwork[];
  /** 127.0.0.0/8 only. Default 127.0.0.1. */
  host?: string;
  /** An HTTP status to fail with for this address (e.g. 500, 429), or undefined to answer. */
  failureFor?: (address: string) => number | undefined;
  /** Milliseconds to wait before answering this address (capped at 30 s). */
  delayFor?: (address: string) => number;
}

export interface TestRdapServer {
  /** Base URL to give an RDAP client, e.g. "http://127.0.0.1:40123". */
  url: string;
  /** Request paths received, in order. */
  requests: string[];
  close(): Promise<void>;
}

const maxDelayMs = 30_000;

/**
 * @example
 * const rdap = await startTestRdapServer({ networks: [{ cidr: '192.0.2.0/24', handle: 'NET-1', name: 'EXAMPLE', abuseEmail: 'abuse@example.net' }] });
 * await fetch(`${rdap.url}/ip/192.0.2.7`); await rdap.close();
 */
export async function startTestRdapServer(options: TestRdapServerOptions): Promise<TestRdapServer> {
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`the lab RDAP server listens on loopback only, not ${host}`);
  const networks = options.networks.map((network) => {
    const prefix = parsePrefix(network.cidr);
    if (!prefix || prefix.hostBitsSet) throw new Error(`lab RDAP network "${network.cidr}" is not a prefix`);
    return { network, prefix };
  });
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push(path);
    const match = /^\/ip\/([^/?#]+)$/.exec(path);
    const address = match ? decodeURIComponent(match[1]!) : undefined;
    const answer = () => {
      if (response.destroyed) return;
      if (!address || !parseAddress(address)) return sendJson(response, 400, errorObject(400, 'Bad Request', `not an IP address query: ${path}`));
      const failure = options.failureFor?.(address);
      if (failure !== undefined) return sendJson(response, failure, errorObject(failure, 'Lab failure', `configured to fail for ${address}`));
      const found = mostSpecific(networks, address);
      if (!found) return sendJson(response, 404, errorObject(404, 'Not Found', `no network holds ${address}`));
      sendJson(response, 200, networkObject(found.network, found.prefix));
    };
    const delay = Math.min(address ? (options.delayFor?.(address) ?? 0) : 0, maxDelayMs);
    if (delay <= 0) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, delay);
    timers.add(timer);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type Indexed = { network: TestRdapNetwork; prefix: NonNullable<ReturnType<typeof parsePrefix>> };

function mostSpecific(networks: readonly Indexed[], address: string): Indexed | undefined {
  const parsed = parseAddress(address)!;
  let best: Indexed | undefined;
  for (const candidate of networks) {
    if (candidate.prefix.family !== parsed.family || parsed.first < candidate.prefix.first || parsed.first > candidate.prefix.last) continue;
    if (!best || candidate.prefix.length > best.prefix.length) best = candidate;
  }
  return best;
}

function vcard(properties: Array<[string, string]>): unknown[] {
  return ['vcard', [['version', {}, 'text', '4.0'], ...properties.map(([name, value]) => [name, {}, 'text', value])]];
}

/** An RFC 9083 §5.4 "ip network" object, shaped like the RIRs' answers (cidr0 extension included). */
function networkObject(network: TestRdapNetwork, prefix: Indexed['prefix']): Record<string, unknown> {
  const [start, end] = [formatEnd(prefix.family, prefix.first), formatEnd(prefix.family, prefix.last)];
  const abuse = network.abuseEmail
    ? {
        objectClassName: 'entity',
        handle: `${network.handle}-ABUSE`,
        roles: ['abuse'],
        vcardArray: vcard([
          ['fn', 'Abuse desk'],
          ['kind', 'group'],
          ['email', network.abuseEmail],
        ]),
      }
    : undefined;
  const registrant: Record<string, unknown> = {
    objectClassName: 'entity',
    handle: `${network.handle}-ORG`,
    roles: ['registrant'],
    vcardArray: vcard([
      ['fn', network.registrant ?? network.name],
      ['kind', 'org'],
    ]),
  };
  if (abuse && network.nestAbuseContact) registrant.entities = [abuse];
  return {
    rdapConformance: ['rdap_level_0', 'cidr0'],
    objectClassName: 'ip network',
    handle: network.handle,
    startAddress: start,
    endAddress: end,
    ipVersion: prefix.family === 4 ? 'v4' : 'v6',
    name: network.name,
    type: 'ALLOCATED PORTABLE',
    ...(network.country ? { country: network.country } : {}),
    status: ['active'],
    cidr0_cidrs: [prefix.family === 4 ? { v4prefix: start, length: prefix.length } : { v6prefix: start, length: prefix.length }],
    entities: abuse && !network.nestAbuseContact ? [registrant, abuse] : [registrant],
    events: [{ eventAction: 'registration', eventDate: '2014-04-01T00:00:00Z' }],
    notices: [{ title: 'Terms of use', description: ['Lab data: not a real registry.'] }],
  };
}

function formatEnd(family: 4 | 6, value: number | bigint): string {
  return family === 4 ? formatIPv4(value as number) : formatIPv6(value as bigint);
}

function errorObject(code: number, title: string, description: string): Record<string, unknown> {
  return { rdapConformance: ['rdap_level_0'], errorCode: code, title, description: [description] };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/rdap+json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
